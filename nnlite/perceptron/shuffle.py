"""The visiting order of scikit-learn's perceptron, reproduced exactly."""

from __future__ import annotations

import numpy as np


def sklearn_permutation(n: int, seed: int) -> np.ndarray:
    """The permutation scikit-learn's ``SequentialDataset.shuffle(seed)`` applies.

    scikit-learn shuffles with Fisher-Yates driven by a 32-bit xorshift
    generator (``sklearn.utils._random.our_rand_r``).  It passes the *same*
    seed at every epoch and shuffles the current order in place, so epoch
    ``e`` visits the samples in the order ``perm`` composed ``e`` times.
    """
    order = np.arange(n)
    state = (int(seed) & 0xFFFFFFFF) or 1  # a zero state is replaced by 1
    for i in range(n - 1):
        state ^= (state << 13) & 0xFFFFFFFF
        state ^= state >> 17
        state ^= (state << 5) & 0xFFFFFFFF
        j = i + (state % 2**31) % (n - i)
        order[i], order[j] = order[j], order[i]
    return order
