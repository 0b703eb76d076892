"""``sample_weight`` and ``class_weight`` are checked before any training.

NaN, inf, negative, non-numeric, wrong-length or wrong-shape weights are
refused with a ValueError naming the argument, in fit, evaluate,
train_on_batch and test_on_batch, and the model is left unchanged.
"""

from __future__ import annotations

import numpy as np
import pytest

import nnlite as keras
from nnlite.models.sample_weights import check_sample_weight, class_sample_weights

N = 12


def build(units: int = 3):
    keras.utils.set_random_seed(0)
    model = keras.models.Sequential([
        keras.layers.Dense(6, activation="relu", input_shape=[4]),
        keras.layers.BatchNormalization(), keras.layers.Dropout(0.2),
        keras.layers.Dense(units, activation="softmax" if units > 1 else "sigmoid")])
    model.compile(loss="sparse_categorical_crossentropy" if units > 1 else
                  "binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model


def data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(N, 4)).astype("float32"), np.arange(N) % 3


def state(model) -> list[np.ndarray]:
    drop = model.layers[2]
    return model.get_weights() + [np.asarray(model.optimizer.iterations),
                                  np.asarray(drop.step)]


ENTRY_POINTS = {
    "fit": lambda m, x, y, w: m.fit(x, y, sample_weight=w, epochs=1, verbose=0),
    "train_on_batch": lambda m, x, y, w: m.train_on_batch(x, y, sample_weight=w),
    "evaluate": lambda m, x, y, w: m.evaluate(x, y, sample_weight=w, verbose=0),
    "test_on_batch": lambda m, x, y, w: m.test_on_batch(x, y, sample_weight=w),
}

BAD_SAMPLE_WEIGHTS = {
    "nan": (np.r_[np.ones(N - 1), np.nan], r"sample_weight contains NaN or inf "
                                           r"\(sample_weight\[11\] = nan\)"),
    "inf": (np.r_[np.inf, np.ones(N - 1)], r"sample_weight\[0\] = inf"),
    "negative": (np.r_[np.ones(5), -1.0, np.ones(N - 6)],
                 r"sample_weight must be >= 0, got sample_weight\[5\] = -1.0"),
    "too short": (np.ones(N - 2), f"sample_weight has {N - 2} entries for {N} samples"),
    "too long": (np.ones(N + 1), f"sample_weight has {N + 1} entries for {N} samples"),
    "2-d": (np.ones((N, 3)), rf"sample_weight must have shape \({N},\).*got shape \({N}, 3\)"),
    "scalar": (2.0, rf"sample_weight must have shape \({N},\)"),
    "strings": (["a"] * N, "sample_weight must contain numbers, got an array of dtype <U1"),
    "complex": (np.ones(N, complex), "sample_weight must contain numbers"),
    "ragged": ([[1.0], [1.0, 2.0]] + [[1.0]] * (N - 2), "sample_weight must be a 1-D array"),
}


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_good_sample_weights_are_accepted(entry):
    """Zeros are allowed, and a column (n, 1) means the same as (n,)."""
    x, y = data()
    w = np.r_[np.zeros(3), np.linspace(0.5, 2, N - 3)]
    flat = build()  # (each build reseeds, and fit shuffles with the seeded generator)
    out_flat = ENTRY_POINTS[entry](flat, x, y, w)
    column = build()
    out_column = ENTRY_POINTS[entry](column, x, y, w.reshape(-1, 1))
    if entry != "fit":
        np.testing.assert_array_equal(out_flat, out_column)
    for a, b in zip(flat.get_weights(), column.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_evaluate_weights_each_sample():
    model = build()
    x, y = data()
    w = np.r_[np.ones(6), np.zeros(6)]
    weighted = model.evaluate(x, y, sample_weight=w, verbose=0, return_dict=True)["loss"]
    first_half = model.evaluate(x[:6], y[:6], verbose=0, return_dict=True)["loss"]
    np.testing.assert_allclose(weighted, first_half / 2, rtol=1e-6)


# -------------------------------------------------------------- class_weight
CLASS_ENTRY_POINTS = {
    "fit": lambda m, x, y, cw: m.fit(x, y, class_weight=cw, epochs=1, verbose=0),
    "train_on_batch": lambda m, x, y, cw: m.train_on_batch(x, y, class_weight=cw),
}

BAD_CLASS_WEIGHTS = {
    "class 3 of 3": ({0: 1.0, 3: 2.0}, r"class_weight has the key 3, which is not a class of y: "
                                       r"the model predicts the classes 0 … 2"),
    "negative class": ({-1: 1.0}, "the key -1, which is not a class"),
    "string key": ({"0": 1.0}, "the key '0', which is not a class"),
    "float key": ({1.5: 1.0}, "the key 1.5, which is not a class"),
    "bool key": ({True: 1.0}, "the key True, which is not a class"),
    "nan weight": ({0: float("nan")}, r"class_weight\[0\] must be a finite number >= 0, got nan"),
    "inf weight": ({1: np.inf}, r"class_weight\[1\] must be a finite number >= 0, got inf"),
    "negative weight": ({2: -0.5}, r"class_weight\[2\] must be a finite number >= 0"),
    "string weight": ({0: "heavy"}, r"class_weight\[0\] must be a finite number >= 0, "
                                    r"got 'heavy'"),
}


#: argument → (its entry points, its bad values with the expected message)
BAD_WEIGHTS = {"sample_weight": (ENTRY_POINTS, BAD_SAMPLE_WEIGHTS),
               "class_weight": (CLASS_ENTRY_POINTS, BAD_CLASS_WEIGHTS)}


@pytest.mark.parametrize("argument, entry, case", [
    (argument, entry, case) for argument, (entries, cases) in BAD_WEIGHTS.items()
    for entry in entries for case in cases])
def test_bad_weights_are_refused_and_change_nothing(argument, entry, case):
    entries, cases = BAD_WEIGHTS[argument]
    bad_weights, message = cases[case]
    model = build()
    x, y = data()
    model.train_on_batch(x, y)
    before = state(model)
    with pytest.raises(ValueError, match=f"{entry}: .*{message}"):
        entries[entry](model, x, y, bad_weights)
    for a, b in zip(before, state(model)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("entry", list(CLASS_ENTRY_POINTS))
def test_class_weight_must_be_a_dict(entry):
    model = build()
    x, y = data()
    with pytest.raises(TypeError, match=f"{entry}: class_weight must be (None or )?a dict"):
        CLASS_ENTRY_POINTS[entry](model, x, y, [1.0, 2.0, 3.0])


def test_class_weight_equals_the_matching_sample_weight():
    x, y = data()
    class_weight = {0: 2.0, 2: 0.25}  # class 1 is left out: weight 1
    by_class = build()
    by_class.fit(x, y, class_weight=class_weight, epochs=2, batch_size=4, verbose=0)
    by_sample = build()
    by_sample.fit(x, y, sample_weight=np.choose(y, [2.0, 1.0, 0.25]), epochs=2,
                  batch_size=4, verbose=0)
    for a, b in zip(by_class.get_weights(), by_sample.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_class_weight_with_one_hot_targets_and_a_sigmoid_output():
    x, y = data()
    model = keras.models.Sequential([keras.layers.Dense(3, activation="softmax",
                                                        input_shape=[4])])
    model.compile(loss="categorical_crossentropy", optimizer="sgd")
    model.train_on_batch(x, np.eye(3)[y], class_weight={1: 3.0})
    binary = build(units=1)
    binary.train_on_batch(x, y % 2, class_weight={0: 1.0, 1: 4.0})
    with pytest.raises(ValueError, match="the key 2, which is not a class of y: the model "
                                         "predicts the classes 0 … 1"):
        binary.train_on_batch(x, y % 2, class_weight={2: 1.0})


def test_class_weight_needs_class_labels_and_one_output():
    x, _ = data()
    regression = keras.models.Sequential([keras.layers.Dense(1, input_shape=[4])])
    regression.compile(loss="mse", optimizer="sgd")
    with pytest.raises(ValueError, match=r"class_weight needs class labels in y, but y\[0\]"):
        regression.fit(x, np.linspace(0.1, 0.9, N), class_weight={0: 1.0}, verbose=0)
    inp = keras.layers.Input(shape=[4])
    two = keras.models.Model(inp, [keras.layers.Dense(2, activation="softmax")(inp),
                                   keras.layers.Dense(1)(inp)])
    two.compile(loss=["sparse_categorical_crossentropy", "mse"], optimizer="sgd")
    with pytest.raises(ValueError, match="class_weight is only supported for models with a "
                                         "single output"):
        two.fit(x, [np.arange(N) % 2, np.zeros(N)], class_weight={0: 1.0}, verbose=0)


def test_the_checks_on_their_own():
    np.testing.assert_array_equal(check_sample_weight(np.array([1, 2], np.int32), 2, "fit"),
                                  [1.0, 2.0])
    assert check_sample_weight(None, 5, "fit") is None
    np.testing.assert_array_equal(
        class_sample_weights({1: 3.0}, np.array([[1, 0], [0, 1]]), 2, "fit"), [1.0, 3.0])
    with pytest.raises(ValueError, match="y has labels from 0 to 4, but the model predicts "
                                         "the classes 0 … 2"):
        class_sample_weights({0: 1.0}, np.array([0, 4]), 3, "fit")
