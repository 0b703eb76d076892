# Exercise 5, planted mistakes: each cell edits solutions/05_inverted_dropout.py
# (see docs/teaching.md); the check must fail, its message containing `expect`.


# %% mistake="no_inverted_scaling" expect="1/(1"
# Plain dropout: the kept inputs are not scaled by 1/(1 − p).
# replace: return 1.0 / (1.0 - rate) if rate < 1.0 else 0.0
# with:    return 1.0


# %% mistake="scaled_by_keep_probability" expect="constant factor"
# Multiplied by (1 − p) — the test-time rule of the original paper — instead of divided
# by it.
# replace: return 1.0 / (1.0 - rate) if rate < 1.0 else 0.0
# with:    return 1.0 - rate


# %% mistake="backward_without_mask" expect="a mask"
# The gradient also flows to the dropped units: the mask is forgotten.
# replace: (dy * mask * _scale(rate))
# with:    (dy * _scale(rate))
