# Exercise 2, planted mistakes: each cell edits solutions/02_activation_derivatives.py
# (see docs/teaching.md); the check must fail, its message containing `expect`.


# %% mistake="derivative_from_z_formula_applied_to_a" expect="activation_backward:elu"
# φ'(z) = α e^z for z ≤ 0, evaluated at a instead of z.
# replace: grad = delta * np.where(a > 0, 1.0, a + alpha)
# with:    grad = delta * np.where(a > 0, 1.0, alpha * np.exp(a))
# replace: grad = delta * np.where(a > 0, scale, a + scale * selu_alpha)
# with:    grad = delta * np.where(a > 0, scale, scale * selu_alpha * np.exp(a))


# %% mistake="relu_derivative_one_at_zero" expect="a mask or a condition"
# ReLU's φ' taken as 1[a ≥ 0]: every unit with z ≤ 0 (a = 0) still gets gradient.
# replace: grad = delta * (a > 0)
# with:    grad = delta * (a >= 0)


# %% mistake="selu_without_lambda" expect="scale λ"
# SELU's scale λ forgotten: plain ELU with SELU's α.
# replace: a = scale * np.where(z > 0, z, selu_alpha * np.expm1(np.minimum(z, 0)))
# with:    a = np.where(z > 0, z, selu_alpha * np.expm1(np.minimum(z, 0)))
