"""Small-β learning dynamics of ±1 hidden units on the Ising ring (HTCM20 §V.2, eqs. 31-52;
docs/physics.md §9).

At small inverse temperature β, with zero fields, the likelihood gradient expanded to third
order in the weights and to lowest order in β becomes, after rescaling the weights
``w -> w / sqrt(beta)`` and the learning time ``t -> beta t`` (``t`` = learning rate x
number of updates), the parameter-free lattice equation (HTCM20 eq. 36)
``dw_i/dt = w_{i+1} + w_{i-1} - w_i sum_k w_k^2 + w_i^3`` for one hidden unit, and
eqs. 49-50 for two.  Its continuum form (eqs. 37-38) ``dw/dt = d2w/dx2 + (2 - b) w + w^3``,
``b = int w^2 dx``, has the stationary peak ``w(x) = sqrt(2 (b - 2)) / cosh(x sqrt(b - 2))``
(eq. 43) with ``b = 4 sqrt(b - 2)`` (eq. 44), whose stable root is ``b = 8 - 4 sqrt 2``.

Weights are arrays of shape ``(n_sites,)`` (one unit) or ``(n_sites, n_units)``; times are
in the rescaled units.  The functions at the end run the numerical experiments of HTCM20
Fig. 14 and return raw ``(times, weights)``; where a peak sits on the ring is for the caller
(``rbmsweep.observables``).
"""

from __future__ import annotations

import numpy as np

#: continuum grid of the experiments: spacing 0.1 site, 400 points (a ring of length 40)
CONTINUUM_DX, CONTINUUM_POINTS = 0.1, 400
#: starting separations (sites) of the two-unit repulsion experiment
START_SEPARATIONS = (1, 2, 3, 5, 8)
#: rescaled time of the experiments (one unit settles by t ~ 200, two units by ~600 at N = 100)
THEORY_TIME = 1000.0


def _field(w, gram, h):
    """``dW/dt = lap_h W + 2 W - W gram + W * sum_nu W_{. nu}^2`` for weights ``w`` of shape
    ``(N, M)`` on a periodic grid of spacing ``h`` (3-point Laplacian ``lap_h``), given the
    Gram matrix ``gram``, which the dynamics sets to ``h W^T W``.  The one formula behind
    :func:`continuum_rhs`, :func:`small_beta_rhs` (``h = 1``, where ``lap_1 W + 2 W`` is
    ``w_{i+1} + w_{i-1}``) and the integrator (HTCM20 eqs. 36-38, 49-50 for any M;
    docs/physics.md §9.2-9.3)."""
    lap = (np.roll(w, 1, axis=0) + np.roll(w, -1, axis=0) - 2.0 * w) / h**2
    return lap + 2.0 * w - w @ gram + w * np.sum(w**2, axis=1, keepdims=True)


def continuum_rhs(w, dx):
    """Continuum small-β dynamics on a periodic grid of spacing ``dx`` (HTCM20 eqs. 37-38,
    ``dw/dt = d2w/dx2 + (2 - b) w + w^3``, ``b = int w^2 dx``), with the 3-point Laplacian
    and ``b = dx sum_i w_i^2``.

    ``w`` of shape ``(N, M)`` gives the ``M``-unit version (eqs. 51-52), with the couplings
    of :func:`small_beta_rhs` and sums over sites replaced by integrals:
    ``dW/dt = W'' + 2 W - W (dx W^T W) + W * sum_nu W_{. nu}^2``.  With ``dx = 1`` this is
    exactly the lattice equation (36): the continuum equation is its long-wavelength form,
    ``x`` measured in lattice spacings.
    """
    w = np.asarray(w, dtype=float)
    columns = w.reshape(len(w), -1)
    return _field(columns, dx * (columns.T @ columns), float(dx)).reshape(w.shape)


def small_beta_rhs(w):
    """Small-β learning dynamics of ``M`` hidden units on a ring, lattice form (HTCM20
    eq. 36 for ``M = 1``, eqs. 49-50 for ``M = 2``; docs/physics.md §9.1-9.4).

    ``dw_{i mu}/dt = w_{i+1,mu} + w_{i-1,mu} - w_{i mu} sum_k w_{k mu}^2 + w_{i mu}^3
    + sum_{nu != mu} [w_{i mu} w_{i nu}^2 - w_{i nu} sum_k w_{k mu} w_{k nu}]``,
    i.e. in matrix form ``dW/dt = A W - W (W^T W) + W * sum_nu W_{. nu}^2`` with ``A`` the
    ring's adjacency matrix.  The ``M``-unit form follows from the same third-order
    expansion: the model term ``<v_i sinh I_mu prod_{nu != mu} cosh I_nu> /
    <prod_nu cosh I_nu>`` only couples units pairwise at order ``w^3``.  ``w``: shape
    ``(N,)`` or ``(N, M)``.  It is :func:`continuum_rhs` with ``dx = 1``.
    """
    return continuum_rhs(w, 1.0)


def one_unit_rhs(w):
    """HTCM20 eq. 36, one hidden unit on a ring of ``N = len(w)`` sites:
    ``dw_i/dt = w_{i+1} + w_{i-1} - w_i sum_k w_k^2 + w_i^3``."""
    w = np.asarray(w, dtype=float)
    if w.ndim != 1:
        raise ValueError("one_unit_rhs takes a 1-D weight vector")
    return small_beta_rhs(w)


def two_unit_rhs(w):
    """HTCM20 eqs. 49-50, two hidden units, ``w`` of shape ``(N, 2)``:
    ``dw_i1/dt = w_{i+1,1} + w_{i-1,1} - w_i1 sum_k w_k1^2 + w_i1^3 + w_i1 w_i2^2
    - w_i2 sum_k w_k1 w_k2`` and 1 <-> 2."""
    w = np.asarray(w, dtype=float)
    if w.ndim != 2 or w.shape[1] != 2:
        raise ValueError("two_unit_rhs takes weights of shape (N, 2)")
    return small_beta_rhs(w)


_GRAM_RELAXATION = 1e-2  # epsilon of the auxiliary Gram-matrix equation (see below)


def _gram_blocks(v, n, m):
    """Sparse (m*m, n*m) matrices R1, R2 with (R1 x)_{kl} = sum_i x_{ik} v_{il} and
    (R2 x)_{kl} = sum_i v_{ik} x_{il}, for x flattened as i*m + mu."""
    from scipy import sparse  # (where needed: a training job imports this module, not scipy)

    i, k, l = np.meshgrid(np.arange(n), np.arange(m), np.arange(m), indexing="ij")
    rows = (k * m + l).ravel()
    r1 = sparse.csr_matrix((v[i, l].ravel(), (rows, (i * m + k).ravel())), shape=(m * m, n * m))
    r2 = sparse.csr_matrix((v[i, k].ravel(), (rows, (i * m + l).ravel())), shape=(m * m, n * m))
    return r1, r2


def _augmented_rhs(y, n, m, h, eps=_GRAM_RELAXATION):
    """Small-beta dynamics with the Gram matrix ``G = h W^T W`` carried as extra state.

    ``dW/dt = lap_h W + 2 W - W G + W * sum_nu W_{. nu}^2`` (:func:`_field`; it is
    :func:`continuum_rhs`, and :func:`small_beta_rhs` for ``h = 1``, when ``G = h W^T W``) and
    ``dG/dt = h (dW^T W + W^T dW) - (G - h W^T W) / eps``.  The manifold ``G = h W^T W`` is
    invariant and attracting (deviations decay as ``exp(-t/eps)``), so on it the dynamics is
    exactly the original one; the point is that the Jacobian becomes sparse (an arrow), so
    implicit steps cost O(N) instead of a dense LU.
    """
    w = y[: n * m].reshape(n, m)
    g = y[n * m :].reshape(m, m)
    wdot = _field(w, g, h)
    gdot = h * (wdot.T @ w + w.T @ wdot) - (g - h * (w.T @ w)) / eps
    return np.concatenate([wdot.ravel(), gdot.ravel()])


def _augmented_jacobian(y, n, m, h, lap_kron, eps=_GRAM_RELAXATION):
    """Sparse Jacobian of :func:`_augmented_rhs` (``lap_kron = kron(lap_h, I_m)``, sparse)."""
    from scipy import sparse

    w = y[: n * m].reshape(n, m)
    g = y[n * m :].reshape(m, m)
    s = np.sum(w**2, axis=1)
    # d(dW_i)/d(W_i): (2 + s_i) I - G^T + 2 w_i w_i^T, block diagonal over sites
    blocks = (2.0 + s)[:, None, None] * np.eye(m) - g.T[None] + 2.0 * w[:, :, None] * w[:, None, :]
    j_ww = (
        lap_kron + sparse.block_diag(list(blocks), format="csr")
        if m > 1
        else (lap_kron + sparse.diags(blocks[:, 0, 0]))
    )
    # d(dW_{i mu})/d(G_{k l}) = -W_{i k} delta_{l mu}
    i, mu, k = np.meshgrid(np.arange(n), np.arange(m), np.arange(m), indexing="ij")
    j_wg = sparse.csr_matrix(
        (-w[i, k].ravel(), ((i * m + mu).ravel(), (k * m + mu).ravel())), shape=(n * m, m * m)
    )
    r1, r2 = _gram_blocks(w, n, m)
    r = r1 + r2
    wdot = _augmented_rhs(y, n, m, h, eps)[: n * m].reshape(n, m)
    d1, d2 = _gram_blocks(wdot, n, m)
    j_gw = h * (r @ j_ww + r / eps + d1 + d2)
    j_gg = h * (r @ j_wg) - sparse.identity(m * m) / eps
    return sparse.bmat([[j_ww, j_wg], [j_gw, j_gg]], format="csc")


def integrate_small_beta(
    n_sites,
    n_units=1,
    t_max=None,
    init_std=0.01,
    seed=0,
    dx=1.0,
    continuum=False,
    n_times=201,
    w0=None,
    rtol=1e-8,
    atol=1e-11,
):
    """Integrate the small-β learning dynamics (HTCM20 eqs. 36-38, 49-52; docs/physics.md §9.4).

    ``continuum=False``: lattice equations (36) / (49-50) (:func:`small_beta_rhs`) on a
    ring of ``n_sites`` sites (``dx`` ignored).  ``continuum=True``: the PDE (37-38)
    (:func:`continuum_rhs`) on a periodic grid of ``n_sites`` points of spacing ``dx``
    (ring length ``L = n_sites * dx``).  ``n_units`` hidden units (pairwise couplings of
    :func:`small_beta_rhs`).

    Initial weights ``init_std * rng.standard_normal((n_sites, n_units))`` with
    ``rng = numpy.random.default_rng(seed)`` (or ``w0`` if given).  Integrated with
    ``scipy.integrate.solve_ivp``, implicit BDF (the Laplacian at ``dx = 0.1`` makes the
    PDE stiff).  The non-local term would make the Jacobian dense; instead the Gram matrix
    ``G = dx W^T W`` is carried as extra state relaxing onto its definition (see
    ``_augmented_rhs``), which leaves the dynamics unchanged and the Jacobian sparse, so
    each step costs O(N) and no threaded dense LAPACK is involved.  Default
    ``t_max = 1000``: one unit settles by ``t ~ 200`` (N = 100 or L = 40), two units by
    ``t ~ 600`` (N = 100).  Times are in the rescaled units of eq. 36 (learning time times
    beta).

    Returns ``(times, weights)``: ``times`` shape ``(n_times,)`` linearly spaced on
    ``[0, t_max]``; ``weights`` shape ``(n_times, n_sites)`` for one unit, else
    ``(n_times, n_sites, n_units)``.
    """
    from scipy import integrate, sparse

    n, m = int(n_sites), int(n_units)
    if n < 3 or m < 1:
        raise ValueError("need n_sites >= 3 and n_units >= 1")
    if t_max is None:
        t_max = THEORY_TIME
    h = float(dx) if continuum else 1.0
    if w0 is None:
        rng = np.random.default_rng(seed)
        w0 = init_std * rng.standard_normal((n, m))
    w0 = np.asarray(w0, dtype=float).reshape(n, m)
    y0 = np.concatenate([w0.ravel(), (h * (w0.T @ w0)).ravel()])

    lap = sparse.diags([1.0, -2.0, 1.0], [-1, 0, 1], shape=(n, n), format="lil")
    lap[0, n - 1] = 1.0
    lap[n - 1, 0] = 1.0
    lap_kron = sparse.kron(lap.tocsr() / h**2, sparse.identity(m), format="csr")

    times = np.linspace(0.0, float(t_max), int(n_times))
    sol = integrate.solve_ivp(
        lambda _t, y: _augmented_rhs(y, n, m, h),
        (0.0, float(t_max)),
        y0,
        method="BDF",
        t_eval=times,
        jac=lambda _t, y: _augmented_jacobian(y, n, m, h, lap_kron),
        rtol=rtol,
        atol=atol,
    )
    if not sol.success:  # pragma: no cover - numerical failure is reported, not hidden
        raise RuntimeError(f"small-beta integration failed: {sol.message}")
    weights = sol.y[: n * m].T.reshape(len(sol.t), n, m)
    if m == 1:
        weights = weights[:, :, 0]
    return sol.t, weights


def stationary_b():
    """Stable stationary value of ``b = int w^2`` (HTCM20 eq. 44, ``b = 4 sqrt(b - 2)``;
    docs/physics.md §9.3).

    ``b = 4 sqrt(b - 2)`` has roots ``8 +- 4 sqrt(2)``; the stable one is
    ``8 - 4 sqrt(2) = 2.3431...``.
    """
    return 8.0 - 4.0 * np.sqrt(2.0)


def stationary_profile(x, b=None):
    """Stationary receptive field of the continuum equation (HTCM20 eq. 43;
    docs/physics.md §9.3): ``w(x) = sqrt(2 (b - 2)) / cosh(x sqrt(b - 2))``, centred at 0,
    ``b = stationary_b()`` by default (then ``w = (2 sqrt 2 - 2) / cosh((2 - sqrt 2) x)``).
    Vectorised over ``x``."""
    b = stationary_b() if b is None else float(b)
    k = np.sqrt(b - 2.0)
    return np.sqrt(2.0 * (b - 2.0)) / np.cosh(np.asarray(x, dtype=float) * k)


def profile_height(b=None):
    """Peak height ``w(0) = sqrt(2 (b - 2))`` of :func:`stationary_profile` (HTCM20 eq. 43);
    ``2 sqrt(2) - 2 = 0.8284`` for the stable ``b``."""
    return float(stationary_profile(0.0, b))


def profile_fwhm(b=None):
    """Full width at half maximum of :func:`stationary_profile` (HTCM20 eq. 43: half height
    where ``cosh(x sqrt(b - 2)) = 2``): ``2 arccosh(2) / sqrt(b - 2)`` (= 4.496 lattice
    spacings for the stable ``b``)."""
    b = stationary_b() if b is None else float(b)
    return 2.0 * np.arccosh(2.0) / np.sqrt(b - 2.0)


# -- the numerical experiments of HTCM20 Fig. 14 (docs/physics.md §9.4) -----------------------
def lattice_one_unit(n_sites, seed=0, init_std=0.01, t_max=THEORY_TIME, n_times=201):
    """HTCM20 eq. 36 on a ring of ``n_sites`` from small random weights (``init_std``, ``seed`` as
    in :func:`integrate_small_beta`): ``(times, weights)``, weights ``(n_times, n_sites)``;
    the last row is the stationary peak for the default ``t_max``."""
    return integrate_small_beta(n_sites, t_max=t_max, n_times=n_times, init_std=init_std,
                                seed=seed)


def continuum_one_unit(seed=0, t_max=500.0, n_times=2):
    """HTCM20 eqs. 37-38 on the grid of ``CONTINUUM_POINTS`` points ``CONTINUUM_DX`` apart, from
    small random weights: ``(times, weights)``, weights ``(n_times, CONTINUUM_POINTS)``; the
    last row is stationary for the default ``t_max``."""
    return integrate_small_beta(CONTINUUM_POINTS, dx=CONTINUUM_DX, continuum=True, t_max=t_max,
                                n_times=n_times, seed=seed)


def lattice_two_units(n_sites, seed=0, t_max=THEORY_TIME, n_times=2):
    """HTCM20 eqs. 49-50 on a ring of ``n_sites`` from small random weights: ``(times, weights)``,
    weights ``(n_times, n_sites, 2)``; the last row is stationary for the default ``t_max``."""
    return integrate_small_beta(n_sites, n_units=2, t_max=t_max, n_times=n_times, seed=seed)


def repulsion(n_sites, one_unit_profile, separations=START_SEPARATIONS, t_max=300.0, n_times=151):
    """HTCM20 eqs. 49-50 started from two copies of ``one_unit_profile`` (length ``n_sites``),
    rolled by ``-(s // 2)`` and ``s - s // 2`` sites, i.e. ``s`` sites apart, for each ``s`` in
    ``separations``: ``(times, weights)``, weights ``(len(separations), n_times, n_sites, 2)``."""
    runs = []
    for separation in separations:
        w0 = np.stack([np.roll(one_unit_profile, -(separation // 2)),
                       np.roll(one_unit_profile, separation - separation // 2)], axis=1)
        times, weights = integrate_small_beta(n_sites, n_units=2, t_max=t_max, n_times=n_times,
                                              w0=w0)
        runs.append(weights)
    return times, np.stack(runs)
