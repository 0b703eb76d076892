# Exercise 1, planted mistakes.  Each cell replaces the learner cell; the check must
# fail and its message must contain `expect` (see grade.py and docs/teaching.md).
# ruff: noqa: F811
import nnlite as keras


# %% mistake="bias_gradient_averaged" expect="a mean over the batch"
class MyDense(keras.layers.Layer):
    """∂L/∂b averaged over the batch instead of summed."""

    def __init__(self, units: int, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.kernel = self.add_weight("kernel", (input_shape[-1], self.units), "glorot_uniform")
        self.bias = self.add_weight("bias", (self.units,), "zeros")

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        return {**super().get_config(), "units": self.units}

    def forward(self, x, training=False):
        self._cache = x
        return x @ self.kernel.value + self.bias.value

    def backward(self, grad_output):
        x = self._cache
        self.kernel.grad[...] = x.T @ grad_output
        self.bias.grad[...] = grad_output.mean(axis=0)
        return grad_output @ self.kernel.value.T


# %% mistake="kernel_gradient_not_stored" expect="∂L/∂kernel"
class MyDense(keras.layers.Layer):
    """∂L/∂W computed but bound to a new name instead of written into kernel.grad."""

    def __init__(self, units: int, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.kernel = self.add_weight("kernel", (input_shape[-1], self.units), "glorot_uniform")
        self.bias = self.add_weight("bias", (self.units,), "zeros")

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        return {**super().get_config(), "units": self.units}

    def forward(self, x, training=False):
        self._cache = x
        return x @ self.kernel.value + self.bias.value

    def backward(self, grad_output):
        x = self._cache
        self.dW = x.T @ grad_output
        self.bias.grad[...] = grad_output.sum(axis=0)
        return grad_output @ self.kernel.value.T


# %% mistake="input_gradient_wrong_sign" expect="sign flipped"
class MyDense(keras.layers.Layer):
    """∂L/∂x with the wrong sign (a descent step written into the gradient)."""

    def __init__(self, units: int, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.kernel = self.add_weight("kernel", (input_shape[-1], self.units), "glorot_uniform")
        self.bias = self.add_weight("bias", (self.units,), "zeros")

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        return {**super().get_config(), "units": self.units}

    def forward(self, x, training=False):
        self._cache = x
        return x @ self.kernel.value + self.bias.value

    def backward(self, grad_output):
        x = self._cache
        self.kernel.grad[...] = x.T @ grad_output
        self.bias.grad[...] = grad_output.sum(axis=0)
        return -(grad_output @ self.kernel.value.T)
