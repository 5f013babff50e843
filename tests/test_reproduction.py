"""The reproduction table (docs/physics.md §17.5): the claims of the kinds evaluated on
aggregates whose answer is known, n/a when a study does not measure a claim, a failing check
reported rather than raised, and the table written as Markdown and HTML."""

import types

import numpy as np
import pytest
import xarray as xr

from rbmsweep import reproduction, studies
from rbmsweep.studies import Claim, Outcome, diffusion, place_cells, spectrum


def widths(slope, slope_err, intercept, intercept_err, n_hidden=(1, 3)):
    shape = (len(n_hidden),)
    return xr.Dataset({"slope": ("n_hidden", np.full(shape, slope)),
                       "slope_stderr": ("n_hidden", np.full(shape, slope_err)),
                       "intercept": ("n_hidden", np.full(shape, intercept)),
                       "intercept_stderr": ("n_hidden", np.full(shape, intercept_err))},
                      coords={"n_hidden": list(n_hidden), "xi": ("beta", [1.3, 3.7]),
                              "beta": [0.5, 1.0]})


def tiling_of(centers, n_sites=100):
    cube = xr.Dataset({"peak_center": (("n_hidden", "seed", "epoch", "hidden"),
                                       np.asarray(centers, float)[:, :, None, :])},
                      coords={"n_hidden": [3], "visible": np.arange(n_sites)})
    return place_cells.tiling(cube)


def test_place_cell_claims():
    line, tiles = place_cells.CLAIMS
    assert line.check({"widths": widths(4.1, 0.8, 2.1, 3.1)}).passed is True
    assert line.check({"widths": widths(4.1, 0.8, -1.0, 3.1)}).passed is False  # intercept < 0
    assert line.check({"widths": widths(1.0, 0.8, 2.0, 1.0)}).passed is False  # slope not > 2σ
    assert line.check({"widths": widths(4.1, 0.8, 2.1, 3.1, n_hidden=(3,))}).passed is None
    spread = tiling_of([[[5, 38, 70], [90, 20, 55]]])  # gaps 32/33/35 and 30/35/35 sites
    assert tiles.check({"tiling": spread}).passed is True
    assert float(spread["smallest_gap_ratio_mean"].sel(n_hidden=3)) == pytest.approx(
        (32 / (100 / 3) + 30 / (100 / 3)) / 2)
    crowded = tiling_of([[[5, 8, 70], [50, 52, 54]]])  # two fields on top of each other
    assert tiles.check({"tiling": crowded}).passed is False


def crossover(top_at_beta_zero, n_visible=50):
    alpha = np.array([0.02, 0.2, 1.0, 2.0])
    beta = np.array([0.0, 0.8])
    edge = (1 + np.sqrt(alpha)) ** 2
    predicted = np.stack([edge * 0.9, np.full(4, 5.0)])
    measured = np.stack([predicted[0] * top_at_beta_zero, predicted[1]])
    return xr.Dataset({
        "top_eigenvalue_mean": (("beta", "alpha"), measured),
        "top_eigenvalue_std": (("beta", "alpha"), np.full((2, 4), 0.01)),
        "finite_size_deviation": (("beta", "alpha"), measured / predicted - 1),
        "finite_size_deviation_stderr": (("beta", "alpha"), np.full((2, 4), 0.002)),
        "marchenko_pastur_edge": ("alpha", edge),
        "signal_eigenvalue": ("beta", [1.0, 4.95]),
    }, coords={"beta": beta, "alpha": alpha}, attrs={"n_visible": n_visible})


def test_spectrum_claims():
    edge, signal, finite = spectrum.CLAIMS
    assert edge.check({"crossover": crossover(1.01)}).passed is True
    assert edge.check({"crossover": crossover(1.10)}).passed is False
    assert signal.check({"crossover": crossover(1.0)}).passed is True  # 5.0 vs 4.95
    assert finite.check({"crossover": crossover(1.02)}).passed is True
    assert finite.check({"crossover": crossover(1.05)}).passed is False


def diffusion_result(spread, rms, fresh=True):
    return xr.Dataset({
        "diffusion_coefficient": (("n_hidden", "estimator"), [[1.0, 1.0, 1.0]]),
        "pair_distance_spread": ("n_hidden", [spread]),
        "rms_displacement": ("n_hidden", [rms]),
    }, coords={"n_hidden": [3], "estimator": list(diffusion.ESTIMATORS), "fresh_data": fresh})


def test_diffusion_claims_together_and_not_applicable():
    claims = {claim.figure: claim for claim in diffusion.CLAIMS}
    together = claims["HTCM20 Fig. 6"]
    assert together.check({"diffusion": diffusion_result(2.0, 30.0)}).passed is True
    assert together.check({"diffusion": diffusion_result(15.0, 30.0)}).passed is False
    pinning = claims["HTCM20 Fig. 5, §III.3"]
    outcome = pinning.check({"diffusion": diffusion_result(2.0, 30.0)})
    assert outcome.passed is None and "fresh_data" in outcome.measured


def test_table_rows_errors_and_files(monkeypatch):
    def broken(aggregates):
        raise KeyError("not_there")

    fake = types.SimpleNamespace(CLAIMS=(
        Claim("a | claim", "Fig. 1", "1", "equal", ("a",), lambda a: Outcome("1.0", True)),
        Claim("another", "Fig. 2", "", "never", ("a",), lambda a: Outcome("no", False)),
        Claim("not here", "Fig. 3", "", "-", ("a",), lambda a: Outcome("no data", None)),
        Claim("broken", "Fig. 4", "", "-", ("a",), broken),
    ), AGGREGATES={"a": None})
    monkeypatch.setitem(studies.KINDS, "fake", fake)
    rows = reproduction.evaluate("mine", "fake", {"a": xr.Dataset()},
                                 {"data": {"beta": [0.5, 1.0]}, "seeds": 3})
    assert [row["status"] for row in rows] == ["PASS", "FAIL", "n/a", "ERROR"]
    assert "KeyError" in rows[3]["measured"]
    assert rows[0]["config"] == "beta=[0.5,1.0] seeds=3"
    text = reproduction.markdown(rows, "my.yaml")
    assert "1 PASS, 1 FAIL, 1 n/a, 1 ERROR" in text and "`my.yaml`" in text
    assert "| a \\| claim | Fig. 1 | 1 | 1.0 | PASS | equal |" in text
    page = reproduction.html_page(rows)
    assert "a | claim" in page and "<td style='background:#d8f0d8'>PASS</td>" in page


def test_every_kind_declares_well_formed_claims():
    for kind, module in studies.KINDS.items():
        for claim in studies.claims(kind):
            assert isinstance(claim, Claim) and claim.claim and claim.figure and claim.criterion
            assert set(claim.needs) <= set(module.AGGREGATES), (kind, claim.claim)
            assert callable(claim.check)


def test_a_study_whose_kind_checks_no_claim_still_has_a_section():
    rows = [{"study": "a", "kind": "k", "claim": "c", "figure": "F", "paper": "", "measured": "1",
             "status": "PASS", "criterion": "-", "config": "beta=1 seeds=1"}]
    sections = {"a": ("k", {"data": {"beta": 1}}), "b": ("quiet", {"seeds": 2})}
    text = reproduction.markdown(rows, "c.yaml", sections)
    assert "## a (kind k)" in text and "## b (kind quiet)" in text
    assert text.index("## a") < text.index("## b")
    after = text[text.index("## b"):]
    assert "config: `seeds=2`" in after and reproduction.NO_CLAIMS in after and "| c |" not in after
    page = reproduction.html_page(rows, "c.yaml", sections)
    assert "<h2>b (kind quiet)</h2>" in page and reproduction.NO_CLAIMS in page
