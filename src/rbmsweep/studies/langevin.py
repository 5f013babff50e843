"""The Langevin prediction of the place fields' diffusion from a diffusion study's cube
(docs/physics.md §17.2) — a helper of the diffusion kind, not a kind.

At a snapshot after the transient, with weights W and fields, each hidden unit μ has a
template profile (its run's mean aligned profile, ``msd.translation_mode_centers``) sitting at
its matched centre; its tangent t_μ = ∂w_μ/∂x₀ is the template's translation mode there.  The
gradient of one training sample v for unit μ is g_μ(v) = v Γ'(I_μ(v)) (the data term, v from
the data model) and the same for a sample of the RBM (the persistent chains' term, v drawn
exactly from the snapshot's RBM, ``model_samples``).  Projected on e_μ = t_μ/|t_μ|:

    e_μ·g_μ(v) = Γ'(I_μ(v)) (e_μ·v),

whose variances over data samples and model samples go into
``theory.langevin_diffusion(ν, |t_μ|², Var_data, B, Var_chains, n_c)``, D per update.  Two
predictions: every unit diffusing alone (mean over units of their D), and the units moving as
one rigid pattern (tangent (t_1, …, t_M) stacked, projection Σ_μ Γ'(I_μ)(t_μ·v)/|T|).  Averaged
over ``SNAPSHOTS`` snapshots of each of the first ``RUNS`` runs of a sweep point, with
``SAMPLES`` data and model samples each (fixed seeds: the prediction is deterministic).
"""

import numpy as np
import xarray as xr

from .. import theory
from ..observables.translation import shift_profile, translation_mode

#: snapshots per run, runs per sweep point, data and model samples per snapshot
SNAPSHOTS = 4
RUNS = 4
SAMPLES = 4000
#: seed of the prediction's data and model samples
SEED = 20_200_174  # HTCM20: J. Phys. A 53 (2020) 174002

#: what a point's prediction returns, in order
QUANTITIES = ("unit", "rigid", "tangent_norm2", "data_variance", "chain_variance")


def _projections(samples, weights, hidden_fields, tangents, hidden_unit):
    """Γ'(I_μ(v)) (t_μ·v) for every sample (float rows) and unit: (samples, units)."""
    from ..units import get_unit

    means = get_unit(hidden_unit, "hidden").mean(samples @ weights + hidden_fields)
    return means * (samples @ tangents)


def model_samples(weights, visible_fields, hidden_fields, visible_unit, hidden_unit,
                  n_samples, seed):
    """Exact samples of the RBM (docs/physics.md §3.6): the hidden configuration h from its
    marginal P(h) ∝ exp(c·h + Σ_i Γ_v(g_i + (W h)_i)) over the 2^M states, then every visible
    unit from P(v_i | h); float rows (n_samples, N).  (What the persistent chains sample, with
    no Markov chain to equilibrate.)"""
    import itertools

    from scipy.special import softmax

    from ..units import get_unit

    visible, hidden = get_unit(visible_unit, "visible"), get_unit(hidden_unit, "hidden")
    states = np.array(list(itertools.product(hidden.values, repeat=weights.shape[1])),
                      dtype=np.float64)
    inputs = visible_fields + states @ weights.T  # (2^M, N)
    probability = softmax(states @ hidden_fields + visible.cumulant(inputs).sum(axis=1))
    rng = np.random.default_rng([SEED, int(seed)])
    which = rng.choice(len(states), size=n_samples, p=probability)
    low, high = visible.values
    high_probability = (visible.mean(inputs[which]) - low) / (high - low)
    return np.where(rng.random(high_probability.shape) < high_probability, float(high),
                    float(low))


def point_prediction(weights, visible_fields, hidden_fields, templates, centers, learning_rate,
                     batch_size, n_chains, beta, *, data, visible_unit, hidden_unit):
    """The prediction at one sweep point (docs/physics.md §17.2).  ``weights`` (seed, epoch,
    visible, hidden), ``visible_fields`` (seed, epoch, visible), ``hidden_fields`` (seed, epoch,
    hidden): the snapshots after the transient; ``templates`` (seed, hidden, visible);
    ``centers`` (seed, hidden, epoch): matched centres; ``beta`` and ``data`` (the other keys
    of ``rbmsweep.data.make_dataset``: model, n_visible): the data model.  Returns the ``QUANTITIES``:
    D per update for lone units and for the rigid pattern, and the mean |t|², Var_data and
    Var_chains of the lone units."""
    from ..data import make_dataset

    n_seeds, n_epochs, n_visible, _ = weights.shape
    samples = make_dataset(n_samples=SAMPLES, n_test=0, seed=SEED, beta=float(beta),
                           **data)[0].astype(float)
    unit, rigid, norms, data_var, chain_var = [], [], [], [], []
    picks = np.unique(np.linspace(0, n_epochs - 1, SNAPSHOTS).round().astype(int))
    for seed in range(min(RUNS, n_seeds)):
        for epoch in picks:
            # the run's own units (a cube pads smaller hidden layers with NaN)
            units = np.all(np.isfinite(weights[seed, epoch]), axis=0)
            w, c = weights[seed, epoch][:, units], hidden_fields[seed, epoch][units]
            g, x = visible_fields[seed, epoch], centers[seed, units, epoch]
            if not (units.any() and np.all(np.isfinite(x)) and np.all(np.isfinite(g))
                    and np.all(np.isfinite(templates[seed][units]))):
                continue
            placed = shift_profile(templates[seed][units], x)  # (units, visible), at the snapshot
            signs = np.sign(np.sum(placed * w.T, axis=1))  # the template is the oriented w
            tangents = (translation_mode(placed) * signs[:, None]).T  # (visible, hidden)
            norm2 = np.sum(tangents**2, axis=0)
            model = model_samples(w, g, c, visible_unit, hidden_unit, SAMPLES,
                                  1000 * seed + epoch)
            data_proj = _projections(samples, w, c, tangents, hidden_unit)
            model_proj = _projections(model, w, c, tangents, hidden_unit)
            var_d = data_proj.var(axis=0) / norm2
            var_m = model_proj.var(axis=0) / norm2
            unit.append(np.mean(theory.langevin_diffusion(learning_rate, norm2, var_d,
                                                          batch_size, var_m, n_chains)))
            total = norm2.sum()
            rigid.append(theory.langevin_diffusion(
                learning_rate, total, data_proj.sum(axis=1).var() / total, batch_size,
                model_proj.sum(axis=1).var() / total, n_chains))
            norms.append(norm2.mean())
            data_var.append(var_d.mean())
            chain_var.append(var_m.mean())
    if not unit:
        return np.full(len(QUANTITIES), np.nan)
    return np.array([np.mean(values) for values in (unit, rigid, norms, data_var, chain_var)])


def predicted_diffusion(cube, templates, centers, start, axes):
    """The Langevin prediction over the sweep axes ``axes`` of a diffusion cube (docs/physics.md
    §17.2): a Dataset of the ``QUANTITIES`` (D per update), NaN with a reason in its
    ``prediction`` attribute where the data or units have no prediction (only binary units on
    Ising data, for now).  ``templates`` (…, seed, hidden, visible) and ``centers`` (…, seed,
    hidden, epoch) come from ``msd.translation_mode_centers``; ``start`` is the first snapshot
    after the transient."""
    from .base import run_parameter

    template = cube["peak_center"].isel(seed=0, hidden=0, epoch=0, drop=True)
    scalars = {name: str(cube[name].values) for name in ("model", "visible_unit", "hidden_unit")
               if name in cube.coords and cube[name].ndim == 0}
    reason = ""
    if scalars.get("model") != "ising":
        reason = "a prediction needs Ising data (data.model: ising, not swept)"
    elif {scalars.get("visible_unit"), scalars.get("hidden_unit")} - {"spin", "bernoulli"}:
        reason = "a prediction needs binary visible and hidden units (not swept)"
    if reason:
        nan = xr.full_like(template, np.nan, dtype=float)
        return xr.Dataset({name: nan for name in QUANTITIES}, attrs={"prediction": reason})
    if "n_visible" in axes:
        nan = xr.full_like(template, np.nan, dtype=float)
        return xr.Dataset({name: nan for name in QUANTITIES},
                          attrs={"prediction": "no prediction when n_visible is swept"})
    data = {"model": "ising", "n_visible": int(cube.sizes["visible"])}
    learning_rate, batch_size, beta = (run_parameter(cube, name, template)
                                       for name in ("learning_rate", "batch_size", "beta"))
    n_chains = (run_parameter(cube, "n_chains", template) if "n_chains" in cube.coords
                else batch_size)
    after = {"epoch": slice(start, None)}
    values = xr.apply_ufunc(
        point_prediction,
        cube["weights"].isel(after).transpose(*axes, "seed", "epoch", "visible", "hidden"),
        cube["visible_fields"].isel(after).transpose(*axes, "seed", "epoch", "visible"),
        cube["hidden_fields"].isel(after).transpose(*axes, "seed", "epoch", "hidden"),
        templates.transpose(*axes, "seed", "hidden", "visible"),
        centers.isel(after).transpose(*axes, "seed", "hidden", "epoch"),
        learning_rate, batch_size, n_chains, beta,
        kwargs={"data": data, "visible_unit": scalars["visible_unit"],
                "hidden_unit": scalars["hidden_unit"]},
        input_core_dims=[["seed", "epoch", "visible", "hidden"], ["seed", "epoch", "visible"],
                         ["seed", "epoch", "hidden"], ["seed", "hidden", "visible"],
                         ["seed", "hidden", "epoch"], [], [], [], []],
        output_core_dims=[["quantity"]], vectorize=True)
    values = values.assign_coords(quantity=list(QUANTITIES))
    return xr.Dataset({name: values.sel(quantity=name, drop=True) for name in QUANTITIES},
                      attrs={"prediction": "Langevin, docs/physics.md §17.2"})
