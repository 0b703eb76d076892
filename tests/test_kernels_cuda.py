"""The CUDA kernels against the reference, under the CUDA simulator.

numba reads ``NUMBA_ENABLE_CUDASIM`` once at import, and setting it for the
whole test session would hide a real GPU and change ``nnlite.backends()``
for every other test.  So the main process runs one test that starts a
*subprocess* with the simulator on (``NUMBA_ENABLE_CUDASIM=1`` and
``NNLITE_TEST_CUDASIM=1``, which makes the ``backend`` fixture of
``conftest.py`` yield ``cuda``).  That subprocess runs

* the cases of ``test_kernels_agreement.py`` (every kernel, float64 and
  float32, batch 1, odd sizes, strided inputs, zero rows), less the
  ``large`` inputs (they exist for the CPU backends' parallel loops) and two
  groups that add time but no coverage: strided inputs in float32 (the host layer
  makes them contiguous before any launch; float64 covers that path), and
  the odd-sized dense cases of activations other than relu/tanh (they repeat
  the same tiled GEMM, and every activation runs at odd sizes in the
  ``activation_*`` cases, on the same device functions);
* the ``test_sim_*`` tests below: the launchers take device arrays (results
  stay on the device) as well as host arrays, and the GEMM's transposes and β.

The simulator runs each GPU thread as a Python thread, so the shapes stay
small (33 rows at most) and the launch helpers shorten Python's GIL switch
interval during a launch (see ``cuda/_launch.py``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest
from cuda_simulator import run_in_simulator, sim_only, starts_simulator

HERE = Path(__file__).parent
#: Agreement cases run under the simulator (pytest -k expression).
AGREEMENT = ("test_kernel_matches_reference and not large and not (noncontig and f32) "
             "and not (odd and dense_ and not (dense_forward:relu or dense_forward:nobias or "
             "dense_backward:tanh or no_dx))")
SELECT = f"test_sim_ or ({AGREEMENT})"
MIN_PASSED = 500


@starts_simulator
def test_cuda_kernels_in_simulator_subprocess():
    passed = run_in_simulator([str(HERE / "test_kernels_agreement.py"),
                               str(HERE / "test_kernels_cuda.py"),
                               "-W", "ignore::RuntimeWarning", "-k", SELECT])
    # the selection did not collapse: (nearly) every agreement case and the test_sim_ tests
    assert passed >= MIN_PASSED, passed


def test_auto_never_picks_cuda_under_simulator():
    code = ("from nnlite import _kernels as K; K.set_backend('auto'); "
            "print(K.get_backend())")
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    env.pop("NNLITE_BACKEND", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, timeout=120, cwd=HERE.parent)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] != "cuda"


# ---------------------------------------------------------------- in the simulator only


def _on_device(a) -> bool:
    """A device array (the simulator's fake one included), not a NumPy array."""
    return hasattr(a, "copy_to_host") and not isinstance(a, np.ndarray)


def _op(a: np.ndarray, t: bool) -> np.ndarray:
    return a.T if t else a


@sim_only
@pytest.mark.parametrize("ta,tb", [(False, False), (True, False), (False, True), (True, True)])
def test_sim_gemm_device_and_host_arrays(ta, tb):
    from numba import cuda

    from nnlite._kernels.cuda import dense

    rng = np.random.default_rng(0)
    A = rng.standard_normal((3, 5) if ta else (5, 3)).astype(np.float32)
    B = rng.standard_normal((7, 3) if tb else (3, 7)).astype(np.float32)
    C0 = rng.standard_normal((5, 7)).astype(np.float32)
    expected = _op(A, ta) @ _op(B, tb) + 0.5 * C0
    dC = cuda.to_device(C0)
    dense.gemm(cuda.to_device(A), cuda.to_device(B), dC, ta, tb, 0.5)  # all on the device
    assert _on_device(dC)
    np.testing.assert_allclose(dC.copy_to_host(), expected, rtol=1e-5, atol=1e-6)
    C = C0.copy()
    dense.gemm(A, cuda.to_device(B), C, ta, tb, 0.5)  # mixed: host output copied back
    np.testing.assert_allclose(C, expected, rtol=1e-5, atol=1e-6)


@sim_only
def test_sim_adam_state_stays_on_device():
    from numba import cuda

    from nnlite._kernels import reference as ref
    from nnlite._kernels.cuda import clipping, optimizers

    rng = np.random.default_rng(1)
    p, g = rng.standard_normal(37), rng.standard_normal(37)
    m, v = rng.standard_normal(37) * 0.1, rng.random(37) * 0.1
    dev = [cuda.to_device(a) for a in (p, m, v)]
    lr, b1, b2, eps, t = 1e-3, 0.9, 0.999, 1e-7, 3
    alpha = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
    # the gradient stays a host array: it is copied in, nothing is copied back
    optimizers.adam(dev[0], g, dev[1], dev[2], dev[0][:0], False, alpha, 1 - b1, 1 - b2, eps,
                    0.0, np.finfo(np.float64).tiny)
    ref.adam_update(p, g, m, v, lr, b1, b2, eps, t)
    for d, h in zip(dev, (p, m, v)):
        assert _on_device(d)
        np.testing.assert_allclose(d.copy_to_host(), h, rtol=1e-12)
    assert clipping.sumsq(cuda.to_device(g)) == pytest.approx(float(g @ g))


@sim_only
def test_sim_norm_has_the_same_bits_on_every_run():
    # the block sums are added in a fixed order (no atomic add), so a norm, and with it
    # every global_clipnorm step, is reproducible on the cuda backend
    from nnlite._kernels.cuda import clipping

    g = np.random.default_rng(3).standard_normal(4 * 2 * 7 + 5)  # more elements than threads
    norms = {clipping.global_norm([g, g[:9]]) for _ in range(20)}
    assert len(norms) == 1
    assert norms.pop() == pytest.approx(np.sqrt(g @ g + g[:9] @ g[:9]), rel=1e-12)


@sim_only
@pytest.mark.parametrize("name", ["softmax_xent_dense", "xent_dense_from_probs", "sigmoid_bce",
                                  "bce_from_probs"])
def test_sim_dense_target_losses_take_device_arrays(name):
    # a cuda fit with one-hot targets passes device arrays: loss and gradient stay there
    from numba import cuda

    from nnlite._kernels import reference as ref
    from nnlite._kernels.cuda import losses

    rng = np.random.default_rng(0)
    z = rng.standard_normal((5, 4))
    scores = {"softmax_xent_dense": z, "sigmoid_bce": z, "bce_from_probs": 1 / (1 + np.exp(-z)),
              "xent_dense_from_probs": np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)}[name]
    t = np.eye(4)[[0, 1, 2, 3, 0]]
    got = getattr(losses, name)(cuda.to_device(scores), cuda.to_device(t), 0.5)
    for g, expected in zip(got, getattr(ref, name)(scores, t, 0.5)):
        assert _on_device(g)
        np.testing.assert_allclose(g.copy_to_host(), expected, rtol=1e-12, atol=1e-15)


@sim_only
def test_sim_dropout_mask_into_device_array():
    from numba import cuda

    from nnlite._kernels import reference as ref
    from nnlite._kernels.cuda import dropout
    from nnlite._kernels.reference.dropout import dropout_key, keep_threshold

    out = cuda.device_array(301, dtype=np.uint8)
    dropout.mask(np.uint64(dropout_key(5, 6)), np.uint64(keep_threshold(0.3)), out)
    np.testing.assert_array_equal(out.copy_to_host().astype(bool),
                                  ref.dropout_mask(301, 5, 6, 0.3))


@sim_only
def test_sim_launch_restores_switch_interval():
    from nnlite._kernels.cuda import optimizers

    before = sys.getswitchinterval()
    p = np.zeros(9)
    optimizers.sgd(p, np.ones(9), 0.5)
    np.testing.assert_array_equal(p, -0.5)
    assert sys.getswitchinterval() == before


def test_every_cuda_kernel_compiles_for_a_real_gpu():
    """The simulator never type-checks kernels for the device: compile them all to PTX.

    Needs libNVVM (the CUDA toolkit), not a GPU; skipped where it is missing (CI).
    """
    script = HERE.parent / "scripts" / "cuda_ptx_check.py"
    env = dict(os.environ)
    env.pop("NUMBA_ENABLE_CUDASIM", None)
    proc = subprocess.run([sys.executable, str(script)], env=env, capture_output=True,
                          text=True, timeout=600, cwd=HERE.parent)
    if proc.returncode == 3:
        pytest.skip(proc.stderr.strip().splitlines()[-1])
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    ok, total = proc.stdout.splitlines()[-1].split(" kernels compile")[0].split(" of ")
    assert int(ok) == int(total) >= 30        # every @cuda.jit kernel of the backend


def _threads_share_one_tile(slow_allocation: bool) -> bool:
    """Run 8 simulated threads of one block through ``cuda.shared.array`` at once.

    With ``slow_allocation`` the allocation sleeps, so every thread is switched
    out between the lookup and the store: the race window held wide open.
    """
    import threading
    import time

    from numba.cuda.simulator import kernelapi

    shared = kernelapi.FakeCUDAShared(0)
    start, seen = threading.Barrier(8), []
    real_empty = np.empty

    def slow_empty(*args, **kwargs):
        time.sleep(0.01)
        return real_empty(*args, **kwargs)

    def thread():
        start.wait()
        seen.append(id(shared.array((2, 2), np.float64)))  # one calling line for all

    with pytest.MonkeyPatch.context() as mp:
        if slow_allocation:
            mp.setattr(kernelapi.np, "empty", slow_empty)
        workers = [threading.Thread(target=thread) for _ in range(8)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
    return len(set(seen)) == 1


@sim_only
def test_sim_shared_array_is_one_per_block_even_when_threads_switch():
    """The cause of a rare wrong dx in the simulator: two threads, two private tiles."""
    import nnlite._kernels.cuda._launch  # noqa: F401  (installs the fix)

    assert _threads_share_one_tile(slow_allocation=True)
    assert _threads_share_one_tile(slow_allocation=False)


class _GlobalsGrowingWhileIterated(dict):
    """Module globals to which another GPU thread adds a key (``__warningregistry__``, at
    that module's first warning) while the simulator iterates over them in Python."""

    def items(self):
        for item in dict.items(self):
            self[f"__added_{len(self)}__"] = None
            yield item


def _function_with_growing_globals():
    from numba import cuda

    return types.FunctionType((lambda: None).__code__,
                              _GlobalsGrowingWhileIterated(cuda=cuda))


@sim_only
def test_sim_module_swap_survives_globals_growing_meanwhile():
    """The cause of a rare "dictionary changed size during iteration" in a kernel launch."""
    from numba import cuda
    from numba.cuda.simulator import kernel

    from nnlite._kernels.cuda import _simulator

    assert kernel.swapped_cuda_module is _simulator.swapped_cuda_module
    fn = _function_with_growing_globals()
    with _simulator.swapped_cuda_module(fn, "fake cuda"):
        assert fn.__globals__["cuda"] == "fake cuda"
    assert fn.__globals__["cuda"] is cuda


@sim_only
def test_sim_unpatched_module_swap_fails_when_globals_grow():
    """Proof that the test above can fail: numba's own swap iterates the live globals."""
    from numba.cuda.simulator import kernelapi

    with pytest.raises(RuntimeError, match="changed size during iteration"):
        with kernelapi.swapped_cuda_module(_function_with_growing_globals(), "fake cuda"):
            pass


@sim_only
def test_sim_unpatched_simulator_gives_threads_private_tiles():
    """Proof that the test above can fail: numba's own lookup, with the window held open."""
    from numba.cuda.simulator import kernelapi

    import nnlite._kernels.cuda._launch  # noqa: F401
    from nnlite._kernels.cuda import _simulator

    assert _simulator.numba_shared_array is not None
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(kernelapi.FakeCUDAShared, "array", _simulator.numba_shared_array)
        assert not _threads_share_one_tile(slow_allocation=True)
    assert kernelapi.FakeCUDAShared.array is _simulator._shared_array
