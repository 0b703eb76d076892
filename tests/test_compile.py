"""compile: every form Keras accepts, messages that name the real cause, and atomicity —
a compile that raises changes nothing (the previous compile stays, save/load still work)."""

from __future__ import annotations

import numpy as np
import pytest

import nnlite as keras

pytestmark = pytest.mark.usefixtures("fresh_seeded_session")


def one_output():
    model = keras.models.Sequential([keras.layers.Dense(4, activation="relu", input_shape=[3]),
                                     keras.layers.Dense(1, name="out")])
    model.compile(loss="mae", optimizer=keras.optimizers.SGD(0.05), metrics=["mse"])
    return model


def two_outputs():
    inp = keras.layers.Input(shape=[3], name="features")
    hidden = keras.layers.Dense(4, activation="relu")(inp)
    main = keras.layers.Dense(1, name="main_output")(hidden)
    aux = keras.layers.Dense(1, name="aux_output")(hidden)
    model = keras.models.Model(inputs=[inp], outputs=[main, aux])
    model.compile(loss=["mse", "mae"], loss_weights=[0.9, 0.1], optimizer="sgd")
    return model


def data(n=20):
    rng = np.random.default_rng(0)
    return rng.normal(size=(n, 3)).astype("float32"), rng.normal(size=(n, 1))


def compile_state(model) -> dict:
    """Everything compile sets, as comparable values."""
    return {"optimizer": model.optimizer, "loss": [type(loss) for loss in model.loss],
            "loss_weights": list(model.loss_weights), "metrics": model.metrics_names,
            "specs": (model._loss_spec, model._metric_spec, model._loss_weight_spec),
            "fused": list(model._fused_outputs), "compiled": model._compiled}


# ------------------------------------------------------- messages, one output
ONE_OUTPUT_BAD = [
    ({"loss": ["mse", "mse"]}, "2 losses given for a model with 1 output (names: ['out'])"),
    ({"loss": ("mse", "mse", "mse")}, "3 losses given for a model with 1 output"),
    ({"loss": "mse", "loss_weights": [0.5, 0.5]},
     "2 loss weights given for a model with 1 output (names: ['out'])"),
    ({"loss": "mse", "metrics": [["mae"], ["mse"]]},
     "2 metric lists given for a model with 1 output (names: ['out'])"),
    ({"loss": {"output": "mse"}}, "['output'], which are not outputs of this model; its "
                                  "output names are ['out']"),
    ({"loss": "mse", "loss_weights": {"dense": 1.0}}, "its output names are ['out']"),
    ({"loss": "mse", "metrics": {"dense": ["mae"]}}, "its output names are ['out']"),
    ({"loss": "nonsense"}, "Unknown loss 'nonsense'"),
    ({"loss": [None]}, "loss of output 'out' is None"),
    ({"loss": "mse", "metrics": ["mae", "nonsense"]}, "Unknown metric 'nonsense'"),
    ({"loss": "mse", "metrics": [42]}, "Could not interpret metric 42"),
    ({"loss": "mse", "loss_weights": ["heavy"]}, "must be a finite number, got 'heavy'"),
    ({"loss": "mse", "loss_weights": float("inf")}, "must be a finite number, got inf"),
    ({"loss": "mse", "optimizer": "nonsense"}, "Unknown optimizer 'nonsense'"),
    ({"loss": "mse", "optimizer": 3}, "Could not interpret optimizer 3"),
]


@pytest.mark.parametrize("kwargs, fragment", ONE_OUTPUT_BAD,
                         ids=[str(k)[:40] for k, _ in ONE_OUTPUT_BAD])
def test_a_failed_compile_names_the_cause_and_changes_nothing(kwargs, fragment, tmp_path):
    model = one_output()
    x, y = data()
    before, loss_before = compile_state(model), model.evaluate(x, y, verbose=0)
    with pytest.raises((ValueError, TypeError)) as info:
        model.compile(**kwargs)
    assert fragment in str(info.value)
    assert compile_state(model) == before
    assert model.evaluate(x, y, verbose=0) == loss_before
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert compile_state(loaded)["specs"] == before["specs"]
    np.testing.assert_allclose(loaded.evaluate(x, y, verbose=0), loss_before, rtol=1e-6)


TWO_OUTPUT_BAD = [
    ({"loss": ["mse"]}, "1 loss given for a model with 2 outputs (names: ['main_output', "
                        "'aux_output'])"),
    ({"loss": "mse", "loss_weights": (1.0, 2.0, 3.0)}, "3 loss weights given for a model "
                                                       "with 2 outputs"),
    ({"loss": "mse", "metrics": [["mae"]]}, "1 metric list given for a model with 2 outputs"),
    ({"loss": {"main_output": "mse"}}, "no entry for output(s) ['aux_output']"),
    ({"loss": {"main_output": "mse", "aux": "mse"}}, "['aux'], which are not outputs"),
    ({"loss": ["mse", "nonsense"]}, "loss of output 'aux_output': Unknown loss"),
    ({"loss": "mse", "loss_weights": {"main_output": "x"}}, "loss_weights['main_output']"),
]


@pytest.mark.parametrize("kwargs, fragment", TWO_OUTPUT_BAD,
                         ids=[str(k)[:40] for k, _ in TWO_OUTPUT_BAD])
def test_two_output_messages_and_atomicity(kwargs, fragment, tmp_path):
    model = two_outputs()
    before = compile_state(model)
    with pytest.raises((ValueError, TypeError)) as info:
        model.compile(optimizer="adam", **kwargs)
    assert fragment in str(info.value)
    assert compile_state(model) == before
    model.save(tmp_path / "m.keras")
    assert keras.models.load_model(tmp_path / "m.keras").loss_weights == [0.9, 0.1]


def test_failed_first_compile_leaves_the_model_uncompiled(tmp_path):
    model = keras.models.Sequential([keras.layers.Dense(1, input_shape=[3])])
    with pytest.raises(ValueError, match="2 losses"):
        model.compile(loss=["mse", "mse"], optimizer="sgd")
    assert not model._compiled and model.optimizer is None
    with pytest.raises(RuntimeError, match="compile"):
        model.fit(*data(), verbose=0)
    model.save(tmp_path / "m.keras")
    with pytest.warns(UserWarning, match="no training configuration"):
        assert not keras.models.load_model(tmp_path / "m.keras")._compiled


def test_a_sequential_model_not_built_yet_is_checked_at_compile():
    model = keras.models.Sequential([keras.layers.Dense(4), keras.layers.Dense(1, name="top")])
    with pytest.raises(ValueError, match=r"2 losses given for a model with 1 output "
                                         r"\(names: \['top'\]\)"):
        model.compile(loss=["mse", "mse"], optimizer="sgd")
    assert not model._compiled
    model.compile(loss={"top": "mse"}, optimizer="sgd", metrics=["mae"])
    history = model.fit(*data(), verbose=0)
    assert set(history.history) == {"loss", "mae", "lr", "learning_rate"}


def test_a_subclassed_model_gets_the_count_error_at_its_first_fit():
    class TwoHeads(keras.models.Model):
        def __init__(self):
            super().__init__()
            self.a, self.b = keras.layers.Dense(1), keras.layers.Dense(1)

        def call(self, inputs):
            return self.a(inputs), self.b(inputs)

    model = TwoHeads()
    model.compile(loss=["mse", "mse", "mse"], optimizer="sgd")  # outputs unknown until built
    x, y = data()
    with pytest.raises(ValueError, match="3 losses given for a model with 2 outputs"):
        model.fit(x, (y, y), verbose=0)
    assert model.optimizer.iterations == 0
    model.compile(loss=("mse", "mse"), optimizer="sgd")
    assert len(model.fit(x, (y, y), verbose=0).epoch) == 1


# --------------------------------------------------------------- accepted forms
def test_tuples_lists_dicts_and_single_entries_give_the_same_model():
    x, y = data()
    model = two_outputs()
    forms = [
        {"loss": ("mse", "mae"), "loss_weights": (0.9, 0.1)},
        {"loss": ["mse", "mae"], "loss_weights": [0.9, 0.1]},
        {"loss": {"aux_output": "mae", "main_output": "mse"},
         "loss_weights": {"main_output": 0.9, "aux_output": 0.1}},
        {"loss": {"main_output": "mse", "aux_output": "mae"},
         "loss_weights": [np.float32(0.9), 0.1]},
    ]
    results = []
    for kwargs in forms:
        model.compile(optimizer="sgd", **kwargs)
        assert model.loss_weights == pytest.approx([0.9, 0.1])
        results.append(model.evaluate(x, (y, y), verbose=0))
    for result in results[1:]:
        np.testing.assert_allclose(result, results[0], rtol=1e-6)
    model.compile(loss="mse", optimizer="sgd", loss_weights={"aux_output": 0.5})
    assert model.loss_weights == [1.0, 0.5]  # a dict may leave weights out: 1.0


def test_tuple_specs_are_saved_as_lists(tmp_path):
    model = two_outputs()
    model.compile(loss=("mse", "mse"), loss_weights=(0.9, np.float64(0.1)),
                  metrics=(("mae",), ("mse",)), optimizer="sgd")
    assert model._loss_spec == ["mse", "mse"] and model._loss_weight_spec == [0.9, 0.1]
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert loaded.metrics_names == model.metrics_names


def test_a_flat_metric_list_applies_to_every_output():
    model = two_outputs()
    model.compile(loss="mse", optimizer="sgd", metrics=["mae", "mse"])
    assert model.metrics_names == ["loss", "main_output_loss", "aux_output_loss",
                                   "main_output_mae", "main_output_mse",
                                   "aux_output_mae", "aux_output_mse"]
    model.compile(loss="mse", optimizer="sgd", metrics=[["mae"], "mse"])
    assert model.metrics_names[3:] == ["main_output_mae", "aux_output_mse"]
    model.compile(loss="mse", optimizer="sgd", metrics={"aux_output": "mae"})
    assert model.metrics_names[3:] == ["aux_output_mae"]


def test_a_good_compile_replaces_the_previous_one():
    model = one_output()
    first = model.optimizer
    model.compile(loss="mse", optimizer="adam", metrics=["mae"])
    assert model.optimizer is not first
    assert model.metrics_names == ["loss", "mae"]
    assert model._loss_spec == "mse"


def test_a_layer_that_cannot_be_added_changes_nothing(tmp_path):
    model = one_output()
    x, y = data()
    before, loss_before = compile_state(model), model.evaluate(x, y, verbose=0)
    with pytest.raises(ValueError, match="Concatenate"):
        model.add(keras.layers.Concatenate())
    assert [layer.name for layer in model.layers] == ["dense", "out"]
    assert compile_state(model) == before
    assert model.evaluate(x, y, verbose=0) == loss_before
    model.save(tmp_path / "m.keras")
    assert len(keras.models.load_model(tmp_path / "m.keras").layers) == 2
