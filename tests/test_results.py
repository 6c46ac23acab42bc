from __future__ import annotations

import json

import pytest

from dl_helpers import results
from dl_helpers.results import Claim


def test_claims_print_text_and_write_json(tmp_path, capsys):
    claims = [
        Claim("accuracy reaches the profile threshold", "acc", ">=", 0.9, reference="seed 0.98"),
        Claim("loss stays below the profile threshold", "loss", "<", 0.1),
    ]
    record = results.report_claims(
        "99_demo", {"acc": 0.95, "loss": 0.2}, claims, profile="quick", out_dir=tmp_path
    )
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "accuracy reaches the profile threshold ... True",
        "loss stays below the profile threshold ... False",
    ]
    saved = json.loads((tmp_path / "99_demo.json").read_text())
    assert saved == record and saved["profile"] == "quick"
    assert [c["holds"] for c in saved["claims"]] == [True, False]


def test_nan_never_holds():
    assert not Claim("x", "m", ">=", 0).holds({"m": float("nan")})


def test_unknown_metric_and_op():
    with pytest.raises(KeyError, match="needs metric 'acc'"):
        Claim("x", "acc", ">=", 1).holds({"loss": 1})
    with pytest.raises(ValueError, match="expected one of"):
        Claim("x", "acc", "=>", 1)


def test_table_marks_failures():
    rec = {
        "notebook": "01_x",
        "wall_time_s": 120.0,
        "claims": [
            {"text": "a", "op": ">=", "threshold": 1, "value": 0.5, "holds": False, "reference": ""}
        ],
    }
    table = results.results_table([rec], markdown=True)
    assert "| 01_x | a | 0.5 | 1 | >= 1 |  | FAIL | 2.0 min |" in table


def test_results_dir_is_per_profile_and_never_in_the_repo(tmp_path, monkeypatch):
    monkeypatch.setenv("DLH_RESULTS_DIR", str(tmp_path / "elsewhere"))
    path = results.results_dir("quick")
    assert path == tmp_path / "elsewhere" / "quick" and path.is_dir()


def test_results_dir_outside_a_repo_uses_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("DLH_RESULTS_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(results, "repo_root", lambda: None)
    assert results.results_dir("standard") == tmp_path / "results" / "standard"


def test_read_record_returns_another_notebooks_metrics(tmp_path, monkeypatch):
    monkeypatch.setenv("DLH_RESULTS_DIR", str(tmp_path))
    assert results.read_record("03_demo", "quick") is None
    claims = [Claim("a", "m", ">", 0)]
    results.report_claims("03_demo", {"m": 1.5}, claims, profile="quick", data={"x": "y"})
    assert results.read_record("03_demo", "quick")["metrics"] == {"m": 1.5}
    (tmp_path / "quick" / "04_bad.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match="expected a JSON object with 'metrics'"):
        results.read_record("04_bad", "quick")


def test_results_file_records_runs_and_interval(tmp_path):
    claims = [
        Claim("gain clears the margin", "gain", ">=", 0.0, compares=True),
        Claim("accuracy reaches the threshold", "acc", ">=", 0.5),
    ]
    metrics = {"gain": [0.1, 0.12, 0.11], "acc": 0.8}
    record = results.report_claims("98_demo", metrics, claims, profile="quick", out_dir=tmp_path)
    gain, acc = record["claims"]
    assert gain["n"] == 3 and gain["values"] == [0.1, 0.12, 0.11] and len(gain["ci95"]) == 2
    assert acc["n"] == 1 and "ci95" not in acc
    table = results.results_table([record])
    assert "| 0.11 ± 0.025 | 3 | >= 0 |" in table and "| 0.8 | 1 | >= 0.5 |" in table


def test_table_says_when_a_claim_is_a_not_shown_comparison(tmp_path):
    claim = Claim("A is not shown to beat B", "gain", ">", 0.0, compares=True, shown=False)
    record = results.report_claims("06_x", {"gain": [-0.2, 0.1, -0.05]}, [claim], profile="quick",
                                   out_dir=tmp_path)  # fmt: skip
    assert record["claims"][0]["shown"] is False and record["claims"][0]["holds"]
    assert "| not shown > 0 |" in results.results_table([record], markdown=True)
