"""The Restricted Boltzmann Machine: parameters, exact log-likelihood, sampling.

Energy (HTCM20 eq. 2; docs/physics.md §3.1): E(v, h) = −Σ w_iμ v_i h_μ − Σ g_i v_i − Σ c_μ h_μ
for binary hidden units (U_μ(h) = −c_μ h).  ``weights`` is (n_visible, n_hidden);
``visible_fields`` g and ``hidden_fields`` c are zero and stay zero when ``zero_fields`` is set
(the paper's runs).
"""

import itertools

import numpy as np
from scipy.special import logsumexp

from .kernels.checks import all_values_in
from .kernels.gibbs import gibbs_sample
from .kernels.partition import log_partition_over_hidden, negative_free_energies
from .kernels.random import seed_streams
from .units import get_unit

#: Largest layer (in units) that ``log_partition`` enumerates exactly: 2^20 states.
MAX_ENUMERATED_UNITS = 20

# Independent stream families derived from one run seed (see rbmsweep.kernels.random).
STREAM_INIT = 0
STREAM_CHAINS = 1
STREAM_SHUFFLE = 2
STREAM_SAMPLE = 3


class RBM:
    """A binary RBM with spin (±1) or Bernoulli ({0,1}) units on each layer."""

    def __init__(self, n_visible, n_hidden=1, visible="spin", hidden="spin", theta=0.0,
                 visible_variance=1.0, hidden_variance=1.0, zero_fields=True,
                 visible_bias_init="zero", init_std=0.01, seed=0, visible_fields=None):
        if int(n_visible) < 1:
            raise ValueError(f"n_visible: {n_visible!r} is not allowed; must be ≥ 1")
        if int(n_hidden) < 1:
            raise ValueError(f"n_hidden: {n_hidden!r} is not allowed; must be ≥ 1")
        if not np.isfinite(init_std) or init_std < 0:
            raise ValueError(f"init_std: {init_std!r} is not allowed; must be a finite number ≥ 0")
        self.n_visible = int(n_visible)
        self.n_hidden = int(n_hidden)
        self.visible = get_unit(visible, "visible")
        self.hidden = get_unit(hidden, "hidden")
        self.zero_fields = bool(zero_fields)
        # parameters of the unit types that are still to come (theta: double_well hidden units,
        # the variances: gaussian units; visible_bias_init "data": set by train from the data)
        self.theta, self.visible_variance = float(theta), float(visible_variance)
        self.hidden_variance = float(hidden_variance)
        if visible_bias_init not in ("zero", "data"):
            raise ValueError(f"visible_bias_init: {visible_bias_init!r} is not allowed; "
                             "allowed: zero, data")
        if visible_bias_init == "data" and self.zero_fields:
            raise ValueError("visible_bias_init: 'data' is not allowed with zero_fields=True "
                             "(the fields are held at zero)")
        # "data": train() sets the visible fields from its training data (init_visible_fields)
        self.visible_bias_init = visible_bias_init
        self.init_std = float(init_std)
        rng = np.random.default_rng([int(seed), STREAM_INIT])
        self.weights = rng.normal(0.0, init_std, size=(self.n_visible, self.n_hidden))
        self.visible_fields = np.zeros(self.n_visible)
        self.hidden_fields = np.zeros(self.n_hidden)
        if visible_fields is not None:
            if self.zero_fields:
                raise ValueError("visible_fields: cannot be set when zero_fields is true")
            self.visible_fields = np.asarray(visible_fields, dtype=np.float64).copy()

    def init_visible_fields(self, v):
        """Set the visible fields to those of independent units with the data's frequencies,
        log(p_i / (1 − p_i)) for {0,1} units ([F17] eq. 19; ½ of it for ±1 units), p_i clipped
        to [10^-3, 1 − 10^-3] (``rbmsweep.ais.visible_fields_from_data``)."""
        from .ais import visible_fields_from_data

        if self.zero_fields:
            raise ValueError("init_visible_fields: the fields are held at zero (zero_fields)")
        if self.visible.name not in ("spin", "bernoulli"):
            raise ValueError(f"visible_bias_init: 'data' needs spin or bernoulli visible units, "
                             f"not {self.visible.name}")
        self.visible_fields = visible_fields_from_data(self._as_configurations(v), self.visible)

    # -- conditional quantities ------------------------------------------------------------
    def hidden_inputs(self, v):
        """I_μ = c_μ + Σ_i v_i w_iμ, shape (n_samples, n_hidden)."""
        return np.asarray(v, dtype=np.float64) @ self.weights + self.hidden_fields

    def hidden_mean(self, v):
        """⟨h_μ | v⟩ = Γ'(I_μ)."""
        return self.hidden.mean(self.hidden_inputs(v))

    def negative_free_energy(self, v):
        """−F(v) = log Σ_h e^{−E(v,h)} = Σ_i g_i v_i + Σ_μ Γ(I_μ), per row."""
        v = self._as_configurations(v)
        return negative_free_energies(v, self.weights, self.visible_fields, self.hidden_fields,
                                      self.visible.code, self.hidden.code)

    # -- exact partition function and likelihood ------------------------------------------
    def log_partition(self):
        """log Z, exact: enumerates the smaller layer (at most 2^20 states), else raises."""
        if self.n_hidden <= min(self.n_visible, MAX_ENUMERATED_UNITS):
            return log_partition_over_hidden(self.weights, self.visible_fields,
                                             self.hidden_fields, self.visible.code,
                                             self.hidden.code)
        if self.n_visible <= MAX_ENUMERATED_UNITS:
            # the same sum with the layers' roles exchanged
            return log_partition_over_hidden(
                np.ascontiguousarray(self.weights.T), self.hidden_fields, self.visible_fields,
                self.hidden.code, self.visible.code)
        raise ValueError(
            f"exact log Z needs a layer of at most {MAX_ENUMERATED_UNITS} units; "
            f"this RBM has n_visible={self.n_visible}, n_hidden={self.n_hidden}")

    @property
    def log_likelihood_is_exact(self):
        return min(self.n_visible, self.n_hidden) <= MAX_ENUMERATED_UNITS

    def log_likelihood(self, v, log_z=None):
        """Mean log P(v) per sample, exact (log Z by enumeration of the smaller layer)."""
        if log_z is None:
            log_z = self.log_partition()
        return float(np.mean(self.negative_free_energy(v)) - log_z)

    # -- exact moments (small layers; for tests and theory checks) -------------------------
    def _hidden_states(self):
        return np.array(list(itertools.product(self.hidden.values, repeat=self.n_hidden)),
                        dtype=np.float64)

    def exact_gradient(self, v):
        """Exact gradient of the mean log-likelihood, by enumerating the hidden states.

        Returns (d/dw, d/dg, d/dc) = data moments − model moments (HTCM20 eq. 6,
        ∂⟨log P⟩/∂w_iμ = ⟨v_i Γ'(I_μ)⟩_data − ⟨v_i h_μ⟩_model; docs/physics.md §3.6).
        """
        v = np.asarray(v, dtype=np.float64)
        hidden_mean = self.hidden_mean(v)
        data_w = v.T @ hidden_mean / len(v)
        states = self._hidden_states()  # (2^M, M)
        visible_inputs = self.visible_fields + states @ self.weights.T  # (2^M, N)
        log_weights = states @ self.hidden_fields + self.visible.cumulant(visible_inputs).sum(1)
        prob = np.exp(log_weights - logsumexp(log_weights))
        visible_mean = self.visible.mean(visible_inputs)  # ⟨v_i | h⟩
        model_w = (visible_mean * prob[:, None]).T @ states
        model_v = prob @ visible_mean
        model_h = prob @ states
        return data_w - model_w, v.mean(0) - model_v, hidden_mean.mean(0) - model_h

    # -- sampling -----------------------------------------------------------------------------
    def sample(self, n_samples, n_steps=100, seed=0, start=None):
        """``n_samples`` configurations from independent Gibbs chains after ``n_steps`` sweeps."""
        chains = (self._random_configurations(n_samples, seed) if start is None
                  else self._as_configurations(start).copy())
        states = seed_streams((int(seed), STREAM_SAMPLE), len(chains))
        gibbs_sample(chains, states, self.weights, self.visible_fields, self.hidden_fields,
                     self.visible.code, self.hidden.code, n_steps)
        return chains

    def _random_configurations(self, n, seed):
        rng = np.random.default_rng([int(seed), STREAM_SAMPLE])
        values = np.array(self.visible.values, dtype=np.int8)
        return values[rng.integers(0, len(values), size=(n, self.n_visible))]

    def _as_configurations(self, v):
        v = np.ascontiguousarray(v, dtype=np.int8)
        if v.ndim != 2 or v.shape[1] != self.n_visible:
            raise ValueError(f"data: expected shape (n_samples, {self.n_visible}), got {v.shape}")
        allowed = np.array(self.visible.values, dtype=np.int8)
        # (not np.isin: its temporaries take ~10 bytes per value, 1.2 GB for 10^6 × 100)
        if not all_values_in(v, allowed):
            raise ValueError(f"data: {self.visible.name} visible units take values {self.visible.values}")
        return v

    def __repr__(self):
        return (f"RBM(n_visible={self.n_visible}, n_hidden={self.n_hidden}, "
                f"visible={self.visible.name!r}, hidden={self.hidden.name!r}, "
                f"zero_fields={self.zero_fields})")
