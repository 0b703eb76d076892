"""``fit`` on the ``cuda`` backend, weights on the device, under the CUDA simulator.

As in ``test_kernels_cuda.py``, the main process runs one test that starts
a *subprocess* with ``NUMBA_ENABLE_CUDASIM=1`` and ``NNLITE_TEST_CUDASIM=1``;
that subprocess runs the ``test_sim_*`` tests of this file:

* a few Adam steps of a small MLP give the reference backend's losses,
  metrics and weights (float32 tolerance);
* per step: two copies to the device (the batch's inputs and labels), one
  back (predictions, per-sample losses, the non-finite count), and the
  launches of the book's step, counted by ``nnlite._kernels.cuda.transfers``;
* public kernels given device arrays return device arrays and copy nothing;
* ``get_weights`` / ``save`` during and after the fit read the device values;
  ``set_weights`` in a callback reaches the device; a backend switch after
  ``fit`` works;
* a model with BatchNormalization and Dropout falls back to the host path
  with a warning naming the layer, and still matches the reference;
* a step with a non-finite loss is not applied (as on the host);
* `predict`, `evaluate` and fit's validation run on the device (one copy in
  per predict batch and one back, the weights once per call, or none in a
  fit) and match the reference; models without a device path use the host.

Shapes are tiny: the simulator runs every GPU thread as a Python thread.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from cuda_simulator import run_in_simulator, sim_only, starts_simulator

HERE = Path(__file__).parent


@starts_simulator
def test_cuda_training_in_simulator_subprocess():
    # one thread: the reference run must not round differently from one run to the next
    # (fit may switch BLAS between 1 and N threads, see nnlite.utils.fit_threads)
    passed = run_in_simulator([str(Path(__file__)), "-p", "no:randomly", "-k", "test_sim_", "-s"],
                              env={"NNLITE_NUM_THREADS": "1", "NNLITE_BACKEND": None})
    assert passed >= 8, passed


# ---------------------------------------------------------------- in the simulator only

UNITS = (7, 5, 3)  # the book's 300-100-10, shrunk for the simulator


def _data(n: int = 24, d: int = 12):
    rng = np.random.default_rng(0)
    return (rng.normal(size=(n, d)).astype(np.float32),
            rng.integers(0, UNITS[-1], n))


def _mlp(backend: str, *, bn_dropout: bool = False):
    import nnlite

    nnlite.set_backend(backend)
    nnlite.utils.set_random_seed(1)
    layers = [nnlite.layers.Input(shape=[12]), nnlite.layers.Dense(UNITS[0], activation="relu")]
    if bn_dropout:
        layers += [nnlite.layers.BatchNormalization(), nnlite.layers.Dropout(0.25)]
    layers += [nnlite.layers.Dense(UNITS[1], activation="relu"),
               nnlite.layers.Dense(UNITS[2], activation="softmax")]
    model = nnlite.models.Sequential(layers)
    model.compile(optimizer=nnlite.optimizers.Adam(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _fit(model, callbacks=(), epochs: int = 2):
    x, y = _data()
    return model.fit(x, y, batch_size=8, epochs=epochs, verbose=0, shuffle=True,
                     callbacks=list(callbacks))


def _assert_same_training(h_ref, h_cuda, w_ref, w_cuda):
    for key in ("loss", "accuracy"):
        np.testing.assert_allclose(h_cuda.history[key], h_ref.history[key], rtol=2e-5)
    for a, b in zip(w_ref, w_cuda):
        np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-5)


@pytest.fixture
def reference_run():
    import nnlite

    model = _mlp("reference")
    history = _fit(model)
    yield history, model.get_weights()
    nnlite.set_backend("reference")


@sim_only
def test_sim_mlp_adam_matches_reference(reference_run):
    from nnlite._kernels.cuda import transfers

    model = _mlp("cuda")
    with transfers.counting() as counted:
        history = _fit(model)
    _assert_same_training(*reference_run[:1], history, reference_run[1], model.get_weights())
    assert counted["to_host"] >= 6 and counted["launches"] > 0
    assert all(v._placement is None for v in model.weights)  # released after fit


class _StepCounter:
    """A callback that records each step's transfers and launches (it reads no weight)."""

    def __init__(self):
        from nnlite.callbacks import Callback

        counter = self

        class Hook(Callback):
            def on_train_batch_begin(self, batch, logs=None):
                counter.before = counter.transfers.counts()

            def on_train_batch_end(self, batch, logs=None):
                after = counter.transfers.counts()
                counter.steps.append({k: after[k] - counter.before[k] for k in after})

        from nnlite._kernels.cuda import transfers

        self.transfers, self.steps, self.callback = transfers, [], Hook()


@sim_only
def test_sim_each_step_copies_the_batch_in_and_one_report_out():
    model = _mlp("cuda")
    counter = _StepCounter()
    _fit(model, [counter.callback])
    layers = len(UNITS)
    # forward: GEMM + bias/φ per layer; the fused loss; backward: δ⊙φ' with ∂b, ∂W, ∂x
    # (no ∂x for the first layer); the non-finite count; one Adam update over all weights
    launches = 2 * layers + 1 + (3 * layers - 1) + 1 + 1
    print(f"\nper step (MLP {UNITS}, Adam): {counter.steps[0]}")
    assert len(counter.steps) == 6
    for step in counter.steps:
        assert step["to_device"] == 2  # the batch: inputs and labels
        assert step["to_host"] == 1  # predictions, losses and the non-finite count together
        assert step["launches"] == launches


@sim_only
def test_sim_public_kernels_keep_device_arrays_on_the_device():
    from numba import cuda

    from nnlite._kernels import reference as ref
    from nnlite._kernels.cuda import activations, dense, losses, optimizers, transfers

    rng = np.random.default_rng(2)
    x = rng.normal(size=(5, 4)).astype(np.float32)
    W = rng.normal(size=(4, 3)).astype(np.float32)
    b = rng.normal(size=3).astype(np.float32)
    y = np.array([0, 2, 1, 1, 0])
    dx, dW, db, dy = (cuda.to_device(a) for a in (x, W, b, y))
    p, m, v = (cuda.to_device(np.zeros(12, np.float32)) for _ in range(3))
    with transfers.counting() as counted:
        a = dense.dense_forward(dx, dW, db, "relu")
        probs = activations.activation_forward(a, "softmax")
        loss, grad = losses.xent_sparse_from_probs(probs, dy, 0.2)
        gW, gb, gx = dense.dense_backward(dx, dW, a, grad, "relu")
    assert counted["to_device"] == counted["to_host"] == 0
    assert counted["launches"] == 2 + 1 + 1 + 3  # forward, softmax, loss, backward
    with transfers.counting() as counted:
        optimizers.adam_update(p, gW.reshape(12), m, v, 0.01, 0.9, 0.999, 1e-7, 1)
    assert counted["to_device"] == counted["to_host"] == 0 and counted["launches"] == 1
    for arr in (a, loss, grad, gW, gb, gx, p):
        assert transfers.is_device_array(arr)
    a_ref = ref.dense_forward(x, W, b, "relu")
    loss_ref, grad_ref = ref.xent_sparse_from_probs(ref.activation_forward(a_ref, "softmax"),
                                                    y, 0.2)
    gW_ref, gb_ref, gx_ref = ref.dense_backward(x, W, a_ref, grad_ref, "relu")
    for got, want in ((a, a_ref), (loss, loss_ref), (grad, grad_ref), (gW, gW_ref),
                      (gb, gb_ref), (gx, gx_ref)):
        np.testing.assert_allclose(got.copy_to_host(), want, rtol=1e-5, atol=1e-6)


@sim_only
def test_sim_weights_read_during_and_after_fit_are_the_device_values(tmp_path):
    import nnlite
    from nnlite.callbacks import Callback

    seen = []

    class ReadWeights(Callback):
        def on_epoch_end(self, epoch, logs=None):
            placement = self.model.weights[0]._placement
            device = placement.device.value.copy_to_host()
            host = np.concatenate([w.reshape(-1) for w in self.model.get_weights()])
            seen.append((device, host))
            self.model.save(tmp_path / f"epoch{epoch}.keras")

    model = _mlp("cuda")
    _fit(model, [ReadWeights()])
    for device, host in seen:
        np.testing.assert_array_equal(host, device)
    np.testing.assert_array_equal(seen[-1][1], np.concatenate(
        [w.reshape(-1) for w in model.get_weights()]))
    loaded = nnlite.models.load_model(tmp_path / "epoch1.keras")
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    for key, value in model.optimizer.get_state(model.trainable_weights).items():
        np.testing.assert_array_equal(loaded.optimizer.get_state(
            loaded.trainable_weights)[key], value)


@sim_only
def test_sim_set_weights_in_a_callback_reaches_the_device():
    from nnlite.callbacks import Callback

    def run(backend):
        model = _mlp(backend)
        start = model.get_weights()

        class Restart(Callback):
            def on_epoch_end(self, epoch, logs=None):
                if epoch == 0:
                    self.model.set_weights(start)

        return _fit(model, [Restart()]), model.get_weights()

    h_ref, w_ref = run("reference")
    h_cuda, w_cuda = run("cuda")
    _assert_same_training(h_ref, h_cuda, w_ref, w_cuda)


@sim_only
def test_sim_switching_backend_after_fit(reference_run):
    import nnlite

    model = _mlp("cuda")
    _fit(model)
    x, _ = _data()
    on_cuda = model.predict(x[:5], verbose=0)
    nnlite.set_backend("reference")
    np.testing.assert_allclose(model.predict(x[:5], verbose=0), on_cuda, rtol=1e-5, atol=1e-6)
    _fit(model, epochs=1)  # training goes on, on the host
    assert all(np.isfinite(w).all() for w in model.get_weights())


@sim_only
def test_sim_bn_dropout_falls_back_with_a_warning_and_matches():
    model = _mlp("reference", bn_dropout=True)
    h_ref = _fit(model)
    w_ref = model.get_weights()
    model = _mlp("cuda", bn_dropout=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        h_cuda = _fit(model)
    messages = [str(w.message) for w in caught if "cuda backend" in str(w.message)]
    assert len(messages) == 1 and "'batch_normalization" in messages[0], messages
    assert "BatchNormalization" in messages[0]
    _assert_same_training(h_ref, h_cuda, w_ref, model.get_weights())


@sim_only
def test_sim_nonfinite_step_is_not_applied():
    model = _mlp("cuda")
    start = model.get_weights()
    x, y = _data()
    x[:8] = 3e38  # the first batch overflows: a NaN loss
    with pytest.warns(RuntimeWarning, match="not finite|the loss is nan"):
        model.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False)
    for a, b in zip(start, model.get_weights()):
        np.testing.assert_array_equal(a, b)


@sim_only
def test_sim_gemm_runs_on_cublas_only_with_cupy_and_device_arrays(monkeypatch):
    from numba import cuda

    from nnlite._kernels.cuda import cublas, dense
    from nnlite._kernels.cuda._gpu_available import SIMULATED

    rng = np.random.default_rng(3)
    A, B = rng.normal(size=(4, 3)).astype(np.float32), rng.normal(size=(4, 5)).astype(np.float32)
    want = A.T @ B
    dC = cuda.device_array((3, 5), np.float32)
    # the simulator: never cuBLAS (CuPy cannot read its arrays); a GPU: cuBLAS with CuPy
    assert cublas.use_cublas(cuda.to_device(A), cuda.to_device(B), dC) == (
        not SIMULATED and cublas.probe_cupy() is not None)
    dense.gemm(cuda.to_device(A), cuda.to_device(B), dC, True, False, 0.0)
    np.testing.assert_allclose(dC.copy_to_host(), want, rtol=1e-5, atol=1e-6)
    if not SIMULATED:
        return  # the stand-in below reads the simulator's arrays as NumPy arrays

    calls = []

    class NumpyAsCupy:
        """Stands in for CuPy: the simulator's device arrays read as NumPy arrays."""

        asarray = staticmethod(np.asarray)

        @staticmethod
        def matmul(a, b, out=None):
            calls.append((a.shape, b.shape))
            return np.matmul(a, b, out=out)

    monkeypatch.setattr(cublas, "_cupy", NumpyAsCupy)
    dC = cuda.device_array((3, 5), np.float32)
    assert cublas.use_cublas(cuda.to_device(A), cuda.to_device(B), dC)
    dense.gemm(cuda.to_device(A), cuda.to_device(B), dC, True, False, 0.0)
    np.testing.assert_allclose(dC.copy_to_host(), want, rtol=1e-5, atol=1e-6)
    assert calls == [((3, 4), (4, 5))]
    C = np.zeros((3, 5), np.float32)
    assert not cublas.use_cublas(A, B, C)  # host arrays: the tiled kernel, copied in and out
    dense.gemm(A, B, C, True, False, 0.0)
    np.testing.assert_allclose(C, want, rtol=1e-5, atol=1e-6)
    assert len(calls) == 1


@sim_only
def test_sim_flatten_gelu_and_logits_match_reference():
    """Flatten of 3-D inputs, a GELU layer (φ' read from z), a loss from logits (not fused)."""
    import nnlite

    def run(backend):
        nnlite.set_backend(backend)
        nnlite.utils.set_random_seed(4)
        model = nnlite.models.Sequential([
            nnlite.layers.Input(shape=[3, 4]), nnlite.layers.Flatten(),
            nnlite.layers.Dense(6, activation="gelu"), nnlite.layers.Dense(3)])
        model.compile(optimizer=nnlite.optimizers.RMSprop(learning_rate=0.01),
                      loss=nnlite.losses.SparseCategoricalCrossentropy(from_logits=True))
        x, y = _data()
        history = model.fit(x.reshape(-1, 3, 4), y, batch_size=8, epochs=2, verbose=0)
        return history, model.get_weights(), model.predict(x[:8].reshape(-1, 3, 4), verbose=0)

    h_ref, w_ref, p_ref = run("reference")
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no fallback to the host path
        h_cuda, w_cuda, p_cuda = run("cuda")
    np.testing.assert_allclose(h_cuda.history["loss"], h_ref.history["loss"], rtol=2e-5)
    np.testing.assert_allclose(p_cuda, p_ref, rtol=1e-4, atol=1e-5)
    for a, b in zip(w_ref, w_cuda):
        np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("change, named", [
    ("regularizer", "layer 'dense_b' (Dense) has a regularizer or constraint on 'dense_b/kernel'"),
    ("batchnorm", "layer 'bn' (BatchNormalization) has no device path"),
    ("clipnorm", "optimizer 'Adam' clips gradients"),
    ("mse", "loss 'mean_squared_error'"),
    ("wrapped", "layer 'dense_b' (Dense) has its forward or backward wrapped"),
    (None, None),
])
def test_what_keeps_a_fit_off_the_device_is_named(change, named):
    """The reason a cuda fit falls back to the host path names the layer or option (no GPU)."""
    import nnlite
    from nnlite.models.device_training import device_problem

    layers = [nnlite.layers.Input(shape=[4]), nnlite.layers.Dense(3, activation="relu")]
    if change == "batchnorm":
        layers.append(nnlite.layers.BatchNormalization(name="bn"))
    layers.append(nnlite.layers.Dense(
        2, activation="softmax", name="dense_b",
        kernel_regularizer="l2" if change == "regularizer" else None))
    model = nnlite.models.Sequential(layers)
    model.compile(optimizer=nnlite.optimizers.Adam(clipnorm=1.0 if change == "clipnorm" else None),
                  loss="mse" if change == "mse" else "sparse_categorical_crossentropy")
    model._finish_compile()
    if change == "wrapped":  # as GradientMonitor does at on_train_begin
        model.get_layer("dense_b").forward = lambda x, training=False: x
    problem = device_problem(model, None)
    assert (problem is None) if named is None else named in problem, problem
    assert "sample or class weights" in device_problem(model, weighted=True)


@sim_only
def test_sim_generator_batches_with_sample_weights_match_reference():
    """Weights that come with the batches train those steps on the host, the rest on the GPU."""
    x, y = _data()
    w = np.linspace(0.5, 1.5, len(x)).astype(np.float32)

    def run(backend):
        def batches():
            for start in (0, 8, 16):
                end = start + 8
                if start == 8:  # one batch without weights: a device step
                    yield x[start:end], y[start:end]
                else:
                    yield x[start:end], y[start:end], w[start:end]

        model = _mlp(backend)
        history = model.fit(batches(), epochs=1, verbose=0)
        return history, model.get_weights()

    h_ref, w_ref = run("reference")
    h_cuda, w_cuda = run("cuda")
    _assert_same_training(h_ref, h_cuda, w_ref, w_cuda)


# ---------------------------------------------------------------- predict and evaluate


class _BatchCounter:
    """Callbacks that record each predict / test batch's transfers (they read no weight)."""

    def __init__(self):
        from nnlite._kernels.cuda import transfers
        from nnlite.callbacks import Callback

        counter = self
        self.batches: list[dict] = []

        def begin(self, batch, logs=None):
            counter.before = transfers.counts()

        def end(self, batch, logs=None):
            after = transfers.counts()
            counter.batches.append({k: after[k] - counter.before[k] for k in after})

        self.callback = type("CountBatches", (Callback,), {
            "on_predict_batch_begin": begin, "on_predict_batch_end": end,
            "on_test_batch_begin": begin, "on_test_batch_end": end})()


@sim_only
def test_sim_predict_and_evaluate_on_the_device_match_reference():
    from nnlite._kernels.cuda import transfers

    x, y = _data()
    sw = np.linspace(0.5, 1.5, len(x)).astype(np.float32)
    ref = _mlp("reference")
    want = (ref.predict(x, batch_size=8, verbose=0),
            ref.evaluate(x, y, batch_size=8, verbose=0),
            ref.evaluate(x, y, sample_weight=sw, batch_size=10, verbose=0))
    model = _mlp("cuda")
    counter = _BatchCounter()
    with transfers.counting() as whole:
        got = model.predict(x, batch_size=8, verbose=0, callbacks=[counter.callback])
    np.testing.assert_allclose(got, want[0], rtol=1e-5, atol=1e-6)
    assert [(b["to_device"], b["to_host"]) for b in counter.batches] == [(1, 1)] * 3
    assert whole["to_device"] == 3 + 1 and whole["to_host"] == 3  # + the weights, one copy
    assert all(w._placement is None for w in model.weights)  # released after predict
    counter.batches.clear()
    with transfers.counting() as whole:
        loss_acc = model.evaluate(x, y, batch_size=8, verbose=0, callbacks=[counter.callback])
    np.testing.assert_allclose(loss_acc, want[1], rtol=1e-5)
    # inputs and labels in; outputs and per-sample losses back together
    assert [(b["to_device"], b["to_host"]) for b in counter.batches] == [(2, 1)] * 3
    assert whole["to_device"] == 6 + 1
    weighted = model.evaluate(x, y, sample_weight=sw, batch_size=10, verbose=0)
    np.testing.assert_allclose(weighted, want[2], rtol=1e-5)  # batches of 10, 10 and 4


@sim_only
def test_sim_validation_in_a_cuda_fit_reuses_the_device_weights():
    x, y = _data()

    from nnlite._kernels.cuda import transfers
    from nnlite.callbacks import Callback

    validations = []

    class CountValidation(Callback):
        """Validation runs between the epoch's last step and ``on_epoch_end``."""

        def on_train_batch_end(self, batch, logs=None):
            self.before = transfers.counts()

        def on_epoch_end(self, epoch, logs=None):
            after = transfers.counts()
            validations.append({k: after[k] - self.before[k] for k in after})

    def run(backend):
        model = _mlp(backend)
        return model.fit(x[:16], y[:16], batch_size=8, epochs=2, verbose=0, shuffle=False,
                         validation_data=(x[16:], y[16:]), callbacks=[CountValidation()])

    h_ref = run("reference")
    validations.clear()
    h_cuda = run("cuda")
    for key in ("val_loss", "val_accuracy", "loss"):
        np.testing.assert_allclose(h_cuda.history[key], h_ref.history[key], rtol=2e-5)
    # one validation batch per epoch: its inputs and labels in, one report back, no weights
    assert [(v["to_device"], v["to_host"]) for v in validations] == [(2, 1)] * 2


@sim_only
def test_sim_models_without_a_device_path_predict_and_evaluate_on_the_host():
    """BatchNormalization: no device path; mse: no device loss (predict still on the device)."""
    import nnlite
    from nnlite._kernels.cuda import transfers

    x, y = _data()
    model = _mlp("reference", bn_dropout=True)
    want = model.predict(x, batch_size=8, verbose=0), model.evaluate(x, y, verbose=0)
    nnlite.set_backend("cuda")
    with transfers.counting() as counted:
        got = model.predict(x, batch_size=8, verbose=0), model.evaluate(x, y, verbose=0)
    assert counted["to_device"] > 10  # the host path: each kernel copies its arrays
    np.testing.assert_allclose(got[0], want[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-5)

    model = _mlp("reference")
    model.compile(optimizer="sgd", loss="mse")
    onehot = np.eye(UNITS[-1], dtype=np.float32)[y]
    want = model.predict(x, batch_size=8, verbose=0), model.evaluate(x, onehot, verbose=0)
    nnlite.set_backend("cuda")
    with transfers.counting() as counted:
        got = model.predict(x, batch_size=8, verbose=0)
    assert counted["to_device"] == 1 + 3
    np.testing.assert_allclose(got, want[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.evaluate(x, onehot, verbose=0), want[1], rtol=1e-5)
    nnlite.set_backend("reference")


@sim_only
def test_sim_set_weights_during_predict_reaches_the_device():
    from nnlite.callbacks import Callback

    class ZeroAfterFirstBatch(Callback):
        def on_predict_batch_end(self, batch, logs=None):
            if batch == 0:
                self.model.set_weights([np.zeros_like(w) for w in self.model.get_weights()])

    x, _ = _data()
    want = _mlp("reference").predict(x[:8], verbose=0)
    got = _mlp("cuda").predict(x, batch_size=8, verbose=0, callbacks=[ZeroAfterFirstBatch()])
    np.testing.assert_allclose(got[:8], want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got[8:], 1 / UNITS[-1], rtol=1e-6)  # softmax of zeros
