# Exercise 1, planted mistakes: each cell edits solutions/01_dense_layer.py
# (see docs/teaching.md); the check must fail, its message containing `expect`.


# %% mistake="bias_gradient_averaged" expect="a mean over the batch"
# ∂L/∂b averaged over the batch instead of summed.
# replace: self.bias.grad[...] = grad_output.sum(axis=0)
# with:    self.bias.grad[...] = grad_output.mean(axis=0)


# %% mistake="kernel_gradient_not_stored" expect="∂L/∂kernel"
# ∂L/∂W computed but bound to a new name instead of written into kernel.grad.
# replace: self.kernel.grad[...] = x.T @ grad_output
# with:    self.dW = x.T @ grad_output


# %% mistake="input_gradient_wrong_sign" expect="sign flipped"
# ∂L/∂x with the wrong sign (a descent step written into the gradient).
# replace: return grad_output @ self.kernel.value.T
# with:    return -(grad_output @ self.kernel.value.T)
