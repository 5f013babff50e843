"""How the kernels load: numba's on-disk cache keyed by every source file of this package, and
numba's BLAS without importing ``scipy.linalg`` (docs/physics.md §18).

Both run once, from ``kernels/__init__.py``, before any kernel is compiled or loaded.

* **Cache freshness.**  numba checks a cached function against its own file only (modification
  time and size), but a kernel carries compiled copies of the helpers it calls from the other
  files of this package (``random``, ``vecmath``, ``chain_sweeps``, ...): after an edit of a
  helper, a kernel would load stale code from the cache.  ``stamp_caches_with_sources``
  registers a cache locator that stamps every cached function of this package with a digest
  of all of its source files instead, so that any edit here invalidates them all (and nothing
  else: the cache files stay where numba puts them, under ``NUMBA_CACHE_DIR`` if set).
* **BLAS without scipy.linalg.**  numba finds BLAS through ``scipy.linalg.cython_blas``,
  and imports it on the first call of any compiled function in a process (its array
  functions check for BLAS when they load), which imports the whole ``scipy.linalg`` package
  (~0.2-0.3 s, a tenth of a short job).  ``preload_blas`` loads the ``cython_blas`` extension
  module alone, under its own name, which is all numba reads (the BLAS function pointers).

Both use numba and import machinery that is not a public API; if either is missing they do
nothing, and numba behaves as it does by default.
"""

import hashlib
import importlib.machinery
import importlib.util
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))


def sources_digest(folder=_HERE):
    """SHA-256 of the ``.py`` files of ``folder`` (names and contents, sorted by name)."""
    digest = hashlib.sha256()
    for name in sorted(os.listdir(folder)):
        if name.endswith(".py"):
            digest.update(name.encode())
            with open(os.path.join(folder, name), "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()


def stamp_caches_with_sources():
    """Stamp the cache of every kernel of this package with ``sources_digest()``."""
    try:
        from numba.core import caching

        # (CacheImpl in recent numba, _CacheImpl in older ones)
        base = getattr(caching, "CacheLocator", None) or caching._CacheLocator
        impl = getattr(caching, "CacheImpl", None) or caching._CacheImpl
        registry = impl._locator_classes
    except (ImportError, AttributeError):  # pragma: no cover - another numba
        return
    if any(getattr(cls, "_rbmsweep", False) for cls in registry):
        return
    stamp = ("rbmsweep.kernels", sources_digest())

    class KernelSourcesLocator(base):
        """numba's own locator for the file (the same cache folder), with the package's stamp."""

        _rbmsweep = True

        def __init__(self, inner):
            self._inner = inner

        def ensure_cache_path(self):
            return self._inner.ensure_cache_path()

        def get_cache_path(self):
            return self._inner.get_cache_path()

        def get_source_stamp(self):
            return stamp

        def get_disambiguator(self):
            return self._inner.get_disambiguator()

        @classmethod
        def from_function(cls, py_func, py_file):
            if os.path.dirname(os.path.abspath(py_file)) != _HERE:
                return None
            for locator in registry:
                if locator is not cls:
                    inner = locator.from_function(py_func, py_file)
                    if inner is not None:
                        return cls(inner)
            return None

    registry.insert(0, KernelSourcesLocator)


def preload_blas():
    """Load ``scipy.linalg.cython_blas`` without its package (see the module docstring)."""
    name = "scipy.linalg.cython_blas"
    if name in sys.modules or "scipy.linalg" in sys.modules:
        return
    try:
        import scipy  # cheap: numpy, and the package's own small modules

        folder = os.path.join(os.path.dirname(scipy.__file__), "linalg")
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = os.path.join(folder, "cython_blas" + suffix)
            if os.path.exists(path):
                break
        else:
            return
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[name]
            raise
    except Exception:  # pragma: no cover - numba then imports scipy.linalg as usual
        return


def cache_statistics():
    """(loaded, compiled): how many cached kernels of this package this process loaded from
    numba's cache and how many it compiled (numba's dispatcher statistics).  A job that
    started from a warm cache compiled none (``rbmsweep run`` logs it)."""
    from numba.core.dispatcher import Dispatcher

    loaded = compiled = 0
    seen = set()
    for name, module in list(sys.modules.items()):
        if not name.startswith(__package__ + ".") or module is None:
            continue
        for value in list(vars(module).values()):
            for item in value.values() if isinstance(value, dict) else [value]:
                if isinstance(item, Dispatcher) and id(item) not in seen:
                    seen.add(id(item))
                    if getattr(item, "_cache", None) is not None and item._can_compile:
                        loaded += sum(item.stats.cache_hits.values())
                        compiled += sum(item.stats.cache_misses.values())
    return loaded, compiled
