"""Repeated runs, intervals and the claim rule, checked against answers worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dl_helpers import evidence
from dl_helpers.results import Claim


def test_mean_interval_by_hand():
    # mean 2, sample sd 1, n 3: half-width = t(0.975, 2) * 1 / sqrt(3) = 4.3027 / 1.7321 = 2.4841
    ci = evidence.mean_interval([1.0, 2.0, 3.0])
    assert ci.estimate == pytest.approx(2.0)
    assert ci.low == pytest.approx(2 - 2.48413, abs=1e-4)
    assert ci.high == pytest.approx(2 + 2.48413, abs=1e-4)
    assert ci.n == 3 and ci.half_width == pytest.approx(2.48413, abs=1e-4)


def test_identical_runs_give_a_zero_width_interval():
    ci = evidence.mean_interval([0.5, 0.5, 0.5])
    assert (ci.low, ci.estimate, ci.high) == (0.5, 0.5, 0.5)


def test_paired_difference_clearly_positive_and_not():
    a = [0.70, 0.72, 0.71, 0.73, 0.69]
    clear = evidence.paired_difference(a, [x - 0.05 for x in a])
    assert clear.low == pytest.approx(0.05) and clear.high == pytest.approx(0.05)
    noisy = evidence.paired_difference([0.70, 0.60, 0.75], [0.65, 0.66, 0.70])
    # differences 0.05, -0.06, 0.05: mean 0.0133, the interval straddles zero
    assert noisy.estimate == pytest.approx(0.04 / 3)
    assert noisy.low < 0 < noisy.high


def test_pairing_removes_shared_variance():
    # the arms move together from seed to seed; the difference is steady
    base = np.array([0.60, 0.70, 0.80, 0.65])
    unpaired = evidence.mean_interval(base + 0.02)
    paired = evidence.paired_difference(base + 0.02, base + [0.0, 0.001, -0.001, 0.0])
    assert paired.half_width < unpaired.half_width / 10 and paired.low > 0


@pytest.mark.parametrize(
    "values, message",
    [([1.0], "at least 2 runs"), ([1.0, math.nan], "NaN"), (["a", "b"], "sequence of numbers")],
)
def test_interval_bad_input(values, message):
    with pytest.raises(ValueError, match=message):
        evidence.mean_interval(values)


def test_paired_difference_needs_matching_runs():
    with pytest.raises(ValueError, match="match one to one"):
        evidence.paired_difference([1, 2, 3], [1, 2])


def test_paired_bootstrap_on_a_test_set():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 10, 400)
    better = np.where(rng.random(400) < 0.9, y, (y + 1) % 10)  # about 90% right
    worse = np.where(rng.random(400) < 0.6, y, (y + 1) % 10)  # about 60% right
    ci = evidence.paired_bootstrap(y, better, worse, seed=1, n_resamples=500)
    assert ci.estimate == pytest.approx(np.mean(better == y) - np.mean(worse == y))
    assert 0.2 < ci.low < ci.estimate < ci.high < 0.4
    same = evidence.paired_bootstrap(y, better, better, seed=1, n_resamples=200)
    assert same.low == same.high == 0
    with pytest.raises(ValueError, match="same examples"):
        evidence.paired_bootstrap(y, better[:-1], worse, seed=1)


def test_derive_seeds_is_deterministic_and_distinct():
    seeds = evidence.derive_seeds(42, 5)
    assert seeds == evidence.derive_seeds(42, 5) and len(set(seeds)) == 5
    assert seeds != evidence.derive_seeds(43, 5)
    with pytest.raises(ValueError, match="positive number of runs"):
        evidence.derive_seeds(42, 0)


def test_run_seeds_seeds_each_run_completely():
    def experiment(seed):
        return {"draw": float(np.random.rand()), "seed": seed}

    first = evidence.run_seeds(experiment, [1, 2, 3])
    again = evidence.run_seeds(experiment, [1, 2, 3])
    assert first == again and first["seed"] == [1.0, 2.0, 3.0]
    assert len(set(first["draw"])) == 3
    with pytest.raises(ValueError, match="distinct"):
        evidence.run_seeds(experiment, [1, 1])


def test_run_seeds_refuses_runs_with_different_metrics():
    with pytest.raises(ValueError, match="returned metrics"):
        evidence.run_seeds(lambda seed: {"a": 1} if seed == 1 else {"b": 1}, [1, 2])


def test_comparison_claim_holds_on_the_lower_end():
    claim = Claim("A beats B by the margin", "gain", ">=", 0.03, compares=True)
    steady = claim.evaluate({"gain": [0.05, 0.06, 0.055]})
    assert steady["holds"] and steady["n"] == 3 and steady["ci95"][0] > 0.03
    # same mean, but the spread puts the lower end under the margin
    shaky = claim.evaluate({"gain": [0.01, 0.10, 0.055]})
    assert shaky["value"] == pytest.approx(0.055) and not shaky["holds"]


def test_upper_bound_claim_uses_the_upper_end():
    claim = Claim("loss stays within the margin", "loss", "<=", 0.01, compares=True)
    assert claim.holds({"loss": [0.001, 0.002, 0.0015]})
    assert not claim.holds({"loss": [-0.02, 0.03, 0.005]})


def test_level_claim_holds_on_the_mean_and_reports_its_interval():
    claim = Claim("accuracy reaches the threshold", "acc", ">=", 0.99)
    result = claim.evaluate({"acc": [0.989, 0.992, 0.992]})
    assert result["holds"] and result["value"] == pytest.approx(0.991)
    assert result["ci95"][0] < 0.99 < result["ci95"][1]


def test_one_run_is_judged_on_its_value():
    claim = Claim("A beats B", "gain", ">", 0.0, compares=True)
    result = claim.evaluate({"gain": 0.01})
    assert result == {"n": 1, "values": [0.01], "value": 0.01, "holds": True}


@pytest.mark.parametrize("bad", ["0.9", None, [], [0.5, "x"], True])
def test_non_numeric_metric_names_the_claim_and_the_metric(bad):
    claim = Claim("accuracy reaches the threshold", "acc", ">=", 0.9)
    with pytest.raises(ValueError, match="metric 'acc'.*(number|empty)"):
        claim.evaluate({"acc": bad})


def test_non_numeric_threshold_is_refused():
    with pytest.raises(ValueError, match="threshold must be a number"):
        Claim("x", "acc", ">=", "high")


def test_summary_table_by_hand_and_with_one_run():
    table = evidence.summary({"three runs": [1.0, 2.0, 3.0], "one run": [0.5]})
    row = table.loc["three runs"]
    assert row["mean"] == pytest.approx(2.0) and row["n"] == 3
    assert row["low"] == pytest.approx(2 - 2.48413, abs=1e-4)
    assert row["high"] == pytest.approx(2 + 2.48413, abs=1e-4)
    assert row["values"] == [1.0, 2.0, 3.0]
    one = table.loc["one run"]
    assert one["mean"] == 0.5 and math.isnan(one["low"]) and math.isnan(one["high"])


@pytest.mark.parametrize("columns", [{}, {"empty": []}, {"nan": [1.0, float("nan")]}])
def test_summary_refuses_missing_or_non_finite_runs(columns):
    with pytest.raises(ValueError, match="summary needs|one finite value per run"):
        evidence.summary(columns)


def test_summary_takes_a_dataframe_with_one_column_per_entry():
    import pandas as pd

    runs = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [0.5, 0.5, 0.5]})
    table = evidence.summary(runs)
    assert list(table.index) == ["a", "b"]
    assert table.loc["a", "mean"] == pytest.approx(2.0) and table.loc["b", "n"] == 3
    with pytest.raises(ValueError, match="summary needs"):
        evidence.summary(pd.DataFrame())


def test_not_shown_claim_holds_when_the_interval_does_not_establish_the_comparison():
    claim = Claim("A is not shown to beat B", "gain", ">", 0.0, compares=True, shown=False)
    # mean above zero, but the lower end reaches below it: not shown
    unclear = claim.evaluate({"gain": [-0.05, 0.20, 0.10]})
    assert unclear["value"] > 0 and unclear["ci95"][0] < 0 and unclear["holds"]
    # a clear win is shown, so the negative claim fails
    assert not claim.holds({"gain": [0.10, 0.11, 0.12]})
    assert claim.holds({"gain": -0.01}) and not claim.holds({"gain": 0.01})  # one run


def test_not_shown_is_only_for_comparisons():
    with pytest.raises(ValueError, match="shown=False is for comparisons"):
        Claim("level", "acc", ">=", 0.9, shown=False)
