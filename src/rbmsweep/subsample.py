"""The log-likelihood on a subsample, with its standard error (docs/physics.md §18).

``train(log_likelihood_samples=k)`` (config key ``train.log_likelihood_samples``) evaluates the
exact per-configuration log-likelihood log P(v) = −F(v) − log Z at the snapshots on k of the n
configurations only: a simple random sample without replacement, drawn once per run from its
seed (the same configurations at every snapshot, so the curve's changes are the model's, not
the sample's).  The estimate of the mean over all n is the subsample's mean, and its standard
error that of a simple random sample (with the finite-population correction):

    SE = sqrt((1 − k/n) s² / k),    s² = Σ (x_j − x̄)² / (k − 1),

zero when k = n (then the estimate is the exact mean).
"""

import numpy as np

#: random stream of a run's subsample (rbmsweep.rbm's STREAM_* numbering continues here)
STREAM_SUBSAMPLE = 10


def subsample_rows(n_rows, size, seed, part):
    """The rows of a run's subsample of ``n_rows`` configurations (sorted), or None for all of
    them (``size`` None or ≥ ``n_rows``); ``part`` tells train (0) and test (1) data apart."""
    if size is None or size >= n_rows:
        return None
    rng = np.random.default_rng([int(seed), STREAM_SUBSAMPLE, int(part)])
    return np.sort(rng.choice(n_rows, size=int(size), replace=False))


def mean_and_standard_error(values, population):
    """The estimate of the population mean from a simple random sample ``values`` drawn
    without replacement from ``population`` values, and its standard error (with the
    finite-population correction; docs/physics.md §18.4)."""
    values = np.asarray(values, dtype=np.float64)
    k = len(values)
    if k >= population:
        return float(np.mean(values)), 0.0
    variance = np.var(values, ddof=1)
    return float(np.mean(values)), float(np.sqrt((1.0 - k / population) * variance / k))
