"""Log-likelihood of RBMs too large to enumerate: annealed importance sampling with a bracket
(docs/physics.md §15).

Forward AIS (Neal 2001; Salakhutdinov & Murray 2008) from the independent base model gives
weights whose mean estimates Z / Z_0 without bias; its log is a stochastic *lower* bound on
log Z (Jensen), so the log-likelihood it gives errs high.  Reverse AIS (Burda, Grosse &
Salakhutdinov 2015) runs the same schedule backwards from exact samples on the data side and
estimates Z_0 / Z without bias: a stochastic *upper* bound on log Z, a log-likelihood that errs
low.  Both combine their chains by log-mean-exp of the weights (the log of the mean weight,
never the mean of the log-weights), with a delta-method standard error, so that every
log-likelihood comes as

    lower = ⟨−F(v)⟩ − (log Ẑ_reverse + 2 se_reverse),   upper = ⟨−F(v)⟩ − (log Ẑ_forward − 2 se_forward),

and the point value ⟨−F(v)⟩ − log Ẑ_forward.  (When the two estimates cross within their errors,
the bracket is widened to hold both, each with its two standard errors: it always contains the
point value.)  The reverse chains start from exact samples of the
RBM when its smaller layer can be enumerated (``EXACT_SAMPLE_UNITS``; then the bracket is
rigorous up to its error bars), otherwise from the training data with hidden units drawn
exactly given them (Burda et al.'s data-side start: conservative while the model fits the data).
Binary units only (spin or bernoulli on both layers).
"""

import dataclasses

import numpy as np
from scipy.special import logsumexp

from .kernels.ais import anneal
from .kernels.random import seed_streams

#: reverse chains start from exact samples of the RBM when its smaller layer has at most this
#: many units (2^16 states are enumerated); otherwise from data
EXACT_SAMPLE_UNITS = 16
#: stream family of AIS draws (besides rbm.STREAM_*)
STREAM_AIS = 4
#: the visible fields of a data-fitted base model come from frequencies clipped to
#: [VISIBLE_CLIP, 1 − VISIBLE_CLIP]
VISIBLE_CLIP = 1e-3


def schedule(temperatures):
    """Inverse temperatures 0 = β_0 < … < β_K = 1: an explicit increasing list (checked), or
    for an integer ``temperatures`` that many values on Salakhutdinov & Murray's piecewise-linear
    schedule (uniform in [0, 0.5], [0.5, 0.9], [0.9, 1] with 1/29, 8/29 and 20/29 of the points:
    denser where the distributions change fastest)."""
    if np.ndim(temperatures) == 0:
        count = int(temperatures)
        if count < 2:
            raise ValueError(f"ais.temperatures: {temperatures!r} is not allowed; it must be ≥ 2")
        shares = np.array([1, 8, 20]) / 29 * (count - 1)
        steps = np.maximum(1, np.round(shares)).astype(int)
        steps[-1] = max(1, count - 1 - steps[:-1].sum())
        if steps.sum() != count - 1:  # very few temperatures: uniform
            return np.linspace(0.0, 1.0, count)
        edges = [0.0, 0.5, 0.9, 1.0]
        parts = [np.linspace(edges[s], edges[s + 1], steps[s] + 1)[:-1] for s in range(3)]
        return np.concatenate(parts + [[1.0]])
    betas = np.asarray(temperatures, dtype=float)
    if (betas.ndim != 1 or len(betas) < 2 or betas[0] != 0 or betas[-1] != 1
            or not np.all(np.diff(betas) > 0)):
        raise ValueError(f"ais.temperatures: {betas.tolist()} is not allowed; a schedule must "
                         "increase strictly from 0 to 1")
    return betas


def log_mean_exp(values):
    """(log mean e^x, its standard error by the delta method: std(e^x) / (√n mean(e^x)))
    (docs/physics.md §15.2)."""
    values = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(values)):
        raise FloatingPointError("AIS log-weights are not all finite")
    estimate = logsumexp(values) - np.log(len(values))
    weights = np.exp(values - values.max())
    spread = weights.std(ddof=1) / np.sqrt(len(values)) / weights.mean() if len(values) > 1 else np.inf
    return float(estimate), float(spread)


def visible_fields_from_data(v, unit, clip=VISIBLE_CLIP):
    """Fields of independent visible units that reproduce the data's frequencies:
    log(p_i / (1 − p_i)) for {0,1} units ([F17] eq. 19), ½ log(p_i / (1 − p_i)) for ±1 units,
    p_i the frequency of the high value clipped to [clip, 1 − clip]."""
    v = np.asarray(v)
    low, high = unit.values
    p = np.clip(np.mean(v == high, axis=0), clip, 1.0 - clip)
    logit = np.log(p) - np.log1p(-p)
    return logit if unit.name == "bernoulli" else 0.5 * logit


@dataclasses.dataclass(frozen=True)
class PartitionBracket:
    """log Z from forward and reverse AIS: each estimate with its standard error."""

    forward: float
    forward_stderr: float
    reverse: float
    reverse_stderr: float
    chains: int
    temperatures: int
    reverse_start: str  # "model" (exact samples) or "data"

    @property
    def lower(self):
        """A lower estimate of log Z: forward AIS minus two standard errors (or reverse AIS
        minus two of its own, if lower: the two estimates may cross within their errors;
        docs/physics.md §15.4)."""
        return min(self.forward - 2.0 * self.forward_stderr,
                   self.reverse - 2.0 * self.reverse_stderr)

    @property
    def upper(self):
        """An upper estimate of log Z: reverse AIS plus two standard errors (or forward AIS
        plus two of its own, if higher; docs/physics.md §15.4)."""
        return max(self.reverse + 2.0 * self.reverse_stderr,
                   self.forward + 2.0 * self.forward_stderr)

    @property
    def estimator(self):
        return (f"AIS: forward from the independent base and reverse from "
                f"{'exact model samples' if self.reverse_start == 'model' else 'data'}, "
                f"{self.chains} chains each, {self.temperatures} inverse temperatures")


def _check_binary(rbm):
    names = (rbm.visible.name, rbm.hidden.name)
    if not set(names) <= {"spin", "bernoulli"}:
        raise NotImplementedError(f"annealed importance sampling (AIS) is implemented for spin "
                                  f"and bernoulli units only; this RBM "
                                  f"has {names[0]} visible and {names[1]} hidden units")


def base_log_partition(rbm, base_fields):
    """log Z_0 of the base model: independent visible units with fields a⁰ and free hidden
    units, Σ_i Γ_v(a⁰_i) + M Γ_h(0) (docs/physics.md §15.1)."""
    return float(rbm.visible.cumulant(base_fields).sum()
                 + rbm.n_hidden * rbm.hidden.cumulant(0.0))


def anneal_chains(rbm, starts, betas, seed, reverse, base_fields):
    """S of every chain (``kernels.ais.anneal``): forward from draws of the base (``starts``
    gives only their number), or reverse from the rows of ``starts`` (docs/physics.md
    §15.2, §15.3)."""
    chains = np.array(starts, dtype=np.int8, copy=True, order="C")
    states = seed_streams(seed, len(chains))
    log_weights = np.empty(len(chains))
    anneal(chains, states, rbm.weights, rbm.visible_fields, rbm.hidden_fields,
           np.asarray(base_fields, dtype=float), np.asarray(betas, dtype=float),
           rbm.visible.code, rbm.hidden.code, bool(reverse), log_weights)
    return log_weights


def exact_samples(rbm, n_samples, seed):
    """``n_samples`` exact draws of the RBM's visible layer, by enumerating its smaller layer
    (at most ``EXACT_SAMPLE_UNITS`` units): the marginal of that layer, then the other given it."""
    if min(rbm.n_visible, rbm.n_hidden) > EXACT_SAMPLE_UNITS:
        raise ValueError(f"exact samples need a layer of at most {EXACT_SAMPLE_UNITS} units")
    rng = np.random.default_rng(seed)
    hidden_small = rbm.n_hidden <= rbm.n_visible
    small, other = (rbm.hidden, rbm.visible) if hidden_small else (rbm.visible, rbm.hidden)
    n_small = rbm.n_hidden if hidden_small else rbm.n_visible
    small_fields, other_fields = ((rbm.hidden_fields, rbm.visible_fields) if hidden_small
                                  else (rbm.visible_fields, rbm.hidden_fields))
    weights = rbm.weights.T if hidden_small else rbm.weights  # (small, other)
    codes = np.arange(2 ** n_small)
    bits = (codes[:, None] >> np.arange(n_small)) & 1
    states = np.where(bits == 1, small.values[1], small.values[0]).astype(float)
    inputs = other_fields + states @ weights
    log_p = states @ small_fields + other.cumulant(inputs).sum(axis=1)
    p = np.exp(log_p - logsumexp(log_p))
    picked = rng.choice(len(p), size=n_samples, p=p / p.sum())
    means = other.mean(inputs[picked])  # mean of the other layer given the picked states
    low, high = other.values
    p_high = (means - low) / (high - low)
    drawn = np.where(rng.random(p_high.shape) < p_high, high, low)
    visible = drawn if hidden_small else states[picked]
    return np.ascontiguousarray(visible, dtype=np.int8)


def log_partition_bracket(rbm, chains=100, temperatures=1000, seed=0, data=None,
                          reverse_start="auto"):
    """log Z of ``rbm`` bracketed by forward and reverse AIS (module docstring).

    ``data``: configurations for the base model's visible fields (their frequencies; default
    the RBM's own fields) and for the reverse chains' starts when exact samples cannot be
    drawn; ``reverse_start``: "auto" (exact samples when the smaller layer has at most
    ``EXACT_SAMPLE_UNITS`` units, else data), "model" or "data"."""
    _check_binary(rbm)
    betas = schedule(temperatures)
    chains = int(chains)
    if chains < 2:
        raise ValueError(f"ais.chains: {chains!r} is not allowed; it must be ≥ 2")
    base_fields = (rbm.visible_fields.copy() if data is None
                   else visible_fields_from_data(data, rbm.visible))
    log_z0 = base_log_partition(rbm, base_fields)
    if reverse_start == "auto":
        reverse_start = ("model" if min(rbm.n_visible, rbm.n_hidden) <= EXACT_SAMPLE_UNITS
                         else "data")
    seed = tuple(int(s) for s in np.atleast_1d(seed))
    if reverse_start == "model":
        starts = exact_samples(rbm, chains, (*seed, STREAM_AIS, 2))
    elif reverse_start == "data":
        if data is None or len(data) == 0:
            raise ValueError("reverse AIS from data needs data")
        picked = np.random.default_rng((*seed, STREAM_AIS, 3)).integers(0, len(data), chains)
        starts = np.asarray(data)[picked]
    else:
        raise ValueError(f"reverse_start: {reverse_start!r} is not allowed; allowed: auto, "
                         "model, data")
    forward = anneal_chains(rbm, np.zeros((chains, rbm.n_visible)), betas,
                            (*seed, STREAM_AIS, 0), False, base_fields)
    reverse = anneal_chains(rbm, starts, betas, (*seed, STREAM_AIS, 1), True, base_fields)
    log_ratio, forward_se = log_mean_exp(forward)
    inverse_ratio, reverse_se = log_mean_exp(-reverse)
    return PartitionBracket(forward=log_z0 + log_ratio, forward_stderr=forward_se,
                            reverse=log_z0 - inverse_ratio, reverse_stderr=reverse_se,
                            chains=chains, temperatures=len(betas), reverse_start=reverse_start)
