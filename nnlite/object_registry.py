"""One table per family (initializers, losses, optimizers …) that turns identifiers into objects.

Every Keras family module has the same three functions, and nnlite's are
thin bindings of one :class:`ObjectRegistry` per family::

    keras.initializers.get("he_normal")        # a name      -> HeNormal()
    keras.initializers.get("HeNormal")         # class name  -> HeNormal()
    keras.initializers.get(HeNormal)           # a class     -> HeNormal()
    keras.initializers.get(HeNormal(seed=1))   # an object   -> that object
    keras.initializers.get({"class_name": "HeNormal", "config": {"seed": 1}})
    keras.initializers.get(my_function)        # a function  -> wrapped (families that take one)
    keras.initializers.serialize(HeNormal(seed=1))
    # -> {"class_name": "HeNormal", "config": {"seed": 1}}
    keras.initializers.deserialize(that_dict, custom_objects={"MyInit": MyInit})

As in Keras (``keras.saving.deserialize_keras_object``), a name in
``custom_objects`` wins over the library's own, a class is rebuilt with
``cls.from_config(config)``, and an unknown name raises a ``ValueError``
that lists the names the family knows.  A family whose Keras behaviour
differs (activations are saved as plain strings, the string ``"l1_l2"`` uses
``l1_l2()``'s defaults, loss functions such as ``keras.losses.mse``) overrides
one method of a small subclass in its own module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any


def build(obj: Any, config: Mapping) -> Any:
    """A class rebuilt from its saved config (``from_config`` when it has one, else the
    constructor); anything else (a function, an object) is returned as it is."""
    if not isinstance(obj, type):
        return obj
    from_config = getattr(obj, "from_config", None)
    return from_config(dict(config)) if from_config is not None else obj(**config)


class ObjectRegistry:
    """The classes and names of one family, resolved as ``keras.<family>.get`` does.

    ``kind``
        the family's noun in messages (``"initializer"``, ``"layer class"``).
    ``base``
        the family's base class (or a tuple): its instances are returned as they are.
    ``classes``
        the classes, found by their CamelCase name, exact case (``"HeNormal"``);
        a function returning them is called at each lookup (layers: everything
        exported by :mod:`nnlite.layers`, found after it is imported).
    ``names``
        snake_case names and aliases (``"he_normal"``, ``"xavier_uniform"``), each
        standing for a class (a new instance is made for each lookup) or for a shared
        object (activation functions).  ``register`` adds more.
    ``ignore_case``
        match ``names`` whatever the case (``"He_Normal"``); losses match exactly
        (``"mse"`` and ``"MSE"`` are both listed).
    ``allow_none``
        ``get(None)``, ``serialize(None)`` and ``deserialize(None)`` return None
        (regularizers, constraints: an optional argument).
    ``wrap_function``
        the class that turns a user function into a family object
        (``_FunctionInitializer``), or None to use the function as it is.
    ``accepts_functions``
        False for families that take neither functions nor classes (optimizers,
        as in Keras).
    """

    def __init__(self, kind: str, base: type | tuple[type, ...],
                 classes: Iterable[type] | Callable[[], Mapping[str, type]] = (),
                 names: Mapping[str, Any] | None = None, *, ignore_case: bool = True,
                 allow_none: bool = False, wrap_function: Callable | None = None,
                 accepts_functions: bool = True):
        self.kind, self.base = kind, base
        self._classes = classes if callable(classes) else {c.__name__: c for c in classes}
        self.ignore_case = ignore_case
        self.names: dict[str, Any] = {}
        for name, entry in (names or {}).items():
            self.register(entry, name)
        self.allow_none = allow_none
        self.wrap_function = wrap_function
        self.accepts_functions = accepts_functions

    # --- the tables -------------------------------------------------------------------

    @property
    def classes(self) -> Mapping[str, type]:
        """CamelCase class name -> class."""
        return self._classes() if callable(self._classes) else self._classes

    def register(self, entry: Any, *names: str) -> Any:
        """Make ``entry`` (a class or a shared object) resolvable under ``names``
        (default: its ``__name__``); a registered name replaces a built-in one."""
        for name in names or (entry.__name__,):
            self.names[self._key(name)] = entry
        return entry

    def _key(self, name: str) -> str:
        return name.lower() if self.ignore_case else name

    def known_names(self) -> list[str]:
        """The snake_case names, for messages."""
        return sorted(name for name in self.names if name.islower())

    def lookup(self, name: str) -> Any | None:
        """The class (CamelCase name, exact case) or entry (snake_case name) called
        ``name``, or None."""
        found = self.classes.get(name)
        return found if found is not None else self.names.get(self._key(name))

    def class_named(self, class_name: str, custom_objects: Mapping | None = None,
                    where: str = "") -> Any:
        """The class a saved ``"class_name"`` stands for: ``custom_objects`` first, then
        the family's classes (by class name, or a snake_case name standing for a class).

        ``where`` adds context to the error (``" (layer 'hidden')"``).
        """
        if custom_objects and class_name in custom_objects:
            return custom_objects[class_name]
        found = self.lookup(class_name)
        if isinstance(found, type):
            return found
        raise ValueError(f"Unknown {self.kind} {class_name!r}{where}: pass it with "
                         f"custom_objects={{{class_name!r}: {class_name}}}")

    # --- get / serialize / deserialize ------------------------------------------------

    def get(self, identifier: Any) -> Any:
        """The object an identifier stands for (see the module docstring)."""
        if identifier is None and self.allow_none:
            return None
        if isinstance(identifier, self.base):
            return identifier
        if isinstance(identifier, str):
            return self.from_string(identifier)
        if isinstance(identifier, Mapping):
            return self.deserialize(identifier)
        return self.from_other(identifier)

    def from_string(self, name: str) -> Any:
        """A new instance for a class's name, the shared object for an object's name."""
        entry = self.lookup(name)
        if entry is None:
            hint = " (or pass a callable)" if self.accepts_functions else ""
            raise ValueError(f"Unknown {self.kind} {name!r}; known: "
                             f"{self.known_names()}{hint}")
        return entry() if isinstance(entry, type) else self.get(entry)

    def from_other(self, identifier: Any) -> Any:
        """A class of the family -> a new instance; a function -> wrapped (or itself)."""
        if self.accepts_functions and isinstance(identifier, type) and \
                issubclass(identifier, self.base):
            return identifier()
        if self.accepts_functions and callable(identifier):
            return identifier if self.wrap_function is None else self.wrap_function(identifier)
        raise TypeError(f"Could not interpret {self.kind} {identifier!r}")

    def serialize(self, obj: Any) -> dict | None:
        """``{"class_name": ..., "config": obj.get_config()}`` as Keras writes it; a user
        function is saved by its name (``{"class_name": "my_init", "config": {}}``)."""
        if obj is None and self.allow_none:
            return None
        if self._is_function(obj):
            return {"class_name": getattr(obj, "__name__", "custom"), "config": {}}
        if not isinstance(obj, self.base):
            raise TypeError(f"Could not serialize {self.kind} {obj!r}")
        return {"class_name": type(obj).__name__, "config": obj.get_config()}

    def _is_function(self, obj: Any) -> bool:
        """A user function, bare or wrapped by ``wrap_function``."""
        if isinstance(self.wrap_function, type) and isinstance(obj, self.wrap_function):
            return True
        return self.accepts_functions and callable(obj) and not isinstance(obj, self.base) \
            and not isinstance(obj, type)

    def deserialize(self, config: Any, custom_objects: Mapping | None = None) -> Any:
        """The object a :meth:`serialize` dict (or a name) describes; names in
        ``custom_objects`` are looked up first."""
        if config is None and self.allow_none:
            return None
        if isinstance(config, str):
            if custom_objects and config in custom_objects:
                return self.get(custom_objects[config])
            return self.get(config)
        found = self.class_named(config["class_name"], custom_objects)
        if not isinstance(found, type):  # a custom function or object
            return self.get(found)
        return build(found, config.get("config", {}))

    def __repr__(self) -> str:
        return f"<ObjectRegistry of {self.kind}s: {len(self.classes)} classes>"
