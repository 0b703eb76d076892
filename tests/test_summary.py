"""``tf.summary``: event files written as TensorFlow writes them, read back by TensorBoard."""

from __future__ import annotations

import io
import sys

import numpy as np
import pytest

import nnlite as tf
from nnlite.summary.histogram import bucket_counts
from nnlite.summary.image import to_uint8

event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")


def read_events(logdir):
    """TensorBoard's own reader over ``logdir``, every event kept."""
    sizes = {kind: 0 for kind in (event_accumulator.SCALARS, event_accumulator.HISTOGRAMS,
                                  event_accumulator.TENSORS)}
    accumulator = event_accumulator.EventAccumulator(str(logdir), size_guidance=sizes)
    accumulator.Reload()
    return accumulator


@pytest.fixture(autouse=True)
def no_default_step():
    tf.summary.experimental.set_step(None)
    yield
    tf.summary.experimental.set_step(None)


def test_the_books_logging_loop_reads_back_in_tensorboard(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    rng = np.random.default_rng(0)
    with writer.as_default():
        for step in range(1, 4):
            assert tf.summary.scalar("my_scalar", np.sin(step / 10), step=step)
            tf.summary.histogram("my_hist", (rng.standard_normal(100) + 2) * step, buckets=50,
                                 step=step)
            tf.summary.image("my_images", rng.random((2, 32, 32, 3)) * step / 3, step=step)
            tf.summary.text("my_text", ["The step is " + str(step), "Its square is "
                                        + str(step ** 2)], step=step)
    events = read_events(tmp_path)
    assert set(events.Tags()["scalars"]) == {"my_scalar"}
    assert set(events.Tags()["histograms"]) == {"my_hist"}
    assert set(events.Tags()["tensors"]) == {"my_images", "my_text"}
    scalars = events.Scalars("my_scalar")
    assert [s.step for s in scalars] == [1, 2, 3]
    np.testing.assert_allclose([s.value for s in scalars], np.sin(np.arange(1, 4) / 10),
                               rtol=1e-6)
    histograms = events.Histograms("my_hist")
    assert [h.step for h in histograms] == [1, 2, 3]
    assert all(len(h.histogram_value.bucket) == 50 and h.histogram_value.num == 100
               for h in histograms)
    texts = events.Tensors("my_text")
    assert texts[1].step == 2 and list(texts[1].tensor_proto.string_val) == [
        b"The step is 2", b"Its square is 4"]
    assert events.SummaryMetadata("my_text").plugin_data.plugin_name == "text"
    assert events.SummaryMetadata("my_images").plugin_data.plugin_name == "images"


def test_image_tensor_is_width_height_then_pngs(tmp_path):
    from PIL import Image

    images = np.zeros((4, 2, 3, 1))
    images[0, 0, 0, 0], images[0, 1, 2, 0], images[1, 0, 1, 0] = 1.0, 0.5, 7.0  # 7 is clipped
    with tf.summary.create_file_writer(tmp_path).as_default(step=5):
        tf.summary.image("grey", images)  # max_outputs=3 by default
    (event,) = read_events(tmp_path).Tensors("grey")
    strings = event.tensor_proto.string_val
    assert event.step == 5 and strings[:2] == [b"3", b"2"] and len(strings) == 2 + 3
    first = np.asarray(Image.open(io.BytesIO(strings[2])))
    np.testing.assert_array_equal(first, [[255, 0, 0], [0, 0, 127]])  # floor(255.5 x)
    assert np.asarray(Image.open(io.BytesIO(strings[3])))[0, 1] == 255


def test_images_as_uint8_and_their_errors():
    pixels = np.arange(24, dtype=np.uint8).reshape(1, 2, 3, 4)
    assert to_uint8("x", pixels) is pixels
    np.testing.assert_array_equal(to_uint8("x", np.array([[[[-1.0, 0.0, 1.0]]]])),
                                  [[[[0, 0, 255]]]])
    with pytest.raises(ValueError, match=r"shape \[k, h, w, c\].*got shape \(32, 32, 3\)"):
        to_uint8("x", np.zeros((32, 32, 3)))
    with pytest.raises(ValueError, match="c = 1, 2, 3 or 4"):
        to_uint8("x", np.zeros((1, 2, 2, 5)))
    with pytest.raises(TypeError, match="astype"):
        to_uint8("x", np.zeros((1, 2, 2, 3), dtype=np.int32))


def test_histogram_buckets_as_tensorflow():
    limits, counts = bucket_counts(np.array([0.0, 1.0, 1.0, 4.0]), 4)
    np.testing.assert_allclose(limits, [1.0, 2.0, 3.0, 4.0])
    np.testing.assert_array_equal(counts, [1, 2, 0, 1])
    limits, counts = bucket_counts(np.full(5, 2.5), 30)
    assert limits.tolist() == [2.5] and counts.tolist() == [5]  # one bucket, both edges equal
    limits, counts = bucket_counts(np.zeros(0), 30)
    assert limits.size == counts.size == 0


def test_histogram_defaults_to_30_buckets_and_checks_its_arguments(tmp_path):
    with tf.summary.create_file_writer(tmp_path).as_default():
        tf.summary.histogram("h", np.arange(100.0).reshape(10, 10), step=0)
        with pytest.raises(ValueError, match="positive integer, got 0"):
            tf.summary.histogram("h", [1.0], step=0, buckets=0)
        with pytest.raises(ValueError, match="NaN or infinity"):
            tf.summary.histogram("h", [1.0, np.nan], step=0)
        with pytest.raises(TypeError, match="must be numbers"):
            tf.summary.histogram("h", ["a"], step=0)
    (event,) = read_events(tmp_path).Histograms("h")
    assert len(event.histogram_value.bucket) == 30
    assert event.histogram_value.min == 0 and event.histogram_value.max == 99


def test_text_keeps_the_shape_and_wants_strings(tmp_path):
    with tf.summary.create_file_writer(tmp_path).as_default():
        tf.summary.text("table", tf.constant([["a", "b"], ["c", "d"]]), step=1)
        tf.summary.text("one", "**markdown**", step=1)
        with pytest.raises(TypeError, match="must be strings, got int"):
            tf.summary.text("bad", [1, 2], step=1)
    events = read_events(tmp_path)
    (table,) = events.Tensors("table")
    assert [d.size for d in table.tensor_proto.tensor_shape.dim] == [2, 2]
    assert list(table.tensor_proto.string_val) == [b"a", b"b", b"c", b"d"]
    (one,) = events.Tensors("one")
    assert list(one.tensor_proto.string_val) == [b"**markdown**"]
    assert len(one.tensor_proto.tensor_shape.dim) == 0


def test_scalar_wants_one_number(tmp_path):
    with tf.summary.create_file_writer(tmp_path).as_default():
        with pytest.raises(ValueError, match=r"one real number, got list of shape \(2,\)"):
            tf.summary.scalar("s", [1.0, 2.0], step=1)
        with pytest.raises(ValueError, match="one real number"):
            tf.summary.scalar("s", "high", step=1)
        with pytest.raises(TypeError, match="step must be an integer"):
            tf.summary.scalar("s", 1.0, step=1.5)
        assert tf.summary.scalar("s", np.float32(2.5), step=np.int64(3))


def test_default_step_from_set_step_or_as_default(tmp_path):
    writer = tf.summary.create_file_writer(tmp_path)
    with writer.as_default():
        with pytest.raises(ValueError, match="no step given and no default step set"):
            tf.summary.scalar("s", 1.0)
        tf.summary.experimental.set_step(7)
        assert tf.summary.experimental.get_step() == 7
        tf.summary.scalar("s", 1.0)
        tf.summary.scalar("s", 2.0, step=8)  # an explicit step wins
    with writer.as_default(step=20):
        tf.summary.scalar("s", 3.0)
    assert tf.summary.experimental.get_step() == 7  # restored after the block
    writer.close()
    assert [(e.step, e.value) for e in read_events(tmp_path).Scalars("s")] == [
        (7, 1.0), (8, 2.0), (20, 3.0)]


def test_without_a_default_writer_nothing_is_written(tmp_path):
    writer = tf.summary.create_file_writer(tmp_path)
    with pytest.warns(UserWarning, match=r"no default summary writer.*as_default"):
        assert tf.summary.scalar("s", 1.0, step=1) is False
    with writer.as_default():
        pass
    with pytest.warns(UserWarning, match="wrote nothing"):
        assert tf.summary.text("t", "after the block", step=1) is False
    writer.set_as_default()
    assert tf.summary.scalar("s", 2.0, step=2) is True
    tf.summary.flush()
    assert [e.step for e in read_events(tmp_path).Scalars("s")] == [2]
    writer.close()  # also stops being the default
    with pytest.warns(UserWarning):
        assert tf.summary.scalar("s", 3.0, step=3) is False


def test_nested_writers_and_a_closed_writer(tmp_path):
    outer = tf.summary.create_file_writer(tmp_path / "outer")
    inner = tf.summary.create_file_writer(tmp_path / "inner")
    with outer.as_default():
        with inner.as_default() as same:
            assert same is inner
            tf.summary.scalar("where", 1.0, step=0)
        tf.summary.scalar("where", 2.0, step=0)
    inner.close()
    inner.close()  # twice is fine
    inner.flush()  # nothing to do
    with pytest.raises(RuntimeError, match="already closed.*create_file_writer"):
        with inner.as_default():
            pass
    outer.flush()
    assert read_events(tmp_path / "inner").Scalars("where")[0].value == 1.0
    assert read_events(tmp_path / "outer").Scalars("where")[0].value == 2.0
    assert "closed" in repr(inner) and "open" in repr(outer)


def test_missing_tensorboardx_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "tensorboardX", None)  # as if not installed
    with pytest.raises(ImportError, match=r"create_file_writer.*pip install tensorboardX"):
        tf.summary.create_file_writer(tmp_path)
    with pytest.raises(ImportError, match=r"callbacks.TensorBoard.*pip install tensorboardX"):
        tf.keras.callbacks.TensorBoard(tmp_path)


def test_reachable_as_tf_summary_and_from_nnlite_keras():
    import nnlite.keras.summary as aliased

    assert tf.summary is aliased is tf.keras.summary
    assert {"create_file_writer", "scalar", "histogram", "image", "text"} <= set(tf.summary.__all__)
