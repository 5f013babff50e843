"""Numba kernels: plain functions over arrays, with explicit random-number states.

Nothing here imports the rest of the package; the Python that calls these lives in
``rbmsweep.data``, ``rbmsweep.rbm``, ``rbmsweep.units`` and ``rbmsweep.training``.

Modules:

* ``random`` — the random-number streams: xoshiro256+ (``xoshiro_step`` on four scalar
  words, ``next_u64`` on a stream held in an array row), uniforms from the top 53 bits, two
  32-bit uniforms per output for binary units (``halves``),
  ``seed_streams`` (one stream per chain or sample block, from numpy's SeedSequence);
* ``unit_functions`` — the unit codes (``SPIN`` ±1, ``BERNOULLI`` {0,1}, ``GAUSSIAN``,
  ``DOUBLE_WELL``, ``POTTS``) and the binary units' math: cumulant Γ, mean Γ', a draw given the
  input, the hidden inputs I_μ;
* ``real_units`` — Gaussian and double-well units: stable Γ and Γ' (``log_ndtr``), exact
  samplers (Box–Muller, truncated normals), and Γ, Γ', draws of every hidden unit type by code;
* ``potts_units`` — Potts sites: hidden inputs, site inputs, the categorical draw of all sites;
* ``general_pcd`` — training epochs and Gibbs sampling for every pair of unit types that is
  not binary × binary (docs/physics.md §12.5);
* ``general_partition`` — exact free energies, log Z over binary hidden states, and the
  integrand over real hidden units, for every pair of unit types;
* ``partition`` — exact log Z by enumeration of one layer (Gray code, running log-sum-exp) and
  the free energies −F(v);
* ``gibbs`` — Gibbs sampling of an RBM and the reference training epoch (one unit at a time);
* ``pcd`` and ``chain_sweeps`` — the fast training epochs (the reference's algorithm and
  draws, rearranged for speed; serial and parallel, one compiled variant per way of sweeping);
* ``vecmath`` — branchless exp, sigmoid and tanh that vectorize inside numba loops;
* ``sampling`` — exact samplers of the Ising and Potts (discretised XY) rings;
* ``checks`` — fast validation of int8 data (``all_values_in``);
* ``loading`` — run on import: every cached kernel is stamped with a digest of this package's
  sources (an edit of a helper invalidates the kernels that carry it), and numba's BLAS is
  found without importing ``scipy.linalg``.
"""

from .loading import preload_blas, stamp_caches_with_sources

stamp_caches_with_sources()
preload_blas()
