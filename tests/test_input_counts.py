"""The number of inputs and targets: tuples, lists and dicts as Keras reads them, and an
error naming the model's inputs (or outputs) when the count or the sample counts are wrong."""

from __future__ import annotations

import numpy as np
import pytest

import nnlite as keras

pytestmark = pytest.mark.usefixtures("fresh_seeded_session")


def one_in_one_out():
    model = keras.models.Sequential([keras.layers.Dense(4, input_shape=[5], name="hidden"),
                                     keras.layers.Dense(1, name="out")])
    model.compile(loss="mse", optimizer="sgd")
    return model


def wide_and_deep():
    """The book's two-input, two-output model (wide_input → concat, deep_input → hidden)."""
    wide = keras.layers.Input(shape=[5], name="wide_input")
    deep = keras.layers.Input(shape=[6], name="deep_input")
    hidden = keras.layers.Dense(8, activation="relu")(deep)
    concat = keras.layers.concatenate([wide, hidden])
    main = keras.layers.Dense(1, name="main_output")(concat)
    aux = keras.layers.Dense(1, name="aux_output")(hidden)
    model = keras.models.Model(inputs=[wide, deep], outputs=[main, aux])
    model.compile(loss="mse", loss_weights=(0.9, 0.1), optimizer="sgd")
    return model


rng = np.random.default_rng(0)
XW, XD, Y = rng.normal(size=(30, 5)), rng.normal(size=(30, 6)), rng.normal(size=(30, 1))


def call(model, method, x, y):
    if method == "fit":
        return model.fit(x, y, verbose=0)
    if method == "validation_data":
        good_x = XW if len(model.inputs) == 1 else (XW, XD)
        good_y = Y if len(model.outputs) == 1 else (Y, Y)
        return model.fit(good_x, good_y, validation_data=(x, y), verbose=0)
    if method in ("evaluate",):
        return model.evaluate(x, y, verbose=0)
    if method in ("train_on_batch", "test_on_batch"):
        return getattr(model, method)(x, y)
    if method == "predict":
        return model.predict(x, verbose=0)
    return model.predict_on_batch(x)


WITH_Y = ["fit", "evaluate", "train_on_batch", "test_on_batch", "validation_data"]
ALL = WITH_Y + ["predict", "predict_on_batch"]


def assert_refused(model, method, x, y, *fragments):
    before = model.get_weights()
    with pytest.raises(ValueError) as info:
        call(model, method, x, y)
    for fragment in fragments:
        assert fragment in str(info.value), str(info.value)
    assert model.optimizer.iterations == 0
    for w0, w1 in zip(before, model.get_weights()):
        np.testing.assert_array_equal(w0, w1)


@pytest.mark.parametrize("method", ALL)
@pytest.mark.parametrize("wrap", [tuple, list])
def test_two_arrays_for_a_one_input_model(method, wrap):
    assert_refused(one_in_one_out(), method, wrap([XW, XW]), Y,
                   "the model expects 1 input (names: ['hidden_input']), got 2 arrays")


@pytest.mark.parametrize("method", ALL)
def test_one_array_for_a_two_input_model(method):
    assert_refused(wide_and_deep(), method, XW, (Y, Y),
                   "the model expects 2 inputs (names: ['wide_input', 'deep_input']), "
                   "got 1 array")


@pytest.mark.parametrize("method", WITH_Y)
def test_one_target_for_a_two_output_model(method):
    assert_refused(wide_and_deep(), method, (XW, XD), Y,
                   "the model expects 2 targets, one per output (names: ['main_output', "
                   "'aux_output']), got 1 array")


@pytest.mark.parametrize("method", WITH_Y)
def test_two_targets_for_a_one_output_model(method):
    assert_refused(one_in_one_out(), method, XW, (Y, Y),
                   "the model expects 1 target, one per output (names: ['out']), got 2 arrays")


@pytest.mark.parametrize("method", WITH_Y)
def test_sample_counts_are_listed_for_every_array(method):
    model = wide_and_deep()
    assert_refused(model, method, (XW, XD[:20]), (Y, Y),
                   "x[0] ('wide_input') has 30, x[1] ('deep_input') has 20")
    assert_refused(model, method, (XW, XD), (Y, Y[:25]),
                   "y[0] ('main_output') has 30, y[1] ('aux_output') has 25")
    assert_refused(one_in_one_out(), method, XW, Y[:10], "x has 30, y has 10")


@pytest.mark.parametrize("method", ALL)
def test_a_ragged_list_names_x(method):
    ragged = [[1.0] * 5, [1.0] * 4]
    assert_refused(one_in_one_out(), method, ragged, Y[:2],
                   "x: could not be converted to an array: ", "inhomogeneous")


@pytest.mark.parametrize("method", WITH_Y)
def test_a_ragged_list_names_y(method):
    assert_refused(one_in_one_out(), method, XW[:2], [[1.0], [1.0, 2.0]],
                   "y: could not be converted to an array: ")


def test_ragged_arrays_of_a_two_input_model_name_the_input():
    assert_refused(wide_and_deep(), "predict", ([[1.0] * 5, [1.0]], XD[:2]), None,
                   "x[0] ('wide_input'): could not be converted to an array")


def test_tuples_lists_and_dicts_give_the_same_results():
    model = wide_and_deep()
    as_tuple = model.predict((XW, XD), verbose=0)
    as_list = model.predict([XW, XD], verbose=0)
    as_dict = model.predict({"deep_input": XD, "wide_input": XW}, verbose=0)
    for a, b, c in zip(as_tuple, as_list, as_dict):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, c)
    losses = [model.evaluate((XW, XD), (Y, Y), verbose=0),
              model.evaluate([XW, XD], [Y, Y], verbose=0),
              model.evaluate((XW, XD), {"aux_output": Y, "main_output": Y}, verbose=0),
              model.test_on_batch((XW, XD), (Y, Y))]
    for loss in losses[1:]:
        np.testing.assert_allclose(loss, losses[0], rtol=1e-6)
    history = model.fit((XW, XD), (Y, Y), validation_data=((XW, XD), (Y, Y)), verbose=0)
    assert "val_main_output_loss" in history.history
    assert len(model.predict_on_batch((XW[:4], XD[:4]))) == 2


def test_a_one_input_model_takes_one_array_in_a_tuple_or_list():
    model = one_in_one_out()
    plain = model.predict(XW, verbose=0)
    np.testing.assert_array_equal(model.predict((XW,), verbose=0), plain)
    np.testing.assert_array_equal(model.predict([XW], verbose=0), plain)
    assert model.evaluate((XW,), (Y,), verbose=0) == pytest.approx(model.evaluate(XW, Y,
                                                                                 verbose=0))
    # rows as Python lists are one array of samples, not a list of inputs
    assert model.predict([[0.0] * 5, [1.0] * 5], verbose=0).shape == (2, 1)


def test_dict_keys_missing_or_extra():
    model = wide_and_deep()
    with pytest.raises(ValueError, match=r"no entry for the input\(s\) \['deep_input'\]"):
        model.predict({"wide_input": XW}, verbose=0)
    with pytest.warns(UserWarning, match=r"entries \['extra'\] that are not inputs"):
        model.predict({"wide_input": XW, "deep_input": XD, "extra": XW}, verbose=0)
    with pytest.raises(ValueError, match=r"no entry for the output\(s\) \['aux_output'\]"):
        model.evaluate((XW, XD), {"main_output": Y}, verbose=0)


def test_a_lazily_built_sequential_model_is_not_built_by_a_bad_count():
    model = keras.models.Sequential([keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer="sgd")
    with pytest.raises(ValueError, match=r"expects 1 input \(names: \['dense_input'\]\), "
                                         r"got 2 arrays"):
        model.fit((XW, XW), Y, verbose=0)
    assert not model.built
    assert len(model.fit(XW, Y, verbose=0).epoch) == 1


def test_calling_the_model_checks_the_count_too():
    with pytest.raises(ValueError, match="expects 2 inputs"):
        wide_and_deep()(XW)
