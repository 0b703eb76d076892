"""A model's architecture as JSON-ready data, and the model rebuilt from it.

Sequential models (as Keras)::

    {"name": "sequential", "layers": [{"class_name": "Dense", "config": {...}}, ...],
     "build_input_shape": [null, 28, 28]}

Functional models: every layer with the names of the layers whose outputs
it is called on (``inbound_layers``; ``call_with_list`` when it was called
on a list, as ``Concatenate``), then the names of the input and output
layers::

    {"name": "model", "layers": [{"name": "input_1", "class_name": "InputLayer",
      "config": {...}, "inbound_layers": []}, ...],
     "input_layers": ["input_1"], "output_layers": ["dense_2"],
     "multi_input": false, "multi_output": false}
"""

from __future__ import annotations

from .objects import deserialize_layer, layer_entry


def _base_class(model) -> str:
    from ..models.model import Model
    from ..models.sequential import Sequential

    if isinstance(model, Sequential):
        return "Sequential"
    if type(model).call is not Model.call and not model.built:
        raise NotImplementedError(
            f"Model {model.name!r} is a subclassed model (it overrides call()) and has not "
            "been built, so its architecture cannot be saved; use save_weights()")
    return "Model"


def model_config(model) -> dict:
    """The architecture of ``model`` (``model.get_config()``)."""
    if _base_class(model) == "Sequential":
        config = {"name": model.name, "layers": [layer_entry(layer) for layer in model.layers]}
        if model._input_tensor is not None:
            config["build_input_shape"] = list(model._input_tensor.shape)
        return config
    return _functional_config(model)


def _functional_config(model) -> dict:
    names = [layer.name for layer in model.layers]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"Model {model.name!r}: layer names must be unique to save the "
                         f"architecture, but {duplicates} are used more than once; give the "
                         "layers distinct name= arguments")
    producer = model.tensor_producers()
    calls = {id(layer): (in_ids, multi) for layer, in_ids, _, multi in model._plan}
    layers = []
    for layer in model.layers:
        entry = {"name": layer.name, **layer_entry(layer), "inbound_layers": []}
        if id(layer) in calls:
            in_ids, multi = calls[id(layer)]
            entry["inbound_layers"] = [producer[i] for i in in_ids]
            entry["call_with_list"] = bool(multi)
        layers.append(entry)
    return {"name": model.name, "layers": layers,
            "input_layers": [producer[t.id] for t in model.inputs],
            "output_layers": [producer[t.id] for t in model.outputs],
            "multi_input": model._multi_input, "multi_output": model._multi_output}


def model_from_config(config: dict, custom_objects: dict | None = None, watch=None):
    """Rebuild a model (fresh weights) from ``{"class_name": ..., "config": ...}``.

    Accepts also a bare Sequential/functional config as returned by
    ``model.get_config()`` (the kind is guessed from its keys).  ``watch``,
    if given, is called with each layer after it is made from its config and
    before it is built (``load_model`` uses it to create the weights from
    the file's arrays).
    """
    if "class_name" in config and "config" in config:
        class_name, inner = config["class_name"], config["config"]
    else:
        class_name, inner = ("Model" if "input_layers" in config else "Sequential"), config
    base = config.get("base", class_name)
    cls = (custom_objects or {}).get(class_name)
    if base == "Sequential" or class_name == "Sequential":
        return _sequential_from_config(inner, custom_objects, cls, watch)
    return _functional_from_config(inner, custom_objects, cls, watch)


def _make_layer(entry: dict, custom_objects, watch):
    layer = deserialize_layer(entry, custom_objects)
    if watch is not None:
        watch(layer)
    return layer


def _sequential_from_config(config: dict, custom_objects, cls=None, watch=None):
    from ..layers.input_layer import InputLayer
    from ..models.sequential import Sequential

    cls = cls if isinstance(cls, type) and issubclass(cls, Sequential) else Sequential
    model = cls(name=config.get("name"))
    shape = config.get("build_input_shape")
    if shape is not None and not config["layers"]:
        model.add(InputLayer(batch_input_shape=tuple(shape)))
    for i, entry in enumerate(config["layers"]):
        layer = _make_layer(entry, custom_objects, watch)  # then built by add: one at a time
        if i == 0 and shape is not None and layer._batch_input_shape is None:
            model.add(InputLayer(batch_input_shape=tuple(shape)))
        model.add(layer)
    return model


def _functional_from_config(config: dict, custom_objects, cls=None, watch=None):
    from ..layers.input_layer import InputLayer
    from ..models.model import Model

    cls = cls if isinstance(cls, type) and issubclass(cls, Model) else Model
    outputs_of: dict = {}
    for entry in config["layers"]:
        layer = _make_layer(entry, custom_objects, watch)
        if isinstance(layer, InputLayer):
            outputs_of[entry["name"]] = layer.output
            continue
        missing = [n for n in entry["inbound_layers"] if n not in outputs_of]
        if missing:
            raise ValueError(f"layer {entry['name']!r} reads {missing}, which are not "
                             "defined before it in the saved graph")
        inputs = [outputs_of[n] for n in entry["inbound_layers"]]
        outputs_of[entry["name"]] = layer(inputs if entry.get("call_with_list") else inputs[0])
    inputs = [outputs_of[n] for n in config["input_layers"]]
    outputs = [outputs_of[n] for n in config["output_layers"]]
    return cls(inputs=inputs if config.get("multi_input") else inputs[0],
               outputs=outputs if config.get("multi_output") else outputs[0],
               name=config.get("name"))
