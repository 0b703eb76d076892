"""A Keras-style progress bar.

    1719/1719 [==============================] - 3s 2ms/step - loss: 0.7237 - accuracy: 0.7644

On a terminal the bar redraws in place (at most every 0.05 s); in a log or
notebook capture (not a TTY) only the finished line of each epoch is
printed, so CI logs stay readable.  ``verbose=2`` prints one line per epoch
without the bar.
"""

from __future__ import annotations

import sys
import time


def _format_value(value: float) -> str:
    return f"{value:.4f}" if abs(value) >= 1e-3 or value == 0 else f"{value:.4e}"


def _format_time(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.0f}s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms"
    return f"{seconds * 1e6:.0f}us"


class Progbar:
    """``Progbar(target).update(current, values)`` as ``keras.utils.Progbar``."""

    def __init__(self, target: int | None, width: int = 30, verbose: int = 1,
                 interval: float = 0.05, stream=None):
        self.target, self.width, self.verbose, self.interval = target, width, verbose, interval
        self.stream = stream or sys.stdout
        self.dynamic = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.start = time.perf_counter()
        self._last_draw = 0.0
        self._prev_len = 0

    def _bar(self, current: int) -> str:
        if self.target is None:
            return f"{current:7d}/Unknown"
        digits = len(str(self.target))
        done = int(self.width * current / max(self.target, 1))
        if 0 < done < self.width and current < self.target:
            bar = "=" * (done - 1) + ">" + "." * (self.width - done)
        else:
            bar = "=" * done + "." * (self.width - done)
        return f"{current:{digits}d}/{self.target} [{bar}]"

    def line(self, current: int, values: dict[str, float], finished: bool) -> str:
        elapsed = time.perf_counter() - self.start
        per_step = elapsed / max(current, 1)
        if finished:
            timing = f"{_format_time(elapsed)} {_format_time(per_step)}/step"
        else:
            eta = per_step * ((self.target or current) - current)
            timing = f"ETA: {_format_time(eta)}"
        metrics = "".join(f" - {k}: {_format_value(v)}" for k, v in values.items())
        return f"{self._bar(current)} - {timing}{metrics}"

    def update(self, current: int, values: dict[str, float] | None = None,
               finalize: bool | None = None) -> None:
        values = values or {}
        finished = finalize if finalize is not None else (self.target is not None
                                                          and current >= self.target)
        now = time.perf_counter()
        if self.verbose == 1 and self.dynamic and not finished:
            if now - self._last_draw < self.interval:
                return
            text = self.line(current, values, False)
            self.stream.write("\r" + text + " " * max(0, self._prev_len - len(text)))
            self.stream.flush()
            self._prev_len, self._last_draw = len(text), now
        elif finished:
            if self.verbose == 1:
                text = self.line(current, values, True)
                pad = " " * max(0, self._prev_len - len(text))
                self.stream.write(("\r" if self.dynamic else "") + text + pad + "\n")
            elif self.verbose == 2:
                elapsed = now - self.start
                metrics = "".join(f" - {k}: {_format_value(v)}" for k, v in values.items())
                total = "Unknown" if self.target is None else self.target
                self.stream.write(f"{current}/{total} - {_format_time(elapsed)} - "
                                  f"{_format_time(elapsed / max(current, 1))}/step{metrics}\n")
            self.stream.flush()
