r"""Adaptive threads: train on 1 or on all cores, whichever is faster right now.

Why: every parallel region (an OpenBLAS matrix product, an OpenMP loop)
waits at its end for its slowest thread.  On an idle machine two threads
make a batch-256 step about 1.8× faster; on a laptop where another program
keeps one core busy, the thread that lost its core waits a scheduler slice,
and a step that took 0.3 ms takes 10–50 ms.  One thread then trains ~40×
faster.  Neither count is right everywhere, and the load comes and goes, so
``fit`` watches its own step times and switches.

The rule (:class:`ThreadPolicy`, pure bookkeeping: it is given step times
and says which count to use next, so the same times always give the same
decisions):

1. **Measure.**  After a switch, skip ``settle`` steps (the pool wakes up),
   then take the median time per sample of the next ``window`` steps: the
   estimate :math:`t_c` for the count :math:`c` in use.
2. **Probe** the other count the same way.  A probe that has already cost
   more than ``window`` steps at the incumbent's speed, twice over, stops
   early and loses (on a busy machine one step with two threads can cost as
   much as 40 steps with one); so does one whose first ``early_steps``
   measured steps are ``clearly_slower`` (median) than the incumbent (one
   thread at batch 256 on an idle machine: ~1.8× slower).
3. **Choose** the faster: the other count wins only if
   :math:`t_\text{other} < (1 - \text{margin})\, t_\text{current}` (hysteresis).
4. **Hold** the winner for ``hold`` steps, then probe again: ``hold`` doubles
   each time the same count wins (up to ``max_hold``) and is at least long
   enough that the last probe cost at most ``probe_share`` of the hold.
5. **Watch**: while holding, if a window's median is more than ``slowdown``
   times the winner's estimate (load arrived), measure and probe at once.

Starting count: 1 thread (cheap to be wrong about: on an idle machine a few
steps at one thread cost little, while a few steps with all threads on a busy
one cost more than hundreds of one-thread steps), then all threads are probed.
When one thread won, the next ``fit`` in the same process keeps it for the
rest of the hold (:meth:`ThreadPolicy.new_fit`), so a search that trains
many small models on a busy machine does not pay for a probe in each one.

Who applies it: ``Model.fit`` through :func:`nnlite.utils.fit_threads.fit_threads`
(threadpoolctl for BLAS/OpenMP and ``numba.set_num_threads``, once per
decision, never per call).  It is off, and the thread count stays fixed,
when ``NNLITE_NUM_THREADS`` is set, inside
:func:`nnlite.utils.threads.limit_threads`, in deterministic mode
(:func:`nnlite.config.enable_op_determinism`), outside the main thread, on
one core, and with ``NNLITE_ADAPTIVE_THREADS=0``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PolicySettings:
    """The knobs of :class:`ThreadPolicy` (step counts and ratios; see the module docstring)."""

    settle: int = 2            # steps skipped after each switch
    window: int = 8            # steps whose median makes an estimate
    margin: float = 0.10       # the other count must be this much faster to win
    first_hold: int = 64       # steps held after the first decision
    max_hold: int = 4096       # longest hold
    probe_share: float = 0.05  # a probe may cost at most this share of the hold after it
    slowdown: float = 1.5      # a window this much slower than the estimate re-probes
    probe_budget: float = 2.0  # a probe stops after costing this many windows of the incumbent
    early_steps: int = 3       # after this many measured probe steps ...
    clearly_slower: float = 1.5  # ... a probe this much slower (median) stops and loses


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else 0.5 * (ordered[mid - 1] + ordered[mid])


class ThreadPolicy:
    """Decides, step by step, whether the next training step runs on 1 or ``max_threads`` threads.

    >>> policy = ThreadPolicy(max_threads=2)
    >>> policy.threads                      # starts on one thread
    1
    >>> for _ in range(8):                  # 1 thread: 1 ms per 32-sample step
    ...     n = policy.record(0.001, 32)
    >>> n                                   # ... now probes 2 threads
    2
    >>> for _ in range(10):                 # 2 threads: 0.6 ms per step
    ...     n = policy.record(0.0006, 32)
    >>> n, policy.phase
    (2, 'hold')
    """

    def __init__(self, max_threads: int, settings: PolicySettings | None = None):
        if int(max_threads) < 1:
            raise ValueError(f"ThreadPolicy: max_threads must be >= 1, got {max_threads!r}")
        self.max_threads = int(max_threads)
        self.settings = settings or PolicySettings()
        self.threads = 1
        self.estimates: dict[int, float] = {}   # seconds per sample, per thread count
        self.phase = "measure"                  # "measure" → "probe" → "hold" → "probe" ...
        self.hold = self.settings.first_hold    # steps to hold the current winner
        self.switches = 0
        self._winner: int | None = None
        self.contended = False                  # one thread won because N were far slower
        self._times: list[float] = []           # per-sample times of the current window
        self._skip = 0                          # settling steps still to skip
        self._probe_seconds = 0.0               # time spent in the current probe
        self._last_probe_seconds = 0.0
        self._held_steps = 0
        self._held_seconds = 0.0

    @property
    def adaptive(self) -> bool:
        """False when there is nothing to choose (one core)."""
        return self.max_threads > 1

    def record(self, seconds: float, samples: int) -> int:
        """Note one step of ``samples`` samples that took ``seconds``; return the next count."""
        if not self.adaptive or samples <= 0:
            return self.threads
        if self.phase == "hold":
            self._record_hold(seconds, samples)
        elif self.phase == "measure":
            if self._window_full(seconds / samples):
                self.estimates[self.threads] = _median(self._times)
                self._switch_to(self._other(), "probe")
        else:
            self._record_probe(seconds, samples)
        return self.threads

    # ------------------------------------------------------------------ steps
    def _other(self) -> int:
        return self.max_threads if self.threads == 1 else 1

    def _switch_to(self, threads: int, phase: str) -> None:
        if threads != self.threads:
            self.switches += 1
            self._skip = self.settings.settle
        self.threads = threads
        self.phase = phase
        self._times = []
        self._probe_seconds = 0.0
        self._held_steps = 0
        self._held_seconds = 0.0

    def _window_full(self, per_sample: float) -> bool:
        """Add a step's time per sample (after the settling steps); True when a window is full."""
        if self._skip:
            self._skip -= 1
            return False
        self._times.append(per_sample)
        return len(self._times) >= self.settings.window

    def _record_probe(self, seconds: float, samples: int) -> None:
        incumbent = self._other()
        self._probe_seconds += seconds
        budget = (self.settings.probe_budget * self.settings.window
                  * self.estimates[incumbent] * samples)
        if self._window_full(seconds / samples):
            self.estimates[self.threads] = _median(self._times)
            self._decide(incumbent)
        elif self._probe_seconds > budget:  # far slower already: stop paying for it
            self.estimates[self.threads] = seconds / samples
            self._decide(incumbent)
        elif len(self._times) >= self.settings.early_steps:
            so_far = _median(self._times)
            if so_far > self.settings.clearly_slower * self.estimates[incumbent]:
                self.estimates[self.threads] = so_far  # clearly slower: no need for 8 steps
                self._decide(incumbent)

    def _decide(self, incumbent: int) -> None:
        probed = self.threads
        faster = self.estimates[probed] < (1.0 - self.settings.margin) * self.estimates[incumbent]
        winner = probed if faster else incumbent
        same = winner == self._winner
        # Contention, not granularity: all threads lost by far (a busy core makes each
        # parallel region wait), not by the few per cent small products lose anyway.
        self.contended = winner == 1 and (
            self.estimates[self.max_threads] > self.settings.clearly_slower * self.estimates[1])
        self.hold = min(2 * self.hold, self.settings.max_hold) if same else self.settings.first_hold
        self._winner = winner
        self._last_probe_seconds = self._probe_seconds
        self._switch_to(winner, "hold")

    def _record_hold(self, seconds: float, samples: int) -> None:
        self._held_steps += 1
        self._held_seconds += seconds
        if self._window_full(seconds / samples):
            recent = _median(self._times)
            self._times = []
            known = self.estimates.get(self.threads)
            if known is None:  # the first window of a new fit (see new_fit)
                self.estimates[self.threads] = recent
            elif recent > self.settings.slowdown * known:
                self.estimates[self.threads] = recent  # the load changed: look again now
                self._switch_to(self._other(), "probe")
                return
        long_enough = self._held_seconds * self.settings.probe_share >= self._last_probe_seconds
        if self._held_steps >= self.hold and long_enough and self.threads in self.estimates:
            self._switch_to(self._other(), "probe")

    def new_fit(self) -> None:
        """Carry a one-thread decision into the next ``fit`` of this process.

        The load that made one thread win usually outlasts one ``fit`` (a
        search trains many models), so the next fit keeps one thread for the
        rest of the hold instead of paying for a probe of all threads at its
        start; a new model's steps take another time, so its estimate is
        measured again (the first window) before anything is compared.  Any
        other state starts over, from one thread: a fit that starts on all
        threads when the load has just arrived would pay a whole window of
        slow steps.
        """
        if self.phase == "hold" and self.threads == 1:
            self.estimates = {}
            self._times = []
        else:
            self.__init__(self.max_threads, self.settings)
