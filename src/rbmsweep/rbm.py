"""The Restricted Boltzmann Machine: parameters, log-likelihood, sampling.

Energy (HTCM20 eq. 2; docs/physics.md §3.1, §12):
E(v, h) = −Σ_iμ w_iμ(v_i) h_μ − Σ_i ψ_i(v_i) + Σ_μ (U_μ(h_μ) − c_μ h_μ), with w_iμ(v) = w_iμ v
and ψ_i(v) = g_i v for binary and Gaussian sites (minus v²/(2σ_v²) for Gaussian ones), and a
table over the q states for Potts sites.  ``weights`` is (n_visible, n_hidden), or
(n_visible, n_hidden, q) for Potts units, kept in the zero-sum gauge Σ_a w_iμ(a) = 0
(``apply_gauge``; docs/physics.md §12.1); ``visible_fields`` g is (n_visible,) or
(n_visible, q), ``hidden_fields`` c is (n_hidden,).  With ``zero_fields`` (the paper's runs)
g and c are 0 and stay 0.
"""

import numpy as np

from . import likelihood
from .kernels import general_pcd
from .kernels.checks import all_values_in
from .kernels.general_partition import negative_free_energies as general_free_energies
from .kernels.gibbs import gibbs_sample
from .kernels.partition import negative_free_energies
from .kernels.random import seed_streams
from .kernels.unit_functions import GAUSSIAN, POTTS
from .units import get_unit

#: Largest layer (in units) that ``log_partition`` enumerates exactly: 2^20 states.
MAX_ENUMERATED_UNITS = likelihood.MAX_ENUMERATED_UNITS

# Independent stream families derived from one run seed (see rbmsweep.kernels.random).
STREAM_INIT = 0
STREAM_CHAINS = 1
STREAM_SHUFFLE = 2
STREAM_SAMPLE = 3


class NotNormalisableError(ValueError):
    """Gaussian visible units with real hidden units whose weights make e^{−E} not integrable
    (docs/physics.md §12.4)."""


class RBM:
    """An RBM with spin, bernoulli, potts or gaussian visible units and spin, bernoulli,
    gaussian or double_well hidden units (``rbmsweep.units``)."""

    def __init__(self, n_visible, n_hidden=1, visible="spin", hidden="spin", theta=0.0,
                 visible_variance=1.0, hidden_variance=1.0, zero_fields=True,
                 visible_bias_init="zero", init_std=0.01, seed=0, visible_fields=None,
                 q=None):
        if int(n_visible) < 1:
            raise ValueError(f"n_visible: {n_visible!r} is not allowed; must be ≥ 1")
        if int(n_hidden) < 1:
            raise ValueError(f"n_hidden: {n_hidden!r} is not allowed; must be ≥ 1")
        if not np.isfinite(init_std) or init_std < 0:
            raise ValueError(f"init_std: {init_std!r} is not allowed; must be a finite number ≥ 0")
        self.n_visible = int(n_visible)
        self.n_hidden = int(n_hidden)
        self.visible = get_unit(visible, "visible", q=q, variance=visible_variance)
        self.hidden = get_unit(hidden, "hidden", variance=hidden_variance, theta=theta)
        self.zero_fields = bool(zero_fields)
        self.theta, self.visible_variance = float(theta), float(visible_variance)
        self.hidden_variance = float(hidden_variance)
        self.q = self.visible.q if self.visible.code == POTTS else None
        if visible_bias_init not in ("zero", "data"):
            raise ValueError(f"visible_bias_init: {visible_bias_init!r} is not allowed; "
                             "allowed: zero, data")
        if visible_bias_init == "data":
            raise NotImplementedError("visible_bias_init: data is not implemented yet")
        self.visible_bias_init = visible_bias_init
        rng = np.random.default_rng([int(seed), STREAM_INIT])
        self.weights = rng.normal(0.0, init_std, size=(self.n_visible, self.n_hidden)
                                  + self._state_shape)
        self.visible_fields = np.zeros((self.n_visible,) + self._state_shape)
        self.hidden_fields = np.zeros(self.n_hidden)
        if visible_fields is not None:
            if self.zero_fields:
                raise ValueError("visible_fields: cannot be set when zero_fields is true")
            fields = np.asarray(visible_fields, dtype=np.float64)
            if fields.shape != self.visible_fields.shape:
                raise ValueError(f"visible_fields: shape {fields.shape} is not allowed; this RBM "
                                 f"needs {self.visible_fields.shape}")
            self.visible_fields = fields.copy()
        self.apply_gauge()
        self.check_normalisable()

    # -- shapes and gauge ----------------------------------------------------------------------
    @property
    def _state_shape(self):
        return (self.q,) if self.q is not None else ()

    @property
    def n_states(self):
        """S: the states of a Potts site (q), 1 for binary and Gaussian sites."""
        return self.q or 1

    @property
    def weights3(self):
        """The weights as (N, M, S) (a view), the kernels' layout."""
        return self.weights.reshape(self.n_visible, self.n_hidden, self.n_states)

    @property
    def fields2(self):
        """The visible fields as (N, S) (a view)."""
        return self.visible_fields.reshape(self.n_visible, self.n_states)

    @property
    def gauge(self):
        """"zero_sum" for Potts units (Σ_a w_iμ(a) = 0, Σ_a g_i(a) = 0), else "none"."""
        return "zero_sum" if self.q is not None else "none"

    def apply_gauge(self):
        """Put Potts weights and fields in the zero-sum gauge, in place (docs/physics.md §12.1):
        subtracts each (site, hidden unit)'s mean over the states."""
        if self.q is not None:
            self.weights -= self.weights.mean(axis=-1, keepdims=True)
            self.visible_fields -= self.visible_fields.mean(axis=-1, keepdims=True)

    # -- normalisability -----------------------------------------------------------------------
    def normalisation_margin(self):
        """1 − σ_v² κ_h s_max(W)² for Gaussian visible with real hidden units (κ_h = σ_h² for
        Gaussian, 1 for double-well units): e^{−E} is integrable iff it is > 0.  +inf for
        every other pair of unit types (always normalisable)."""
        if self.visible.code != GAUSSIAN or not self.hidden.real:
            return np.inf
        top = np.linalg.norm(self.weights, 2) if np.all(np.isfinite(self.weights)) else np.inf
        return 1.0 - self.visible.variance * self.hidden.variance * top**2

    def check_normalisable(self):
        """Raise ``NotNormalisableError`` (naming the margin) if the model is not normalisable."""
        margin = self.normalisation_margin()
        if not margin > 0:
            raise NotNormalisableError(
                f"the RBM is not normalisable: σ_v² σ_h² s_max(W)² = {1 - margin:.6g} ≥ 1 "
                "(Gaussian visible units with real hidden units need it < 1; "
                "docs/physics.md §12.4)")

    # -- conditional quantities ----------------------------------------------------------------
    def hidden_inputs(self, v):
        """I_μ = c_μ + Σ_i w_iμ(v_i), shape (n_samples, n_hidden)."""
        if self.q is not None:  # site by site: memory n × M, not n × N × M
            v = np.asarray(v)
            inputs = np.tile(self.hidden_fields, (len(v), 1))
            for i in range(self.n_visible):
                inputs += self.weights[i].T[v[:, i]]
            return inputs
        return np.asarray(v, dtype=np.float64) @ self.weights + self.hidden_fields

    def hidden_mean(self, v):
        """⟨h_μ | v⟩ = Γ'(I_μ)."""
        return self.hidden.mean(self.hidden_inputs(v))

    def negative_free_energy(self, v):
        """−F(v) = log Σ_h e^{−E(v,h)} = Σ_i ψ_i(v_i) + Σ_μ Γ(I_μ), per row."""
        v = self._as_configurations(v)
        if self._binary:
            return negative_free_energies(v, self.weights, self.visible_fields,
                                          self.hidden_fields, self.visible.code,
                                          self.hidden.code)
        return general_free_energies(v, self.weights3, self.fields2, self.hidden_fields,
                                     self.visible.code, self.visible.variance, self.hidden.code,
                                     self.hidden.variance, self.hidden.theta)

    @property
    def _binary(self):
        return not (self.visible.real or self.hidden.real or self.q is not None)

    # -- log Z and likelihood (rbmsweep.likelihood) --------------------------------------------
    def log_partition(self, method=None):
        """log Z, exactly (``likelihood.log_partition``: the cheapest exact method, or
        ``method``); raises ValueError if no exact method applies."""
        return float(likelihood.log_partition(self, method)[0])

    @property
    def log_likelihood_is_exact(self):
        return likelihood.exact_method(self) is not None

    def log_likelihood(self, v, method="auto", log_z=None):
        """Mean log P(v) per sample as a ``likelihood.LogLikelihood`` (a float that carries its
        ``method``); ``method`` "auto", "exact", "ais" or a key of ``likelihood.METHODS``."""
        return likelihood.log_likelihood(self, v, method=method, log_z=log_z)

    def exact_gradient(self, v):
        """Exact gradient of the mean log-likelihood: (d/dw, d/dg, d/dc) = data moments −
        model moments (HTCM20 eq. 6; docs/physics.md §3.6, §12.3)."""
        return likelihood.exact_gradient(self, v)

    # -- sampling ------------------------------------------------------------------------------
    def sample(self, n_samples, n_steps=100, seed=0, start=None):
        """``n_samples`` configurations from independent Gibbs chains after ``n_steps`` sweeps."""
        self.check_normalisable()
        chains = (self._random_configurations(n_samples, seed) if start is None
                  else self._as_configurations(start).copy())
        states = seed_streams((int(seed), STREAM_SAMPLE), len(chains))
        if self._binary:
            gibbs_sample(chains, states, self.weights, self.visible_fields, self.hidden_fields,
                         self.visible.code, self.hidden.code, n_steps)
        else:
            general_pcd.gibbs_sample(chains, states, self.weights3, self.fields2,
                                     self.hidden_fields, self.visible.code,
                                     self.visible.variance, self.hidden.code,
                                     self.hidden.variance, self.hidden.theta, n_steps)
        return chains

    def _random_configurations(self, n, seed):
        rng = np.random.default_rng([int(seed), STREAM_SAMPLE])
        if self.visible.real:
            return rng.normal(0.0, np.sqrt(self.visible.variance), size=(n, self.n_visible))
        values = np.array(self.visible.values, dtype=np.int8)
        return values[rng.integers(0, len(values), size=(n, self.n_visible))]

    def _as_configurations(self, v):
        """``v`` as the kernels take it (int8, or float64 for Gaussian units), checked."""
        if self.visible.real:
            v = np.ascontiguousarray(v, dtype=np.float64)
        else:
            v = np.ascontiguousarray(v, dtype=np.int8)
        if v.ndim != 2 or v.shape[1] != self.n_visible:
            raise ValueError(f"data: expected shape (n_samples, {self.n_visible}), got {v.shape}")
        if self.visible.real:
            if not np.all(np.isfinite(v)):
                raise ValueError("data: gaussian visible units take finite real values")
            return v
        allowed = np.array(self.visible.values, dtype=np.int8)
        # (not np.isin: its temporaries take ~10 bytes per value, 1.2 GB for 10^6 × 100)
        if not all_values_in(v, allowed):
            shown = (f"0…{self.q - 1}" if self.q is not None else self.visible.values)
            raise ValueError(f"data: {self.visible.name} visible units take values {shown}")
        return v

    def __repr__(self):
        extra = ""
        if self.q is not None:
            extra += f", q={self.q}"
        if self.hidden.name == "double_well":
            extra += f", theta={self.theta}"
        if self.visible.name == "gaussian":
            extra += f", visible_variance={self.visible_variance}"
        if self.hidden.name == "gaussian":
            extra += f", hidden_variance={self.hidden_variance}"
        return (f"RBM(n_visible={self.n_visible}, n_hidden={self.n_hidden}, "
                f"visible={self.visible.name!r}, hidden={self.hidden.name!r}{extra}, "
                f"zero_fields={self.zero_fields})")
