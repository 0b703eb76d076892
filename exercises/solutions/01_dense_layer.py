"""Exercise 1, solution: the learner cell filled in."""

import nnlite as keras


class MyDense(keras.layers.Layer):
    """z = xW + b for a batch x of shape (n, d_in); no activation."""

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
        return grad_output @ self.kernel.value.T
