"""Matplotlib figures learners expect.  Every function returns the Figure,
saves it when given ``path``, and works headless (Agg backend)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt  # noqa: E402


def _finish(fig, path):
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=100)
    return fig


def learning_curves(history, path=None, title: str | None = None, show_lr: bool = True):
    """Loss/accuracy (and val_) per epoch, as the book's ``pd.DataFrame(history).plot()``.

    ``history`` is a :class:`~nnlite.callbacks.History` or its ``.history`` dict.
    Curves share one axis with the y-range clipped to [0, 1] when every value
    fits (the book's ``plt.gca().set_ylim(0, 1)``); the learning rate, when it
    changes, is drawn on a second (log) axis.
    """
    logs = getattr(history, "history", history)
    fig, ax = plt.subplots(figsize=(8, 5))
    epochs = range(1, 1 + max((len(v) for v in logs.values()), default=0))
    for key, values in logs.items():
        if key == "lr":
            continue
        ax.plot(list(epochs)[:len(values)], values, marker=".", label=key,
                linestyle="--" if key.startswith("val_") else "-")
    ax.set_xlabel("epoch")
    ax.grid(True)
    values = [v for k, vs in logs.items() if k != "lr" for v in vs]
    if values and min(values) >= 0 and max(values) <= 1:
        ax.set_ylim(0, 1)
    ax.legend(loc="best")
    lr = logs.get("lr")
    if show_lr and lr and len(set(lr)) > 1:
        ax2 = ax.twinx()
        ax2.plot(list(epochs)[:len(lr)], lr, color="gray", linestyle=":", label="lr")
        ax2.set_yscale("log")
        ax2.set_ylabel("learning rate")
    ax.set_title(title or "learning curves")
    return _finish(fig, path)
