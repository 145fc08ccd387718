"""Small numpy helpers shared by the generators."""

from __future__ import annotations

import numpy as np


def run_starts(sorted_keys: np.ndarray) -> np.ndarray:
    """Boolean mask of the first element of each run of equal values.

    >>> run_starts(np.array([3, 3, 5, 7, 7])).tolist()
    [True, False, True, True, False]
    >>> run_starts(np.array([], dtype=int)).tolist()
    []
    """
    mask = np.ones(len(sorted_keys), dtype=bool)
    if len(sorted_keys) > 1:
        mask[1:] = sorted_keys[1:] != sorted_keys[:-1]
    return mask
