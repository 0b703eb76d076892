"""Summary protocol buffers in TensorFlow 2's layout (what ``tf.summary`` writes).

Scalars and histograms use the classic ``simple_value`` and ``histo``
fields (as ``keras.callbacks.TensorBoard`` does); images and text are string
tensors tagged for TensorBoard's ``images`` and ``text`` plugins, exactly as
TensorFlow writes them.
"""

from __future__ import annotations

import numpy as np

from .event_files import tensorboardx


def _protos():
    """tensorboardX's ``summary_pb2``, ``tensor_pb2`` and ``tensor_shape_pb2`` modules."""
    tensorboardx("tf.summary")  # the clear ImportError if it is missing
    from tensorboardX.proto import summary_pb2, tensor_pb2, tensor_shape_pb2
    return summary_pb2, tensor_pb2, tensor_shape_pb2


def scalar_summary(tag: str, value: float):
    """A ``Summary`` holding one float."""
    summary_pb2 = _protos()[0]
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, simple_value=value)])


def histogram_summary(tag: str, values: np.ndarray, limits: np.ndarray, counts: np.ndarray):
    """A ``Summary`` holding a histogram (``limits``: the right edge of each bucket)."""
    summary_pb2 = _protos()[0]
    empty = values.size == 0
    histogram = summary_pb2.HistogramProto(
        min=0.0 if empty else float(values.min()), max=0.0 if empty else float(values.max()),
        num=float(values.size), sum=float(values.sum()),
        sum_squares=float(np.dot(values, values)),
        bucket_limit=limits.tolist(), bucket=counts.tolist())
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, histo=histogram)])


def string_tensor_summary(tag: str, plugin: str, strings: list[bytes], shape: tuple[int, ...]):
    """A ``Summary`` holding a string tensor of ``shape`` for TensorBoard's ``plugin``.

    The plugin data is the plugin's ``version=0`` message, which serializes to
    no bytes at all (both for ``images`` and ``text``).
    """
    summary_pb2, tensor_pb2, tensor_shape_pb2 = _protos()
    metadata = summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name=plugin, content=b""))
    tensor = tensor_pb2.TensorProto(
        dtype="DT_STRING", string_val=strings,
        tensor_shape=tensor_shape_pb2.TensorShapeProto(
            dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=size) for size in shape]))
    return summary_pb2.Summary(
        value=[summary_pb2.Summary.Value(tag=tag, metadata=metadata, tensor=tensor)])
