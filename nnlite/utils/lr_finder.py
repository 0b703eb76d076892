r"""The learning-rate finder: train briefly while the rate grows, watch the loss.

The book's ``ExponentialLearningRate`` experiment (Géron, ch. 11): one batch
per rate, the rate multiplied by a constant factor each batch, the loss
recorded; the best rate is about 10× below the one where the loss is lowest.
:func:`nnlite.plot.lr_finder` draws what :func:`find_learning_rate` returns.
"""

from __future__ import annotations

import copy
import math

import numpy as np

from ..layers.stochastic import noise_steps, restore_noise_steps

__all__ = ["find_learning_rate", "smooth_losses", "suggest_learning_rate"]


def find_learning_rate(model, X, y, epochs: int = 1, batch_size: int = 32,
                       min_rate: float = 1e-5, max_rate: float = 10.0,
                       stop_factor: float = 4.0):
    """Train while the learning rate grows exponentially; return (rates, losses).

    The book's ``ExponentialLearningRate`` experiment: one batch per rate,
    from ``min_rate`` to ``max_rate`` over ``epochs`` epochs, stopping once the
    smoothed loss (:func:`smooth_losses`) exceeds ``stop_factor`` × its minimum.
    The steps are taken by a
    copy of the model's optimizer, and the weights (moving statistics too)
    and the dropout step counters are put back afterwards: the model is
    exactly as before, ready to train for real.  Pick a rate ~10× below the
    minimum of the loss.
    """
    X = np.asarray(X)
    y = np.asarray(y)
    n = len(X)
    steps = max(1, math.ceil(n / batch_size)) * epochs
    rates = np.geomspace(min_rate, max_rate, steps)
    original = model.optimizer
    if original is None:
        raise RuntimeError("find_learning_rate: compile the model first")
    weights, counters = model.get_weights(), noise_steps(model)
    model.optimizer = copy.deepcopy(original)
    losses = []
    beta = 1.0 - 1.0 / _smoothing_window(steps)
    average, best = 0.0, np.inf
    rng = np.random.default_rng(0)
    try:
        order = np.concatenate([rng.permutation(n) for _ in range(epochs)])
        for k, rate in enumerate(rates):
            model.optimizer.learning_rate = float(rate)
            idx = order[(k * batch_size) % len(order):][:batch_size]
            out = model.train_on_batch(X[idx], y[idx])
            loss = float(out[0] if isinstance(out, (list, tuple)) else out)
            losses.append(loss)
            average = beta * average + (1 - beta) * loss  # stop on the smoothed loss:
            smoothed = average / (1 - beta ** (k + 1))     # one noisy batch is no blow-up
            best = min(best, smoothed)
            if not math.isfinite(loss) or smoothed > stop_factor * best:
                break
    except FloatingPointError:
        pass
    finally:
        model.optimizer = original
        model.set_weights(weights)
        restore_noise_steps(counters)
    return rates[:len(losses)], np.array(losses)


def _smoothing_window(n: int) -> int:
    return max(5, n // 30)


def smooth_losses(losses, window: int | None = None) -> np.ndarray:
    r"""Bias-corrected exponential moving average of per-batch losses (as fastai's
    LR finder):

    .. math:: a_k = \beta a_{k-1} + (1-\beta)\,\ell_k, \qquad s_k = a_k / (1-\beta^{k+1})

    with :math:`\beta = 1 - 1/\mathrm{window}` (default window: max(5, n/30) batches).
    """
    losses = np.asarray(losses, dtype=float)
    beta = 1.0 - 1.0 / (window or _smoothing_window(len(losses)))
    average, out = 0.0, np.empty_like(losses)
    for k, loss in enumerate(losses):
        average = beta * average + (1 - beta) * loss
        out[k] = average / (1 - beta ** (k + 1))
    return out


def suggest_learning_rate(rates, losses, window: int | None = None) -> float:
    """A learning rate 10 times below the one where the smoothed loss is lowest."""
    smoothed = smooth_losses(losses, window)
    finite = np.where(np.isfinite(smoothed), smoothed, np.inf)
    return float(np.asarray(rates, dtype=float)[int(np.argmin(finite))]) / 10
