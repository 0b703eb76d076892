"""Exercise 5, solution: the learner cell filled in."""

from nnlite._kernels.reference.dropout import dropout_mask


def _into(out, value):
    """``value`` written into ``out`` when an output array is given."""
    if out is None:
        return value
    out[...] = value
    return out


def _scale(rate):
    """1/(1 − p); 0 when everything is dropped (p = 1)."""
    return 1.0 / (1.0 - rate) if rate < 1.0 else 0.0


def dropout_forward(x, seed, step, rate, out=None, *, mask_shape=None, mask_out=None):
    """Inverted dropout while training: returns (y, keep)."""
    keep = dropout_mask(x.shape if mask_shape is None else mask_shape, seed, step, rate)
    keep = _into(mask_out, keep)
    y = (x * keep * _scale(rate)).astype(x.dtype)
    return _into(out, y), keep


def dropout_backward(dy, mask, rate, out=None):
    """∂L/∂x for dy = ∂L/∂y and the forward pass's keep mask."""
    return _into(out, (dy * mask * _scale(rate)).astype(dy.dtype))
