"""Inputs of every kernel: the agreement tests and :func:`nnlite.check_kernels` use them.

``CASES[key](rng, dtype, variant) -> (args, kwargs)``; the kernel's name is
the part of ``key`` before ``:``.  Variants: ``batch1`` (one row), ``odd``
(odd sizes), ``noncontig`` (strided views), ``empty`` (zero rows), ``large``
(6007 rows, vectors of 40,009: big enough for the parallel loops of the
Cython kernels; the agreement test lowers numba's threshold for this variant
so that its parallel twins run too).
"""

from __future__ import annotations

import numpy as np

from nnlite._kernels.reference import dropout_mask
from nnlite._kernels.reference.activations import ACTIVATIONS, needs_z

VARIANTS = ("batch1", "odd", "noncontig", "empty", "large")
ROWS = {"batch1": 1, "odd": 33, "noncontig": 9, "empty": 0, "large": 6007}
VEC = {"batch1": 1, "odd": 481, "noncontig": 37, "empty": 0, "large": 40_009}
ALPHA = {"elu": 1.0, "leaky_relu": 0.2}


def mat(rng, dtype, variant, rows=None, cols=7, scale=1.0, shift=0.0):
    """A (rows, cols) array; a strided (every other column) view for ``noncontig``."""
    rows = ROWS[variant] if rows is None else rows
    if variant == "noncontig":
        big = rng.standard_normal((rows, 2 * cols)) * scale + shift
        return big.astype(dtype)[:, ::2]
    return (rng.standard_normal((rows, cols)) * scale + shift).astype(dtype)


def vec(rng, dtype, variant, n=None, scale=1.0, positive=False):
    """A 1-D parameter-like array (strided view for ``noncontig``)."""
    n = VEC[variant] if n is None else n
    a = rng.standard_normal(2 * n if variant == "noncontig" else n) * scale
    a = np.abs(a) if positive else a
    a = a.astype(dtype)
    return a[::2] if variant == "noncontig" else a


def _act_output(rng, dtype, variant, act, cols):
    from nnlite._kernels.reference import activation_forward

    z = mat(rng, dtype, variant, cols=cols)
    return activation_forward(np.ascontiguousarray(z), act, ALPHA.get(act, 0.0)), z


def _activation_cases():
    """Forward and backward of every activation, alone and fused in the dense kernels.

    gelu, swish and mish read φ' from the pre-activation z: it is passed by
    position (after the defaults of out=, or of need_dx=, dW=, db=), so that the
    agreement test also checks that no backend writes into it.
    """
    cases = {}
    for act in ACTIVATIONS:
        al = ALPHA.get(act, 0.0)

        def fwd(rng, dtype, variant, act=act, al=al):
            return (mat(rng, dtype, variant, cols=11), act, al), {}

        def bwd(rng, dtype, variant, act=act, al=al):
            a, z = _act_output(rng, dtype, variant, act, 11)
            delta = mat(rng, dtype, variant, cols=11)
            z_arg = (None, z) if needs_z(act) else ()
            return (a, delta, act, al, *z_arg), {}

        def dfwd(rng, dtype, variant, act=act, al=al):
            x = mat(rng, dtype, variant, cols=13)
            W = (rng.standard_normal((13, 5)) * 0.3).astype(dtype)
            b = rng.standard_normal(5).astype(dtype)
            return (x, W, b, act, al), {}

        def dbwd(rng, dtype, variant, act=act, al=al):
            x = mat(rng, dtype, variant, cols=13)
            W = (rng.standard_normal((13, 5)) * 0.3).astype(dtype)
            a, z = _act_output(rng, dtype, variant, act, 5)
            delta = mat(rng, dtype, variant, rows=x.shape[0], cols=5)
            z_arg = (True, None, None, z) if needs_z(act) else ()
            return (x, W, a, delta, act, al, *z_arg), {}

        cases[f"activation_forward:{act}"] = fwd
        cases[f"activation_backward:{act}"] = bwd
        cases[f"dense_forward:{act}"] = dfwd
        cases[f"dense_backward:{act}"] = dbwd
    return cases


def _dense_extra():
    def no_bias(rng, dtype, variant):
        x = mat(rng, dtype, variant, cols=13)
        return (x, (rng.standard_normal((13, 6)) * 0.3).astype(dtype), None, "relu"), {}

    def no_dx(rng, dtype, variant):
        args, _ = CASES["dense_backward:tanh"](rng, dtype, variant)
        return args, {"need_dx": False}

    return {"dense_forward:nobias": no_bias, "dense_backward:no_dx": no_dx}


def _labels(rng, n, k):
    return rng.integers(0, k, size=n)


def _probs(rng, dtype, variant, k=10):
    z = mat(rng, np.float64, variant, cols=k)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return (e / e.sum(axis=-1, keepdims=True)).astype(dtype)


def _onehot(rng, n, k, dtype):
    return np.eye(k, dtype=dtype)[_labels(rng, n, k)]


def _loss_cases():
    def sx_sparse(rng, dtype, v):
        z = mat(rng, dtype, v, cols=10, scale=3)
        return (z, _labels(rng, z.shape[0], 10), 1 / max(z.shape[0], 1)), {}

    def sx_dense(rng, dtype, v):
        z = mat(rng, dtype, v, cols=10, scale=3)
        return (z, _onehot(rng, z.shape[0], 10, dtype), 0.5), {}

    def sbce(rng, dtype, v):
        z = mat(rng, dtype, v, cols=3, scale=4)
        return (z, (rng.random(z.shape) > 0.5).astype(dtype), 0.25), {}

    def p_sparse(rng, dtype, v):
        p = _probs(rng, dtype, v)
        return (p, _labels(rng, p.shape[0], 10), 0.1), {}

    def p_dense(rng, dtype, v):
        p = _probs(rng, dtype, v)
        return (p, _onehot(rng, p.shape[0], 10, dtype), 0.1), {}

    def p_bce(rng, dtype, v):
        p = (1 / (1 + np.exp(-mat(rng, np.float64, v, cols=3, scale=3)))).astype(dtype)
        return (p, (rng.random(p.shape) > 0.5).astype(dtype), 0.1), {}

    def sequence(case):
        """Scores (n, 3, 10) with labels (n, 3): one loss per time step (Keras' sequences)."""
        def build(rng, dtype, v):
            (scores, labels, scale), _ = case(rng, dtype, v)
            n = scores.shape[0] // 3
            return (scores[:3 * n].reshape(n, 3, 10), labels[:3 * n].reshape(n, 3), scale), {}
        return build

    return {"softmax_xent_sparse": sx_sparse, "softmax_xent_dense": sx_dense,
            "sigmoid_bce": sbce, "xent_sparse_from_probs": p_sparse,
            "xent_dense_from_probs": p_dense, "bce_from_probs": p_bce,
            "softmax_xent_sparse:sequence": sequence(sx_sparse),
            "xent_sparse_from_probs:sequence": sequence(p_sparse)}


def _state(rng, dtype, v, like=None, positive=False, scale=0.1):
    return vec(rng, dtype, v, n=None if like is None else None, scale=scale, positive=positive)


def _optimizer_cases():
    def pgs(rng, dtype, v, n_state, positive=()):
        p, g = vec(rng, dtype, v), vec(rng, dtype, v)
        states = [vec(rng, dtype, v, scale=0.1, positive=i in positive) for i in range(n_state)]
        return p, g, states

    def sgd(rng, dtype, v):
        p, g, _ = pgs(rng, dtype, v, 0)
        return (p, g, 0.01), {}

    def sgd_mom(nesterov):
        def case(rng, dtype, v):
            p, g, (vel,) = pgs(rng, dtype, v, 1)
            return (p, g, vel, 0.01, 0.9, nesterov), {}
        return case

    def adagrad(rng, dtype, v):
        p, g, (acc,) = pgs(rng, dtype, v, 1, positive=(0,))
        return (p, g, acc, 0.01, 1e-7), {}

    def rmsprop(centered, momentum):
        def case(rng, dtype, v):
            p, g, (s, mom, mg) = pgs(rng, dtype, v, 3, positive=(0,))
            mg *= 0.1
            return (p, g, s, 0.001, 0.9, 1e-7, mom if momentum else None,
                    0.5 if momentum else 0.0, mg if centered else None), {}
        return case

    def adam(amsgrad):
        def case(rng, dtype, v):
            p, g, (m, vv, vh) = pgs(rng, dtype, v, 3, positive=(1, 2))
            return (p, g, m, vv, 0.001, 0.9, 0.999, 1e-7, 3, vh if amsgrad else None), {}
        return case

    def adamw(rng, dtype, v):
        p, g, (m, vv) = pgs(rng, dtype, v, 2, positive=(1,))
        return (p, g, m, vv, 0.001, 0.9, 0.999, 1e-7, 5, 0.004), {}

    def adamax(rng, dtype, v):
        p, g, (m, u) = pgs(rng, dtype, v, 2, positive=(1,))
        return (p, g, m, u, 0.002, 0.9, 0.999, 1e-7, 4), {}

    def nadam(rng, dtype, v):
        p, g, (m, vv) = pgs(rng, dtype, v, 2, positive=(1,))
        t, b1 = 3, 0.9
        u = [b1 * (1 - 0.5 * 0.96**i) for i in range(1, t + 2)]
        prod = float(np.prod(u[:t]))
        return (p, g, m, vv, 0.001, b1, 0.999, 1e-7, u[t - 1], u[t], prod, prod * u[t], t), {}

    def clip_value(rng, dtype, v):
        return (vec(rng, dtype, v, scale=3), 1.5), {}

    def clip_norm(rng, dtype, v):
        return (vec(rng, dtype, v, scale=3), 2.0), {}

    def gnorm(rng, dtype, v):
        return ([vec(rng, dtype, v), mat(rng, dtype, v, cols=5), vec(rng, dtype, "odd")],), {}

    def scale(rng, dtype, v):
        return (vec(rng, dtype, v), 0.37), {}

    def max_norm(rng, dtype, v):
        return (mat(rng, dtype, v, rows=max(ROWS[v], 1), cols=6, scale=2), 1.5), {}

    def max_norm_axis1(rng, dtype, v):
        return (mat(rng, dtype, v, rows=max(ROWS[v], 1), cols=6, scale=2), 1.5), {"axis": 1}

    return {"sgd_update": sgd, "sgd_momentum_update": sgd_mom(False),
            "sgd_momentum_update:nesterov": sgd_mom(True), "adagrad_update": adagrad,
            "rmsprop_update": rmsprop(False, False),
            "rmsprop_update:centered": rmsprop(True, False),
            "rmsprop_update:momentum": rmsprop(False, True),
            "rmsprop_update:centered_momentum": rmsprop(True, True),
            "adam_update": adam(False), "adam_update:amsgrad": adam(True),
            "adamw_update": adamw, "adamax_update": adamax, "nadam_update": nadam,
            "clip_by_value_": clip_value, "clip_by_norm_": clip_norm, "global_norm": gnorm,
            "scale_": scale, "max_norm_": max_norm, "max_norm_:axis1": max_norm_axis1}


def _bn_cases():
    def stats(rng, dtype, v):
        return (mat(rng, dtype, v, cols=6, scale=0.5, shift=3.0),), {}

    def params(rng, dtype, c):
        gamma = (1 + 0.1 * rng.standard_normal(c)).astype(dtype)
        return gamma, rng.standard_normal(c).astype(dtype)

    def train(rng, dtype, v):
        x = mat(rng, dtype, v, cols=6, scale=2, shift=1)
        return (x, *params(rng, dtype, 6), 1e-3), {}

    def infer(rng, dtype, v):
        x = mat(rng, dtype, v, cols=6, scale=2, shift=1)
        mean, var = rng.standard_normal(6).astype(dtype), (rng.random(6) + 0.5).astype(dtype)
        return (x, mean, var, *params(rng, dtype, 6), 1e-3), {}

    def backward(rng, dtype, v):
        x = mat(rng, dtype, v, cols=6)
        n = x.shape[0]
        xhat = (x - x.mean(axis=0)) / (x.std(axis=0) + 1e-3) if n else x.copy()
        gamma = (1 + 0.1 * rng.standard_normal(6)).astype(dtype)
        inv_std = (rng.random(6) + 0.5).astype(dtype)
        return (mat(rng, dtype, v, rows=n, cols=6), xhat.astype(dtype), gamma, inv_std), {}

    def train_no_xhat(rng, dtype, v):
        args, _ = train(rng, dtype, v)
        return args, {"keep_xhat": False}

    def backward_from_x(rng, dtype, v):
        dy, _, gamma, inv_std = backward(rng, dtype, v)[0]
        x = mat(rng, dtype, v, rows=dy.shape[0], cols=6, scale=2, shift=1)
        return (dy, x, gamma, inv_std), {"mean": rng.standard_normal(6).astype(dtype)}

    def moving(rng, dtype, v):
        return (vec(rng, dtype, "odd"), vec(rng, dtype, "odd"), 0.99), {}

    return {"bn_stats": stats, "bn_forward_train": train, "bn_forward_infer": infer,
            "bn_forward_train:no_xhat": train_no_xhat, "bn_backward": backward,
            "bn_backward:from_x": backward_from_x, "bn_moving_update": moving}


def _dropout_cases():
    def shape(v):
        return {"batch1": (1, 7), "odd": (33, 17), "noncontig": (9, 13), "empty": (0, 5),
                "large": (6007, 7)}[v]

    def uniform(rng, dtype, v):
        return (int(np.prod(shape(v))), 42, 3), {}

    def mask(rng, dtype, v):
        return (shape(v), 42, 3, 0.3), {}

    def fwd(rng, dtype, v):
        return (mat(rng, dtype, v, rows=shape(v)[0], cols=shape(v)[1]), 42, 3, 0.3), {}

    def fwd_noise(rng, dtype, v):
        x = mat(rng, dtype, v, rows=shape(v)[0], cols=shape(v)[1])
        return (x, 42, 3, 0.3), {"mask_shape": (1, x.shape[1])}

    def bwd(rng, dtype, v):
        dy = mat(rng, dtype, v, rows=shape(v)[0], cols=shape(v)[1])
        return (dy, dropout_mask(dy.shape, 1, 2, 0.3), 0.3), {}

    def bwd_noise(rng, dtype, v):
        dy = mat(rng, dtype, v, rows=shape(v)[0], cols=shape(v)[1])
        return (dy, dropout_mask((1, dy.shape[1]), 1, 2, 0.3), 0.3), {}

    return {"dropout_uniform": uniform, "dropout_mask": mask, "dropout_forward": fwd,
            "dropout_forward:noise_shape": fwd_noise, "dropout_backward": bwd,
            "dropout_backward:noise_shape": bwd_noise, "alpha_dropout_forward": fwd,
            "alpha_dropout_forward:noise_shape": fwd_noise, "alpha_dropout_backward": bwd,
            "alpha_dropout_backward:noise_shape": bwd_noise}


def _rectifier_cases():
    """PReLU (one slope per unit, per channel, and channels-first slopes, which the fast
    backends hand to the reference), the general ReLU (inputs exactly at the threshold
    and the cap included) and RReLU (exact zeros included)."""
    layouts = {"": ((7,), (7,)), "shared": ((4, 5), (1, 5)), "channels_first": ((3, 4), (3, 1))}

    def prelu_inputs(rng, dtype, v, layout):
        shape, alpha_shape = layouts[layout]
        x = mat(rng, dtype, v, cols=int(np.prod(shape)))
        x = x.reshape((x.shape[0],) + shape)
        alpha = vec(rng, dtype, v, n=int(np.prod(alpha_shape)), scale=0.3)
        dy = mat(rng, dtype, v, rows=x.shape[0], cols=int(np.prod(shape))).reshape(x.shape)
        return x, alpha.reshape(alpha_shape), dy

    def prelu_fwd(layout):
        def case(rng, dtype, v):
            return prelu_inputs(rng, dtype, v, layout)[:2], {}
        return case

    def prelu_bwd(layout, need_dx=True):
        def case(rng, dtype, v):
            return prelu_inputs(rng, dtype, v, layout), {"need_dx": need_dx}
        return case

    relus = {"cap_leak_threshold": (1.0, 0.2, 0.5), "thresholded": (None, 0.0, 1.0),
             "cap_below_threshold": (0.5, 0.3, 1.0), "relu6": (6.0, 0.0, 0.0)}

    def relu_x(rng, dtype, v, params):
        cap, _, t = params
        x = mat(rng, dtype, v, cols=9, scale=2.0)
        x[:, 0] = t  # exactly at the threshold: the lower branch
        x[:, 1] = t if cap is None else cap  # exactly at the cap: derivative 0
        return x

    def relu_fwd(params):
        def case(rng, dtype, v):
            return (relu_x(rng, dtype, v, params), *params), {}
        return case

    def relu_bwd(params):
        def case(rng, dtype, v):
            x = relu_x(rng, dtype, v, params)
            return (x, mat(rng, dtype, v, rows=x.shape[0], cols=9), *params), {}
        return case

    def rrelu_x(rng, dtype, v):
        x = mat(rng, dtype, v, cols=9)
        x[:, 0] = 0.0  # x = 0 takes the slope 1 (y = x, ∂x = δ)
        return x

    def rrelu_fwd(rng, dtype, v):
        return (rrelu_x(rng, dtype, v), 42, 3, 0.125, 1 / 3), {}

    def rrelu_bwd(rng, dtype, v):
        x = rrelu_x(rng, dtype, v)
        return (x, mat(rng, dtype, v, rows=x.shape[0], cols=9), 42, 3, 0.125, 1 / 3), {}

    cases = {"rrelu_forward": rrelu_fwd, "rrelu_backward": rrelu_bwd,
             "prelu_backward:no_dx": prelu_bwd("", need_dx=False)}
    for layout in layouts:
        suffix = f":{layout}" if layout else ""
        cases[f"prelu_forward{suffix}"] = prelu_fwd(layout)
        cases[f"prelu_backward{suffix}"] = prelu_bwd(layout)
    for name, params in relus.items():
        cases[f"relu_general_forward:{name}"] = relu_fwd(params)
        cases[f"relu_general_backward:{name}"] = relu_bwd(params)
    return cases


CASES = {**_activation_cases(), **_loss_cases(), **_optimizer_cases(), **_bn_cases(),
         **_dropout_cases(), **_rectifier_cases()}
CASES.update(_dense_extra())
