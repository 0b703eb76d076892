r"""Weight initializers with Keras' formulas and defaults.

Variance scaling (Glorot & Bengio 2010; He et al. 2015; LeCun 1998):
with fan = fan_in, fan_out or (fan_in + fan_out)/2 and σ² = scale / fan,

* ``truncated_normal``: normal with σ / 0.87962566103423978 truncated at ±2σ
  (the constant is the std of a unit normal truncated to [−2, 2], so the
  drawn weights end with variance σ² exactly);
* ``untruncated_normal``: N(0, σ²);
* ``uniform``: U(−limit, limit) with limit = √(3σ²) = √(3·scale/fan).

=================  =====  ========  ==================
preset             scale  mode      distribution
=================  =====  ========  ==================
glorot_uniform     1      fan_avg   uniform  (Dense default)
glorot_normal      1      fan_avg   truncated_normal
he_uniform         2      fan_in    uniform
he_normal          2      fan_in    truncated_normal
lecun_uniform      1      fan_in    uniform
lecun_normal       1      fan_in    truncated_normal
=================  =====  ========  ==================

Random draws come from NumPy's global generator (so ``np.random.seed`` or
``nnlite.utils.set_random_seed`` reproduce them) unless ``seed`` is given,
in which case every call returns the same values (as Keras does).
"""

from __future__ import annotations

import math

import numpy as np

from . import backend
from .object_registry import ObjectRegistry

TRUNCATION_STD = 0.87962566103423978  # std of N(0,1) truncated to [-2, 2]


def compute_fans(shape: tuple[int, ...]) -> tuple[float, float]:
    """(fan_in, fan_out) as Keras computes them (kernels: receptive field × channels)."""
    if len(shape) == 0:
        return 1.0, 1.0
    if len(shape) == 1:
        return float(shape[0]), float(shape[0])
    if len(shape) == 2:
        return float(shape[0]), float(shape[1])
    receptive = math.prod(shape[:-2])
    return float(shape[-2] * receptive), float(shape[-1] * receptive)


class Initializer:
    """Base class: ``init(shape, dtype=None) -> np.ndarray``."""

    def __call__(self, shape, dtype=None) -> np.ndarray:
        shape = tuple(int(s) for s in shape)
        return self.sample(shape).astype(dtype or backend.floatx())

    def sample(self, shape: tuple[int, ...]) -> np.ndarray:
        raise NotImplementedError

    def _rng(self):
        seed = getattr(self, "seed", None)
        return np.random if seed is None else np.random.RandomState(seed)

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class Zeros(Initializer):
    """All zeros (Dense bias default)."""

    def sample(self, shape):
        return np.zeros(shape)


class Ones(Initializer):
    """All ones (BatchNormalization γ default)."""

    def sample(self, shape):
        return np.ones(shape)


class Constant(Initializer):
    """Every weight equals ``value``."""

    def __init__(self, value: float = 0.0):
        self.value = float(value)

    def sample(self, shape):
        return np.full(shape, self.value)

    def get_config(self):
        return {"value": self.value}


class RandomNormal(Initializer):
    """N(mean, stddev²); Keras default stddev 0.05."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None):
        self.mean, self.stddev, self.seed = float(mean), float(stddev), seed

    def sample(self, shape):
        return self._rng().normal(self.mean, self.stddev, size=shape)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(Initializer):
    """U(minval, maxval); Keras default [−0.05, 0.05]."""

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: int | None = None):
        self.minval, self.maxval, self.seed = float(minval), float(maxval), seed

    def sample(self, shape):
        return self._rng().uniform(self.minval, self.maxval, size=shape)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


def _truncated_normal(rng, stddev: float, shape) -> np.ndarray:
    """N(0, stddev²) with draws beyond ±2·stddev redrawn."""
    out = rng.standard_normal(size=shape)
    bad = np.abs(out) > 2
    while bad.any():
        out[bad] = rng.standard_normal(size=int(bad.sum()))
        bad = np.abs(out) > 2
    return out * stddev


class TruncatedNormal(Initializer):
    """N(mean, stddev²) truncated at two standard deviations."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None):
        self.mean, self.stddev, self.seed = float(mean), float(stddev), seed

    def sample(self, shape):
        return self.mean + _truncated_normal(self._rng(), self.stddev, shape)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class VarianceScaling(Initializer):
    """σ² = scale / fan with fan chosen by ``mode``; see the module docstring."""

    MODES = ("fan_in", "fan_out", "fan_avg")
    DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform", "normal")

    def __init__(self, scale: float = 1.0, mode: str = "fan_in",
                 distribution: str = "truncated_normal", seed: int | None = None):
        if scale <= 0:
            raise ValueError(f"VarianceScaling: scale must be positive, got {scale}")
        if mode not in self.MODES:
            raise ValueError(f"VarianceScaling: mode must be one of {self.MODES}, got {mode!r}")
        if distribution not in self.DISTRIBUTIONS:
            raise ValueError(f"VarianceScaling: distribution must be one of "
                             f"{self.DISTRIBUTIONS}, got {distribution!r}")
        if distribution == "normal":  # old Keras name
            distribution = "truncated_normal"
        self.scale, self.mode, self.distribution, self.seed = float(scale), mode, distribution, seed

    def variance(self, shape) -> float:
        fan_in, fan_out = compute_fans(shape)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        return self.scale / max(1.0, fan)

    def sample(self, shape):
        var = self.variance(shape)
        rng = self._rng()
        if self.distribution == "truncated_normal":
            return _truncated_normal(rng, math.sqrt(var) / TRUNCATION_STD, shape)
        if self.distribution == "untruncated_normal":
            return rng.normal(0.0, math.sqrt(var), size=shape)
        limit = math.sqrt(3.0 * var)
        return rng.uniform(-limit, limit, size=shape)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed}


def _preset(name: str, scale: float, mode: str, distribution: str, doc: str):
    def __init__(self, seed: int | None = None):
        VarianceScaling.__init__(self, scale, mode, distribution, seed)

    def get_config(self):
        return {"seed": self.seed}

    return type(name, (VarianceScaling,), {"__init__": __init__, "get_config": get_config,
                                           "__doc__": doc})


GlorotUniform = _preset("GlorotUniform", 1.0, "fan_avg", "uniform",
                        "Glorot/Xavier uniform: limit = √(6 / (fan_in + fan_out)).")
GlorotNormal = _preset("GlorotNormal", 1.0, "fan_avg", "truncated_normal",
                       "Glorot/Xavier normal: σ² = 2 / (fan_in + fan_out).")
HeUniform = _preset("HeUniform", 2.0, "fan_in", "uniform",
                    "He uniform: limit = √(6 / fan_in).")
HeNormal = _preset("HeNormal", 2.0, "fan_in", "truncated_normal",
                   "He normal: σ² = 2 / fan_in (for ReLU and its variants).")
LecunUniform = _preset("LecunUniform", 1.0, "fan_in", "uniform",
                       "LeCun uniform: limit = √(3 / fan_in).")
LecunNormal = _preset("LecunNormal", 1.0, "fan_in", "truncated_normal",
                      "LeCun normal: σ² = 1 / fan_in (for SELU).")

# snake_case callables as in keras.initializers (e.g. initializers.he_normal())
zeros, ones, constant = Zeros, Ones, Constant
glorot_uniform, glorot_normal = GlorotUniform, GlorotNormal
he_uniform, he_normal = HeUniform, HeNormal
lecun_uniform, lecun_normal = LecunUniform, LecunNormal
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal


class _FunctionInitializer(Initializer):
    """A user function ``f(shape, dtype=None)`` used as an initializer."""

    def __init__(self, fn):
        self.fn = fn
        self.__name__ = getattr(fn, "__name__", "custom")  # the name it is saved under

    def __call__(self, shape, dtype=None):
        return np.asarray(self.fn(tuple(shape), dtype=dtype or backend.floatx()),
                          dtype=dtype or backend.floatx())


INITIALIZERS = ObjectRegistry(
    "initializer", Initializer,
    classes=[Zeros, Ones, Constant, RandomNormal, RandomUniform, TruncatedNormal,
             VarianceScaling, GlorotUniform, GlorotNormal, HeUniform, HeNormal, LecunUniform,
             LecunNormal],
    names={"zeros": Zeros, "zero": Zeros, "ones": Ones, "one": Ones, "constant": Constant,
           "random_normal": RandomNormal, "random_uniform": RandomUniform,
           "truncated_normal": TruncatedNormal, "variance_scaling": VarianceScaling,
           "glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal,
           "xavier_uniform": GlorotUniform, "xavier_normal": GlorotNormal,
           "he_uniform": HeUniform, "he_normal": HeNormal, "lecun_uniform": LecunUniform,
           "lecun_normal": LecunNormal},
    wrap_function=_FunctionInitializer)


def get(identifier) -> Initializer:
    """Resolve a name (``"he_normal"``, ``"HeNormal"``), a class, a config dict, an
    instance or a function ``f(shape, dtype=None)``."""
    return INITIALIZERS.get(identifier)


def serialize(init: Initializer) -> dict:
    """``{"class_name": ..., "config": ...}`` as Keras writes it."""
    return INITIALIZERS.serialize(init)


def deserialize(config: dict, custom_objects: dict | None = None) -> Initializer:
    """Inverse of :func:`serialize` (``custom_objects`` first)."""
    return INITIALIZERS.deserialize(config, custom_objects)
