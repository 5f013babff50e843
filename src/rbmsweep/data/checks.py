"""Argument checks shared by the data samplers and loaders: clear errors that name the argument."""

import math
import numbers

import numpy as np


def check_int(name, value, minimum, maximum=None):
    """An int (integral floats such as 1e4 are accepted), within [minimum, maximum]."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if not isinstance(value, numbers.Integral):
        if not (math.isfinite(value) and float(value).is_integer()):
            raise ValueError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if value < minimum or (maximum is not None and value > maximum):
        allowed = f">= {minimum}" if maximum is None else f"in {minimum}..{maximum}"
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return value


def check_beta(beta):
    if isinstance(beta, (bool, np.bool_)) or not isinstance(beta, numbers.Real):
        raise ValueError(f"beta must be a real number, got {beta!r}")
    beta = float(beta)
    if not math.isfinite(beta):
        raise ValueError(f"beta must be finite, got {beta!r}")
    return beta


def check_seed(seed):
    if isinstance(seed, (tuple, list)):
        return tuple(check_int("seed", s, 0) for s in seed)
    return check_int("seed", seed, 0)
