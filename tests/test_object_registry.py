"""The one resolver behind every family's get / serialize / deserialize (nnlite.object_registry)."""

import numpy as np
import pytest

import nnlite as keras
from nnlite import activations, constraints, initializers, losses, optimizers, regularizers
from nnlite.object_registry import ObjectRegistry, build
from nnlite.optimizers import schedules
from nnlite.saving.objects import layer_class

# family module, a snake_case name, its class, a config that differs from the defaults
FAMILIES = {
    "initializers": (initializers, "he_normal", initializers.HeNormal, {"seed": 3}),
    "regularizers": (regularizers, "l2", regularizers.L2, {"l2": 0.5}),
    "constraints": (constraints, "max_norm", constraints.MaxNorm, {"max_value": 3.0, "axis": 0}),
    "losses": (losses, "huber", losses.Huber, {"delta": 2.0, "name": "h", "reduction": "sum"}),
    "optimizers": (optimizers, "adam", optimizers.Adam, {"learning_rate": 0.5}),
}
FAMILY_IDS = list(FAMILIES)


def _kind(family: str) -> str:
    return family[:-2] if family == "losses" else family[:-1]


@pytest.mark.parametrize("family", FAMILY_IDS)
def test_string_names_and_class_names_make_new_instances(family):
    module, name, cls, _ = FAMILIES[family]
    for identifier in (name, cls.__name__):
        first, second = module.get(identifier), module.get(identifier)
        assert type(first) is cls and first is not second


@pytest.mark.parametrize("family", FAMILY_IDS)
def test_an_instance_is_returned_as_it_is(family):
    module, _, cls, config = FAMILIES[family]
    obj = cls(**config)
    assert module.get(obj) is obj


@pytest.mark.parametrize("family", FAMILY_IDS)
def test_serialize_then_deserialize_and_get_of_the_dict(family):
    module, _, cls, config = FAMILIES[family]
    saved = module.serialize(cls(**config))
    assert saved["class_name"] == cls.__name__
    for back in (module.deserialize(saved), module.get(saved)):
        assert type(back) is cls and module.serialize(back) == saved


@pytest.mark.parametrize("family", FAMILY_IDS)
def test_custom_objects_come_first(family):
    module, _, cls, config = FAMILIES[family]

    class Mine(cls):
        pass

    saved = {"class_name": cls.__name__, "config": config}
    assert type(module.deserialize(saved, custom_objects={cls.__name__: Mine})) is Mine
    assert type(module.deserialize(saved)) is cls


@pytest.mark.parametrize("family", FAMILY_IDS)
def test_unknown_names_list_the_known_ones(family):
    module, name, _, _ = FAMILIES[family]
    kind = _kind(family)
    with pytest.raises(ValueError, match=rf"Unknown {kind} 'nope'; known: \[.*'{name}'"):
        module.get("nope")
    with pytest.raises(ValueError, match=rf"Unknown {kind} 'Nope': pass it with "
                                         r"custom_objects=\{'Nope': Nope\}"):
        module.deserialize({"class_name": "Nope", "config": {}})


@pytest.mark.parametrize("family", FAMILY_IDS)
def test_what_cannot_be_an_object_is_a_type_error(family):
    module = FAMILIES[family][0]
    with pytest.raises(TypeError, match=f"Could not interpret {_kind(family)} 5"):
        module.get(5)


def test_none_where_keras_allows_it():
    assert regularizers.get(None) is None and constraints.get(None) is None
    assert regularizers.serialize(None) is None and constraints.deserialize(None) is None
    assert activations.get(None) is activations.linear
    for module in (initializers, losses, optimizers):
        with pytest.raises(TypeError, match="Could not interpret"):
            module.get(None)


def test_a_class_of_the_family_gives_an_instance_but_not_for_optimizers():
    assert type(initializers.get(initializers.HeNormal)) is initializers.HeNormal
    assert type(regularizers.get(regularizers.L1)) is regularizers.L1
    assert type(constraints.get(constraints.NonNeg)) is constraints.NonNeg
    assert type(losses.get(losses.Huber)) is losses.Huber
    with pytest.raises(TypeError, match="Could not interpret optimizer"):
        optimizers.get(optimizers.Adam)  # as Keras


def test_case_rules():
    assert type(initializers.get("He_Normal")) is initializers.HeNormal
    assert type(optimizers.get("RmsProp")) is optimizers.RMSprop
    assert type(losses.get("MSE")) is losses.MeanSquaredError
    with pytest.raises(ValueError, match="Unknown loss 'Mse'"):
        losses.get("Mse")  # losses match exactly, as tf.keras
    with pytest.raises(ValueError, match="Unknown initializer 'heNormal'"):
        initializers.get("heNormal")  # class names match exactly


def test_user_functions_are_wrapped_and_saved_by_name():
    def my_init(shape, dtype=None):
        return np.full(shape, 2.0)

    def my_reg(w):
        return 0.0

    def my_constraint(w):
        return w

    def my_loss(y_true, y_pred):
        return (y_true - y_pred) ** 2

    init = initializers.get(my_init)
    assert init((2, 2)).tolist() == [[2.0, 2.0], [2.0, 2.0]]
    assert constraints.get(my_constraint) is my_constraint  # used as it is
    for module, fn in ((initializers, my_init), (regularizers, my_reg),
                       (constraints, my_constraint), (losses, my_loss)):
        saved = module.serialize(module.get(fn))
        assert saved == {"class_name": fn.__name__, "config": {}}
        with pytest.raises(ValueError, match=f"'{fn.__name__}'.*custom_objects"):
            module.deserialize(saved)
        assert module.serialize(module.deserialize(saved, {fn.__name__: fn})) == saved
    with pytest.raises(TypeError, match="Could not interpret optimizer"):
        optimizers.get(my_loss)


def test_family_hooks():
    assert regularizers.get("l1_l2").get_config() == {"l1": 0.01, "l2": 0.01}  # tf.keras 2
    assert type(losses.get(losses.mse)) is losses.MeanSquaredError
    assert losses.deserialize(losses.serialize(losses.mse)).name == "mean_squared_error"
    assert activations.get("leaky_relu:0.3").alpha == 0.3
    assert activations.serialize(activations.leaky_relu.with_alpha(0.3)) == "leaky_relu:0.3"
    assert activations.get("gelu:approximate").approximate
    assert activations.serialize(keras.layers.LeakyReLU(alpha=0.1)) == "leaky_relu:0.1"
    with pytest.warns(DeprecationWarning, match="`lr` argument is deprecated"):
        sgd = optimizers.get({"class_name": "SGD", "config": {"lr": 0.5}})  # tf.keras 2's lr
    assert sgd.learning_rate == 0.5


def test_activations_by_name_custom_objects_and_registration():
    def twice(z):
        return 2 * z

    assert activations.get("ReLU") is activations.relu  # a name stands for a shared function
    assert activations.deserialize("twice", {"twice": twice}).fn is twice
    with pytest.raises(ValueError, match=r"Unknown activation 'twice'; known: \[.*\] "
                                         r"\(or pass a callable\)"):
        activations.get("twice")
    with pytest.raises(TypeError, match="Could not interpret activation"):
        activations.get({"class_name": "relu", "config": {}})
    registry = activations.ACTIVATIONS
    try:
        activations.register(twice)
        assert activations.get("twice").fn is twice
    finally:
        del registry.names["twice"]


def test_optimizer_register_adds_names():
    class MySGD(optimizers.SGD):
        pass

    try:
        optimizers.register(MySGD, "my_sgd")
        assert type(optimizers.get("mysgd")) is MySGD and type(optimizers.get("MY_SGD")) is MySGD
        assert type(optimizers.deserialize({"class_name": "MySGD", "config": {}})) is MySGD
    finally:
        del optimizers.OPTIMIZERS.names["mysgd"], optimizers.OPTIMIZERS.names["my_sgd"]


def test_schedules_and_metrics_and_layer_classes():
    decay = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    assert schedules.deserialize(schedules.serialize(decay)).get_config() == decay.get_config()
    with pytest.raises(ValueError, match="Unknown learning-rate schedule 'Nope'"):
        schedules.deserialize({"class_name": "Nope", "config": {}})
    auc = keras.metrics.AUC(name="roc")
    assert keras.metrics.deserialize(keras.metrics.serialize(auc)).name == "roc"
    with pytest.raises(ValueError, match=r"Unknown metric class 'Nope': pass it with"):
        keras.metrics.deserialize({"class_name": "Nope", "config": {}})
    assert layer_class("Dense", "d", None) is keras.layers.Dense
    assert layer_class("Dense", "d", {"Dense": int}) is int
    with pytest.raises(ValueError, match=r"Unknown layer class 'Nope' \(layer 'd'\): pass it"):
        layer_class("Nope", "d", None)


def test_a_registry_of_its_own():
    class Shape:
        def get_config(self):
            return {}

    class Square(Shape):
        def __init__(self, side=1):
            self.side = side

        def get_config(self):
            return {"side": self.side}

    shapes = ObjectRegistry("shape", Shape, classes=[Square], names={"square": Square},
                            accepts_functions=False)
    assert shapes.known_names() == ["square"]
    assert type(shapes.get("SQUARE")) is Square
    assert shapes.get({"class_name": "Square", "config": {"side": 3}}).side == 3
    assert shapes.serialize(Square(2)) == {"class_name": "Square", "config": {"side": 2}}
    with pytest.raises(TypeError, match="Could not serialize shape 5"):
        shapes.serialize(5)
    assert build(Square, {"side": 4}).side == 4 and build(len, {}) is len
