"""Turning saved names back into objects: layer classes and custom objects.

Layer classes are found by name in ``custom_objects``, then in
:mod:`nnlite.layers` when a file is loaded (so every layer exported there
loads without being listed here), by the :data:`LAYERS` registry.
Activations, initializers, regularizers, constraints, losses and
optimizers are saved by name or as ``{"class_name": ..., "config": ...}``
by their own module's ``serialize`` (one
:class:`~nnlite.object_registry.ObjectRegistry` per family); a name the
library does not know must be given in ``custom_objects={"name": obj}``,
and an error names it otherwise.
"""

from __future__ import annotations

from .. import activations
from ..object_registry import ObjectRegistry, build

_PLAIN = (str, int, float, bool, list, tuple, dict, type(None))
#: config keys that hold a plain value even when a custom object has the same name
_NOT_OBJECTS = {"name", "trainable", "batch_input_shape", "dtype"}


def _layer_classes() -> dict[str, type]:
    """Every layer class exported by :mod:`nnlite.layers`, by the name it is exported as."""
    from .. import layers
    from ..layers.base import Layer

    return {name: obj for name, obj in vars(layers).items()
            if isinstance(obj, type) and issubclass(obj, Layer)}


#: layers are found only by class name (no snake_case names) and rebuilt by
#: :func:`deserialize_layer`, which resolves the objects inside their config first
LAYERS = ObjectRegistry("layer class", object, classes=_layer_classes, accepts_functions=False)


def layer_entry(layer) -> dict:
    """``{"class_name": ..., "config": layer.get_config()}`` as Keras writes it."""
    return LAYERS.serialize(layer)


def layer_class(class_name: str, layer_name: str, custom_objects: dict | None) -> type:
    """The class saved as ``class_name``: custom objects first, then ``nnlite.layers``."""
    return LAYERS.class_named(class_name, custom_objects, where=f" (layer {layer_name!r})")


def resolve_value(key: str, value, custom_objects: dict | None):
    """Replace a saved name/config by the object it stands for, when we know it."""
    if key in _NOT_OBJECTS:
        return value
    if custom_objects:
        if isinstance(value, str) and value in custom_objects:
            return custom_objects[value]
        if isinstance(value, dict) and value.get("class_name") in custom_objects:
            return build(custom_objects[value["class_name"]], value.get("config", {}))
    if isinstance(value, str) and (key == "activation" or key.endswith("_activation")):
        return activations.deserialize(value, custom_objects)
    return value


def resolve_config(config: dict, custom_objects: dict | None) -> dict:
    """A layer config with custom objects and special activation names resolved."""
    return {key: resolve_value(key, value, custom_objects) for key, value in config.items()}


def deserialize_layer(entry: dict, custom_objects: dict | None):
    """Build a layer (unbuilt: weights are created at its first call) from its entry."""
    class_name = entry["class_name"]
    config = dict(entry.get("config", {}))
    layer_name = config.get("name", entry.get("name", "?"))
    cls = layer_class(class_name, layer_name, custom_objects)
    try:
        return cls.from_config(resolve_config(config, custom_objects))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"cannot rebuild layer {layer_name!r} ({class_name}): {exc}. If it "
                         "uses your own functions or classes, pass them to load_model with "
                         "custom_objects={'name': obj}; otherwise its saved config is "
                         "corrupt") from None


def live_config(layer) -> dict:
    """``layer.get_config()`` with its live objects (activation, initializers …) kept.

    Used by ``clone_model``: a user function stays that function instead of a
    name that would have to be resolved again.
    """
    config = layer.get_config()
    for key, value in config.items():
        if key in _NOT_OBJECTS or not isinstance(value, (str, dict)):
            continue
        live = getattr(layer, key, None)
        if live is not None and not isinstance(live, _PLAIN):
            config[key] = live
    return config
