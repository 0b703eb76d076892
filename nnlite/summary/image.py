r"""``tf.summary.image``: a few images per step (TensorBoard's Images tab).

``data`` has shape ``[k, h, w, c]``: ``k`` images of ``h`` x ``w`` pixels with
``c`` channels (1 grey, 2 grey + alpha, 3 RGB, 4 RGBA).  Floats are clipped to
``[0, 1]`` and scaled to bytes as TensorFlow's ``convert_image_dtype`` does,
:math:`\lfloor 255.5\,x \rfloor` saturated to 255; ``uint8`` is used as is.
Only the first ``max_outputs`` images are written.

Keras default: ``max_outputs=3``.
"""

from __future__ import annotations

import io

import numpy as np

from .protos import string_tensor_summary
from .record import record

_MODES = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}


def image(name: str, data, step=None, max_outputs: int = 3,
          description: str | None = None) -> bool:
    """Write up to ``max_outputs`` images of ``data`` (``[k, h, w, c]``) under ``name``.

    Returns True when written, False when there is no default writer.
    ``description`` is accepted and ignored.
    """
    pixels = to_uint8(name, data)[:max(int(max_outputs), 0)]
    height, width = pixels.shape[1:3]

    def make_summary():
        strings = [str(width).encode(), str(height).encode()] + [png(p) for p in pixels]
        return string_tensor_summary(name, "images", strings, (len(strings),))

    return record("image", name, make_summary, step)


def to_uint8(name: str, data) -> np.ndarray:
    """``data`` checked (``[k, h, w, c]``, ``c`` in 1..4) and converted to uint8 pixels."""
    array = np.asarray(data)
    if array.ndim != 4 or array.shape[-1] not in _MODES:
        raise ValueError(f"tf.summary.image({name!r}): data must have shape [k, h, w, c] "
                         f"with c = 1, 2, 3 or 4 channels, got shape {array.shape}")
    if array.dtype == np.uint8:
        return array
    if array.dtype.kind != "f":
        raise TypeError(f"tf.summary.image({name!r}): data must be floats in [0, 1] or uint8 "
                        f"in [0, 255], got dtype {array.dtype}; convert it, e.g. "
                        "images.astype(np.float32) / 255")
    return np.minimum(np.floor(np.clip(array, 0.0, 1.0) * 255.5), 255).astype(np.uint8)


def png(pixels: np.ndarray) -> bytes:
    """The PNG encoding of one ``[h, w, c]`` uint8 image."""
    from PIL import Image  # installed with matplotlib

    channels = pixels.shape[-1]
    picture = Image.fromarray(pixels[..., 0] if channels == 1 else pixels, _MODES[channels])
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()
