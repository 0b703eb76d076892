"""``Callback``: hooks called by ``fit``, ``evaluate`` and ``predict``.

Override any of ``on_train_begin/end``, ``on_epoch_begin/end``,
``on_train_batch_begin/end`` (alias ``on_batch_begin/end``),
``on_test_begin/end``, ``on_test_batch_begin/end``, ``on_predict_begin/end``
and ``on_predict_batch_begin/end``; ``self.model`` is the model being
trained and ``self.model.stop_training = True`` ends ``fit`` after the
current epoch.  ``logs`` holds the running metrics (``loss``, ``accuracy``,
``val_loss``, …).

Callbacks of other libraries written for Keras (``keras.callbacks.Callback``
subclasses, such as Keras Tuner's) work too: anything with ``set_model``,
``set_params`` and ``on_epoch_end`` is a callback (:func:`is_callback`), and
a hook it lacks is skipped.
"""

from __future__ import annotations

#: the methods that make an object usable as a callback
CALLBACK_PROTOCOL = ("set_model", "set_params", "on_epoch_end")


def is_callback(obj) -> bool:
    """An nnlite ``Callback``, or a foreign one (Keras') with the same methods."""
    return isinstance(obj, Callback) or all(callable(getattr(obj, name, None))
                                            for name in CALLBACK_PROTOCOL)


class Callback:
    """Base class with empty hooks."""

    def __init__(self):
        self.model = None
        self.params: dict = {}

    def set_model(self, model) -> None:
        self.model = model

    def set_params(self, params: dict) -> None:
        self.params = params

    def on_train_begin(self, logs=None): ...
    def on_train_end(self, logs=None): ...
    def on_epoch_begin(self, epoch, logs=None): ...
    def on_epoch_end(self, epoch, logs=None): ...
    def on_batch_begin(self, batch, logs=None): ...
    def on_batch_end(self, batch, logs=None): ...

    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs)

    def on_test_begin(self, logs=None): ...
    def on_test_end(self, logs=None): ...
    def on_test_batch_begin(self, batch, logs=None): ...
    def on_test_batch_end(self, batch, logs=None): ...
    def on_predict_begin(self, logs=None): ...
    def on_predict_end(self, logs=None): ...
    def on_predict_batch_begin(self, batch, logs=None): ...
    def on_predict_batch_end(self, batch, logs=None): ...


_BATCH_HOOKS = ("on_train_batch_begin", "on_train_batch_end", "on_batch_begin", "on_batch_end")


def _has_batch_hooks(cb) -> bool:
    """Whether ``cb`` does anything per batch (else ``fit`` skips the per-batch calls)."""
    return any(getattr(type(cb), hook, getattr(Callback, hook)) is not getattr(Callback, hook)
               for hook in _BATCH_HOOKS)


class CallbackList:
    """Calls a hook on every callback, in order."""

    def __init__(self, callbacks, model=None, params: dict | None = None):
        self.callbacks = list(callbacks or [])
        for cb in self.callbacks:
            if not is_callback(cb):
                raise TypeError(f"callbacks must be Callback instances (or have the methods "
                                f"{', '.join(CALLBACK_PROTOCOL)}), got {cb!r}")
            cb.set_model(model)
            cb.set_params(params or {})
        self._batch_hooks = any(_has_batch_hooks(cb) for cb in self.callbacks)

    def call(self, hook: str, *args) -> None:
        for cb in self.callbacks:
            method = getattr(cb, hook, None)
            if method is not None:  # a foreign callback may lack some hooks
                method(*args)

    def __getattr__(self, hook: str):
        if hook.startswith("on_"):
            return lambda *args: self.call(hook, *args)
        raise AttributeError(hook)

    def __iter__(self):
        return iter(self.callbacks)
