"""``x``, ``y`` and sample weights as the checked arrays a model step works on.

Every public entry point (``fit``, ``evaluate``, ``predict``, the
``*_on_batch`` methods, ``compute_gradients``, ``model(x)``) turns its
arguments into one float array per input and one target array per output
here, so a wrong count, shape, label or weight raises a ValueError naming the
argument before any layer runs.
"""

from __future__ import annotations

import numpy as np

from .. import backend
from .. import losses as losses_module
from . import data as data_utils
from . import data_adapters
from .sample_weights import check_sample_weight, class_sample_weights


class DataPreparation:
    """Input, target and weight checks of :class:`~nnlite.models.Model` (a mixin)."""

    def _prepare_x(self, x, where: str) -> list[np.ndarray]:
        """``x`` as one float array per model input: counted, converted and shape-checked."""
        names = [t.name for t in self.inputs] if self._plan is not None else \
            self._input_names_before_build(x)
        arrays = data_utils.as_list(x, names, "x", where)
        data_utils.check_count(arrays, names, "x", where)
        xs = data_utils.to_float_inputs(arrays, names, where)
        self._ensure_built(xs)
        self.check_inputs(xs)
        return xs

    def _input_names_before_build(self, x) -> list[str]:
        """Names for the inputs of a subclassed model not built yet: one per array of ``x``."""
        count = len(x) if data_utils.is_array_list(x, several=False) else 1
        return [f"input_{k + 1}" for k in range(count)]

    def _prepare_y(self, y, xs, where: str) -> list[np.ndarray]:
        """``y`` as one target array per output, checked against its loss and against ``x``."""
        if y is None:
            raise ValueError(f"{where}: y (the targets) is required")
        names = self.output_names
        targets = data_utils.as_list(y, names, "y", where)
        data_utils.check_count(targets, names, "y", where)
        targets = [self._target_array(target, data_utils.label("y", k, names), where)
                   for k, target in enumerate(targets)]
        input_names = [t.name for t in self.inputs]
        data_utils.check_sample_counts(
            [(data_utils.label("x", k, input_names), a) for k, a in enumerate(xs)]
            + [(data_utils.label("y", k, names), a) for k, a in enumerate(targets)], where)
        return [self._checked_target(target, k, data_utils.label("y", k, names), where)
                for k, target in enumerate(targets)]

    @staticmethod
    def _target_array(target, name: str, where: str) -> np.ndarray:
        target = data_utils.to_array(target, name, where)
        if target.ndim == 0 or target.dtype == object:
            raise ValueError(f"{where}: {name} (the targets) must be an array of one value per "
                             f"sample, got {target!r:.60}")
        return target

    def _checked_target(self, target: np.ndarray, k: int, name: str, where: str) -> np.ndarray:
        """Output ``k``'s targets as its loss checks them (shape, labels), in floatx."""
        loss, tensor = self.loss[k], self.outputs[k]
        checked = loss.check_targets(target, (len(target),) + tuple(tensor.shape[1:]))
        if np.issubdtype(checked.dtype, np.floating) or checked.dtype == bool:
            checked = checked.astype(backend.floatx(), copy=False)
            if not np.isfinite(checked).all():
                raise ValueError(f"{where}: {name} (the targets) contains NaN or inf")
        elif not isinstance(loss, losses_module.SparseCategoricalCrossentropy):
            checked = checked.astype(backend.floatx())
        return checked

    def _sample_weights(self, sample_weight, class_weight, ys, n, where: str = "fit"):
        """Each sample's weight, ``sample_weight`` × its class's weight (both checked), or None."""
        w = check_sample_weight(sample_weight, n, where)
        if class_weight is None:
            return w
        if self._multi_output:
            raise ValueError(f"{where}: class_weight is only supported for models with a "
                             "single output (as in Keras); pass sample_weight instead")
        units = self.outputs[0].shape[-1] if len(self.outputs[0].shape) > 1 else 1
        n_classes = units if units is not None and units > 1 else 2  # one sigmoid unit: 0/1
        by_class = class_sample_weights(class_weight, ys[0], n_classes, where)
        return by_class if w is None else w * by_class

    def _prepare_training(self, class_weight):
        """``prepare(x, y, sample_weight, where)`` for fit's data (whole arrays or a batch)."""
        def prepare(x, y, sample_weight, where):
            xs = self._compiled_inputs(x, where, "training")
            self._check_trainable_changed(stacklevel=6)  # the user's fit(), for arrays
            ys = self._prepare_y(y, xs, where)
            return xs, ys, self._sample_weights(sample_weight, class_weight, ys, len(xs[0]),
                                                where)
        return prepare

    def _prepare_evaluation(self, x, y, sample_weight, where: str):
        """``x``, ``y`` and ``sample_weight`` checked for evaluation (a ``prepare`` function)."""
        xs = self._compiled_inputs(x, where, "evaluating")
        ys = self._prepare_y(y, xs, where)
        return xs, ys, check_sample_weight(sample_weight, len(xs[0]), where)

    def _prepare_prediction(self, x, y, sample_weight, where: str):
        """``x`` checked for prediction (a ``prepare`` function; targets are ignored)."""
        return self._prepare_x(x, where), None, None

    def _fit_adapters(self, x, y, sample_weight, class_weight, batch_size: int, shuffle: bool,
                      split: float, validation_data, validation_batch_size: int):
        """The training data and the validation data (or None) as data adapters.

        ``validation_data`` (checked like ``x`` and ``y``) wins over
        ``validation_split``, as in Keras; a split takes the *last* samples.
        """
        prepare = self._prepare_training(class_weight)
        train = data_adapters.make_adapter(x, y, sample_weight, batch_size=batch_size,
                                           shuffle=shuffle, prepare=prepare, where="fit",
                                           min_batch=self._smallest_training_batch)
        if validation_data is not None:
            if data_adapters.is_batch_source(validation_data):
                vx, vy, vw = validation_data, None, None
            else:
                vx, vy, vw = data_adapters.unpack_batch(validation_data, "fit(validation_data)")
            return train, data_adapters.make_adapter(
                vx, vy, vw, batch_size=validation_batch_size, shuffle=False,
                prepare=self._prepare_evaluation, where="fit(validation_data)")
        if split:
            return train.split(split, validation_batch_size)
        return train, None
