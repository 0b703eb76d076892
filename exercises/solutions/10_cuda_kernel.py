"""Exercise 10, solution: the learner cell filled in."""

from numba import config, cuda

SIMULATED = bool(config.ENABLE_CUDASIM)
BLOCKS, THREADS = (2, 32) if SIMULATED else (256, 256)


@cuda.jit
def momentum_kernel(p, g, vel, lr, momentum, nesterov):
    """The momentum update of the elements this thread owns (flat arrays)."""
    for i in range(cuda.grid(1), p.shape[0], cuda.gridsize(1)):
        m = momentum * vel[i] - lr * g[i]
        vel[i] = m
        if nesterov:
            p[i] += momentum * m - lr * g[i]
        else:
            p[i] += m


def sgd_momentum_update(param, grad, velocity, lr, momentum, nesterov):
    """One momentum step, in place, on the GPU."""
    d_p, d_g, d_v = (cuda.to_device(a.reshape(-1)) for a in (param, grad, velocity))
    momentum_kernel[BLOCKS, THREADS](d_p, d_g, d_v, lr, momentum, nesterov)
    param[...] = d_p.copy_to_host().reshape(param.shape)
    velocity[...] = d_v.copy_to_host().reshape(velocity.shape)
