"""The host-side plumbing the numba and Cython public kernels share (``_kernels/host_arrays.py``).

Each helper is checked with a plain Python "loop" standing in for a compiled one:
what it hands the loop, where the result lands, and that an empty input calls nothing.
"""

from __future__ import annotations

import numpy as np
import pytest

from nnlite._kernels.host_arrays import (
    buffer_for,
    deliver_rows,
    elementwise,
    flat_in_place,
    loss_rows,
    output_2d,
)


def add_scaled(x, y, c, out):
    """out = x + c·y, the way a compiled elementwise loop is called."""
    assert x.flags.c_contiguous and y.flags.c_contiguous and out.flags.c_contiguous
    out[...] = x + c * y


def test_elementwise_writes_into_out_when_it_can():
    x, y = np.arange(6.0).reshape(2, 3), np.ones((2, 3))
    out = np.empty((2, 3))
    result = elementwise(add_scaled, out, (x, y), 2.0)
    assert result is out
    np.testing.assert_array_equal(out, x + 2.0)


def test_elementwise_copies_into_a_strided_out_and_takes_strided_inputs():
    x = np.arange(12.0).reshape(3, 4)[:, ::2]  # not contiguous
    y = np.ones_like(x)
    big = np.zeros((3, 4))
    out = big[:, 1::2]  # not contiguous either: the loop writes a work array
    result = elementwise(add_scaled, out, (x, y), -1.0)
    assert result is out
    np.testing.assert_array_equal(big[:, 1::2], x - 1.0)
    np.testing.assert_array_equal(big[:, ::2], 0.0)


def test_elementwise_hands_rows_and_skips_empty_inputs():
    seen = []

    def rows(x, out):
        seen.append(x.shape)
        out[...] = 2 * x

    x = np.arange(6.0).reshape(1, 2, 3)
    np.testing.assert_array_equal(elementwise(rows, None, (x,), row_length=3), 2 * x)
    assert seen == [(2, 3)]
    empty = elementwise(rows, None, (np.empty((0, 3)),), row_length=3)
    assert empty.shape == (0, 3) and seen == [(2, 3)]


def test_buffer_for_reuses_only_a_contiguous_out_of_the_dtype():
    mask = np.empty((2, 3), dtype=np.bool_)
    assert buffer_for((2, 3), np.bool_, mask) is mask
    fresh = buffer_for((2, 3), np.bool_, np.empty((2, 3), dtype=np.uint8))
    assert fresh.dtype == np.bool_ and fresh.shape == (2, 3)
    assert buffer_for((3,), np.float32, None).dtype == np.float32


@pytest.mark.parametrize("contiguous_out", [True, False])
def test_deliver_rows_fills_the_out_of_output_2d(contiguous_out):
    target = np.zeros((2, 2, 3)) if contiguous_out else np.zeros((2, 2, 6))[..., ::2]
    out, work = output_2d((2, 2, 3), np.float64, target)
    work[...] = np.arange(12.0).reshape(4, 3)
    assert deliver_rows(work, out) is target
    np.testing.assert_array_equal(target, np.arange(12.0).reshape(2, 2, 3))


def test_loss_rows_hands_rows_and_targets_and_shapes_the_results():
    def squared(rows, t, scale, loss, grad):
        loss[:] = ((rows - t) ** 2).sum(axis=1)
        grad[...] = 2 * scale * (rows - t)

    scores = np.arange(12.0, dtype=np.float32).reshape(2, 2, 3)
    targets = np.ones((2, 2, 3))  # float64: handed over in the scores' dtype
    loss, grad = loss_rows(squared, scores, targets, 0.5)
    assert loss.shape == (2, 2) and grad.shape == scores.shape
    assert loss.dtype == grad.dtype == np.float32
    np.testing.assert_allclose(loss, ((scores - 1) ** 2).sum(axis=-1))

    def no_targets(rows, t, loss, grad):
        assert t.shape == (0, 0) and t.dtype == rows.dtype
        loss[:] = 0
        grad[...] = 0

    loss, grad = loss_rows(no_targets, scores, None)
    assert loss.shape == (2, 2)


def test_flat_in_place_runs_the_loop_or_the_reference():
    calls = []

    def loop(flat, value):
        calls.append("loop")
        flat *= value

    def reference(arr, value):
        calls.append("reference")
        arr *= value

    a = np.ones((2, 3), dtype=np.float32)
    flat_in_place(loop, reference, a, 3)
    strided = np.ones((2, 6), dtype=np.float32)[:, ::2]
    flat_in_place(loop, reference, strided, 2)
    assert calls == ["loop", "reference"]
    np.testing.assert_array_equal(a, 3.0)
    np.testing.assert_array_equal(strided, 2.0)
