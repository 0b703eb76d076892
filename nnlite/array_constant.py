"""``tf.constant``: wrap data in a NumPy array (nnlite has no tensors).

The book wraps plain data with ``tf.constant`` (e.g. a list of strings for
``tf.summary.text``, or a few rows to predict on); in nnlite every layer,
model and summary takes NumPy arrays, so ``tf.constant`` returns one:

>>> import nnlite as tf
>>> tf.constant([[1.0, 2.0]])
array([[1., 2.]], dtype=float32)
>>> tf.constant(["The step is 1", "Its square is 1"]).shape
(2,)

It is *not* a tensor: TensorFlow's tensor methods (``.numpy()``, ``@``
between tensors …) and ops (``tf.reduce_sum``, ``tf.GradientTape`` …) are not
provided.  Python numbers get TensorFlow's default dtypes (``float32`` and
``int32``); arrays keep their dtype unless ``dtype`` is given.
"""

from __future__ import annotations

import numpy as np

_TENSORFLOW_DEFAULTS = {np.dtype(np.float64): np.float32, np.dtype(np.int64): np.int32}


def constant(value, dtype=None, shape=None, name=None) -> np.ndarray:
    """A new NumPy array holding ``value`` (``dtype`` and ``shape`` as in ``tf.constant``).

    ``shape`` reshapes ``value``, or fills that shape when ``value`` is a
    single number.  ``name`` is accepted and ignored.
    """
    array = np.array(value, dtype=dtype)
    if dtype is None and not isinstance(value, np.ndarray | np.generic):
        array = array.astype(_TENSORFLOW_DEFAULTS.get(array.dtype, array.dtype), copy=False)
    if shape is None:
        return array
    shape = tuple(shape)
    if array.size == 1:
        return np.full(shape, array.reshape(()), dtype=array.dtype)
    if array.size != int(np.prod(shape)):
        raise ValueError(f"tf.constant: cannot reshape {array.size} values to shape {shape}")
    return array.reshape(shape)
