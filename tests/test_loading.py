"""How the kernels load (rbmsweep.kernels.loading): a cached kernel is invalidated by an edit of
any file of the kernels package, not only its own; numba's BLAS works without scipy.linalg."""

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

KERNELS = Path(__file__).resolve().parents[1] / "src" / "rbmsweep" / "kernels"

#: a kernel of partition.py whose compiled code carries unit_functions.py's helpers
PROBE = textwrap.dedent("""
    import numpy as np
    from kcopy import partition
    v = np.ones((3, 4), dtype=np.int8)
    out = partition.negative_free_energies(v, np.full((4, 2), 0.1), np.zeros(4), np.zeros(2), 0, 0)
    assert np.allclose(out, 2 * np.log(2 * np.cosh(0.4)))
    d = partition.negative_free_energies
    print("hits", sum(d.stats.cache_hits.values()), "misses", sum(d.stats.cache_misses.values()))
""")


def probe(folder, cache):
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=folder, capture_output=True,
                            text=True, timeout=600,
                            env={"PATH": "/usr/bin:/bin", "NUMBA_CACHE_DIR": str(cache),
                                 "PYTHONPATH": str(folder)})
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.split()[-3:]


def test_an_edit_of_a_helper_file_invalidates_the_kernels_that_carry_it(tmp_path):
    shutil.copytree(KERNELS, tmp_path / "kcopy", ignore=shutil.ignore_patterns("__pycache__"))
    cache = tmp_path / "cache"
    assert probe(tmp_path, cache) == ["0", "misses", "1"]  # compiled
    assert probe(tmp_path, cache) == ["1", "misses", "0"]  # loaded from the cache
    helper = tmp_path / "kcopy" / "unit_functions.py"
    helper.write_text(helper.read_text() + "\n# an edit\n")
    assert probe(tmp_path, cache) == ["0", "misses", "1"], "a stale kernel came from the cache"


def test_blas_products_work_without_importing_scipy_linalg():
    code = textwrap.dedent("""
        import json, sys
        import numpy as np
        from rbmsweep.kernels import pcd
        a, b = np.arange(12.0).reshape(3, 4), np.arange(8.0).reshape(4, 2)
        out = np.empty((3, 2))
        pcd._dot_serial(a, b, out)
        print(json.dumps(out.tolist()), "scipy.linalg" in sys.modules)
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    values, imported = result.stdout.rsplit(" ", 1)
    a, b = np.arange(12.0).reshape(3, 4), np.arange(8.0).reshape(4, 2)
    assert json.loads(values) == (a @ b).tolist()
    assert imported.strip() == "False"
