# Exercise 4, planted mistakes: each cell edits solutions/04_batch_norm.py
# (see docs/teaching.md); the check must fail, its message containing `expect`.


# %% mistake="epsilon_forgotten" expect="without ε"
# 1/√σ²: no ε (a constant feature divides by zero).
# replace: inv_std = 1.0 / np.sqrt(var + eps)
# with:    inv_std = 1.0 / np.sqrt(var)


# %% mistake="unbiased_variance" expect="divided by N − 1"
# σ² divided by N − 1 (np.var(ddof=1), pandas' default) instead of N.
# replace: var = ((x - mean) ** 2).mean(axis=0)
# with:    var = x.var(axis=0, ddof=1)


# %% mistake="statistics_treated_as_constants" expect="treated as constants"
# ∂x = γ δ / σ: the chain rule as if μ and σ did not depend on x.
# replace: dx = gamma * inv_std / n * (n * dy - dbeta - xhat * dgamma)
# with:    dx = gamma * inv_std * dy
