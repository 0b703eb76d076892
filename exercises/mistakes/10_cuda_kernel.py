# Exercise 10, planted mistakes.  Each cell replaces the learner cell; the check must
# fail and its message must contain `expect` (see grade.py and docs/teaching.md).
# ruff: noqa: F811
from numba import config, cuda

SIMULATED = bool(config.ENABLE_CUDASIM)

# %% mistake="results_left_on_the_device" expect="in place"
BLOCKS, THREADS = (2, 32) if SIMULATED else (256, 256)


@cuda.jit
def momentum_kernel(p, g, vel, lr, momentum, nesterov):
    for i in range(cuda.grid(1), p.shape[0], cuda.gridsize(1)):
        m = momentum * vel[i] - lr * g[i]
        vel[i] = m
        if nesterov:
            p[i] += momentum * m - lr * g[i]
        else:
            p[i] += m


def sgd_momentum_update(param, grad, velocity, lr, momentum, nesterov):
    """The kernel runs, but nothing is copied back to the host arrays."""
    d_p, d_g, d_v = (cuda.to_device(a.reshape(-1)) for a in (param, grad, velocity))
    momentum_kernel[BLOCKS, THREADS](d_p, d_g, d_v, lr, momentum, nesterov)


# %% mistake="velocity_not_stored" expect="velocity was left unchanged"
BLOCKS, THREADS = (2, 32) if SIMULATED else (256, 256)


@cuda.jit
def momentum_kernel(p, g, vel, lr, momentum, nesterov):
    """m computed in a local variable but never written to vel[i]: the velocity the
    optimizer keeps stays zero, so every step is a plain gradient step."""
    for i in range(cuda.grid(1), p.shape[0], cuda.gridsize(1)):
        m = momentum * vel[i] - lr * g[i]
        if nesterov:
            p[i] += momentum * m - lr * g[i]
        else:
            p[i] += m


def sgd_momentum_update(param, grad, velocity, lr, momentum, nesterov):
    d_p, d_g, d_v = (cuda.to_device(a.reshape(-1)) for a in (param, grad, velocity))
    momentum_kernel[BLOCKS, THREADS](d_p, d_g, d_v, lr, momentum, nesterov)
    param[...] = d_p.copy_to_host().reshape(param.shape)
    velocity[...] = d_v.copy_to_host().reshape(velocity.shape)


# %% mistake="stride_of_one_block" expect="grid-stride loop"
BLOCKS, THREADS = (2, 32) if SIMULATED else (256, 256)


@cuda.jit
def momentum_kernel(p, g, vel, lr, momentum, nesterov):
    """Strides by the block size, not the grid size: blocks update the same elements
    again (momentum applied twice) and race with each other."""
    for i in range(cuda.grid(1), p.shape[0], cuda.blockDim.x):
        m = momentum * vel[i] - lr * g[i]
        vel[i] = m
        if nesterov:
            p[i] += momentum * m - lr * g[i]
        else:
            p[i] += m


def sgd_momentum_update(param, grad, velocity, lr, momentum, nesterov):
    d_p, d_g, d_v = (cuda.to_device(a.reshape(-1)) for a in (param, grad, velocity))
    momentum_kernel[BLOCKS, THREADS](d_p, d_g, d_v, lr, momentum, nesterov)
    param[...] = d_p.copy_to_host().reshape(param.shape)
    velocity[...] = d_v.copy_to_host().reshape(velocity.shape)
