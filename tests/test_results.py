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
    record = results.report_claims("99_demo", {"acc": 0.95, "loss": 0.2}, claims, profile="quick", out_dir=tmp_path)
    out = capsys.readouterr().out.splitlines()
    assert out == ["accuracy reaches the profile threshold ... True", "loss stays below the profile threshold ... False"]
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
    rec = {"notebook": "01_x", "wall_time_s": 120.0, "claims": [
        {"text": "a", "op": ">=", "threshold": 1, "value": 0.5, "holds": False, "reference": ""}]}
    table = results.results_table([rec], markdown=True)
    assert "| 01_x | a | 0.5 | >= 1 |  | FAIL | 2.0 min |" in table
