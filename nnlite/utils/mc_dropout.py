r"""Monte-Carlo dropout (Gal & Ghahramani 2016): average many stochastic passes.

With dropout kept on at inference, each pass t samples a thinned network;
averaging T passes approximates the predictive distribution:

.. math:: \hat p(y \mid x) = \frac1T \sum_{t=1}^{T} f_{\theta \odot m_t}(x), \qquad
          \hat s = \sqrt{\frac1T \sum_{t=1}^{T} \bigl(f_{\theta \odot m_t}(x) - \hat p\bigr)^2}

The book writes ``np.stack([model(X, training=True) for _ in range(100)]).mean(0)``,
which also works in nnlite, but ``training=True`` puts BatchNormalization in
training mode too (batch statistics, moving averages updated).
:func:`mc_predict` keeps every other layer in inference mode and turns on
only the noise layers (Dropout, AlphaDropout, GaussianNoise/Dropout, RReLU)
— what the book's ``MCDropout`` subclass achieves.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np

from ..layers.stochastic import StochasticLayer


@contextlib.contextmanager
def stochastic_inference(model) -> Iterator[list[StochasticLayer]]:
    """Within the block, the model's noise layers draw noise even at inference."""
    layers = [layer for layer in model.layers if isinstance(layer, StochasticLayer)]
    previous = [layer.force_training for layer in layers]
    try:
        for layer in layers:
            layer.force_training = True
        yield layers
    finally:
        for layer, flag in zip(layers, previous):
            layer.force_training = flag


def mc_predict(model, X, n_samples: int = 100, batch_size: int | None = None,
               return_samples: bool = False) -> tuple:
    """Mean and standard deviation of ``n_samples`` Monte-Carlo dropout predictions.

    Returns ``(mean, std)``, each shaped like ``model.predict(X)`` (for a
    multi-output model, lists of arrays), and with ``return_samples=True``
    also the stacked predictions, shaped ``(n_samples, *predict_shape)``
    (a list of stacks for a multi-output model).  ``batch_size`` defaults
    to ``min(len(X), 1024)``.  A model without a noise layer is refused:
    its "uncertainty" would be zero by construction.
    """
    if not isinstance(n_samples, (int, np.integer)) or n_samples < 1:
        raise ValueError(f"mc_predict: n_samples must be a positive integer, got {n_samples!r}")
    first = X[0] if isinstance(X, (list, tuple)) else X
    n = len(next(iter(first.values()))) if isinstance(first, dict) else len(first)
    batch_size = batch_size or max(1, min(n, 1024))
    with stochastic_inference(model) as noisy:
        if not noisy:
            raise ValueError(f"mc_predict: model {model.name!r} has no dropout or other noise "
                             "layer, so every sample would be the same")
        samples = [model.predict(X, batch_size=batch_size, verbose=0)
                   for _ in range(int(n_samples))]
    if isinstance(samples[0], list):
        stacks = [np.stack(outs) for outs in zip(*samples)]
        mean, std = [s.mean(axis=0) for s in stacks], [s.std(axis=0) for s in stacks]
        return (mean, std, stacks) if return_samples else (mean, std)
    stack = np.stack(samples)
    mean, std = stack.mean(axis=0), stack.std(axis=0)
    return (mean, std, stack) if return_samples else (mean, std)
