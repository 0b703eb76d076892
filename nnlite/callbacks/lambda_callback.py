"""``LambdaCallback``: a callback from plain functions, for one-off hooks.

>>> import nnlite as keras
>>> seen = []
>>> cb = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(epoch))

Signatures (as Keras): ``on_epoch_begin/on_epoch_end(epoch, logs)``,
``on_batch_begin/on_batch_end(batch, logs)`` (also ``on_train_batch_*``),
``on_train_begin/on_train_end(logs)``.  Unset hooks do nothing.
"""

from __future__ import annotations

from .callback import Callback

_HOOKS = ("on_epoch_begin", "on_epoch_end", "on_batch_begin", "on_batch_end",
          "on_train_begin", "on_train_end", "on_train_batch_begin", "on_train_batch_end")


class LambdaCallback(Callback):
    """Calls the functions it was given at the matching hooks."""

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_batch_begin=None,
                 on_batch_end=None, on_train_begin=None, on_train_end=None, **kwargs):
        super().__init__()
        unknown = sorted(set(kwargs) - set(_HOOKS))
        if unknown:
            raise TypeError(f"LambdaCallback: unknown hook(s) {unknown}; known: {list(_HOOKS)}")
        given = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
                     on_batch_begin=on_batch_begin, on_batch_end=on_batch_end,
                     on_train_begin=on_train_begin, on_train_end=on_train_end, **kwargs)
        self._fns = {name: fn for name, fn in given.items() if fn is not None}

    def _call(self, hook: str, *args) -> None:
        fn = self._fns.get(hook)
        if fn is not None:
            fn(*args)

    def on_epoch_begin(self, epoch, logs=None):
        self._call("on_epoch_begin", epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._call("on_epoch_end", epoch, logs)

    def on_train_begin(self, logs=None):
        self._call("on_train_begin", logs)

    def on_train_end(self, logs=None):
        self._call("on_train_end", logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._call("on_train_batch_begin", batch, logs)
        self._call("on_batch_begin", batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self._call("on_train_batch_end", batch, logs)
        self._call("on_batch_end", batch, logs)
