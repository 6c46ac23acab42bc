from __future__ import annotations

import json
from pathlib import Path

import pytest

from dl_helpers import cli

ROOT = Path(__file__).resolve().parent.parent


def test_readme_results_table_is_up_to_date(capsys):
    assert cli.main(["report", "--check"]) == 0, capsys.readouterr().out


def test_report_detects_stale_table(tmp_path, monkeypatch):
    (tmp_path / "dl_helpers").mkdir()
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "README.md").write_text(f"x\n{cli.README_START}\nold\n{cli.README_END}\n")
    res = tmp_path / "results" / "standard"
    res.mkdir(parents=True)
    (res / "01_demo.json").write_text(
        json.dumps(
            {
                "notebook": "01_demo",
                "wall_time_s": 60,
                "versions": {"tensorflow": "2", "keras": "3", "cpus": "2"},
                "claims": [
                    {
                        "text": "c",
                        "op": ">=",
                        "threshold": 1,
                        "value": 2,
                        "holds": True,
                        "reference": "seed",
                    }
                ],
            }
        )
    )
    monkeypatch.chdir(tmp_path)
    assert cli.main(["report", "--check"]) == 1
    assert cli.main(["report"]) == 0
    assert cli.main(["report", "--check"]) == 0
    assert (
        "| 01_demo | c | 2 | 1 | >= 1 | seed | pass | 1.0 min |"
        in (tmp_path / "README.md").read_text()
    )


def test_run_with_no_notebooks_is_not_an_error(tmp_path, monkeypatch, capsys):
    (tmp_path / "dl_helpers").mkdir()
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path)
    assert cli.main(["run", "--profile", "quick"]) == 0
    assert "nothing to run" in capsys.readouterr().out


def test_solutions_run_right_after_their_main_notebook(tmp_path):
    for name in ("notebooks/02_b.ipynb", "notebooks/01_a.ipynb",
                 "notebooks/solutions/01_a_solutions.ipynb",
                 "notebooks/solutions/02_b_solutions.ipynb", "notebooks/solutions/notes.ipynb",
                 "notebooks/scratch.ipynb"):  # fmt: skip
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}")
    found = [p.relative_to(tmp_path / "notebooks").as_posix() for p in cli.notebooks(tmp_path)]
    assert found == ["01_a.ipynb", "solutions/01_a_solutions.ipynb", "02_b.ipynb",
                     "solutions/02_b_solutions.ipynb"]  # fmt: skip
    only = cli.notebooks(tmp_path, ["02_b_solutions"])
    assert [p.name for p in only] == ["02_b_solutions.ipynb"]


def test_paths_outside_the_repository_are_shown_whole(tmp_path):
    assert cli._shown(ROOT / "build" / "x.ipynb", ROOT) == "build/x.ipynb"
    assert cli._shown(tmp_path / "x.ipynb", ROOT) == str(tmp_path / "x.ipynb")


def test_profile_choices_are_checked(capsys):
    with pytest.raises(SystemExit):
        cli.main(["table", "--profile", "huge"])
    assert "invalid choice: 'huge'" in capsys.readouterr().err


def test_consecutive_stream_outputs_are_merged_once():
    import nbformat

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print(1); print(2)")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="epoch 1\n"),
        nbformat.v4.new_output("stream", name="stdout", text="epoch 2\n"),
        nbformat.v4.new_output("stream", name="stderr", text="warning\n"),
        nbformat.v4.new_output("display_data", data={"text/plain": "figure"}),
        nbformat.v4.new_output("stream", name="stdout", text="done\n"),
    ]
    nb.cells = [cell, nbformat.v4.new_markdown_cell("text")]
    out = cli.merge_streams(nb).cells[0].outputs
    assert [o.get("name", o["output_type"]) for o in out] == [
        "stdout",
        "stderr",
        "display_data",
        "stdout",
    ]
    assert out[0]["text"] == "epoch 1\nepoch 2\n" and out[3]["text"] == "done\n"
    nbformat.validate(nb)


def test_set_repo_url_rewrites_notebooks_and_their_twins(tmp_path, monkeypatch, capsys):
    import dl_helpers

    old = dl_helpers.REPO_URL
    (tmp_path / "dl_helpers").mkdir()
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "notebooks").mkdir()
    badge = f"https://colab.research.google.com/github/{old.removeprefix('https://github.com/')}/"
    for name in (
        "dl_helpers/__init__.py",
        "README.md",
        "notebooks/01_x.ipynb",
        "notebooks/01_x.py",
    ):
        (tmp_path / name).write_text(f'REPO_URL = "{old}"\n[badge]({badge}blob/main/x)\n')
    monkeypatch.chdir(tmp_path)
    assert cli.main(["set-repo-url", "https://github.com/me/fork"]) == 0
    for name in (
        "dl_helpers/__init__.py",
        "README.md",
        "notebooks/01_x.ipynb",
        "notebooks/01_x.py",
    ):
        text = (tmp_path / name).read_text()
        assert old not in text and "https://github.com/me/fork" in text
        assert "colab.research.google.com/github/me/fork/blob" in text
    assert "in 4 files" in capsys.readouterr().out


def test_headless_runs_are_quiet_and_time_out(tmp_path, monkeypatch, capfd):
    """No "running over TCP without encryption" line per notebook, nothing written beside the
    notebook, and a cell past the time limit stops the run with a message (it hung with IPC
    kernels)."""
    import time

    import nbformat

    monkeypatch.chdir(tmp_path)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("print(6 * 7)")]
    nbformat.write(nb, tmp_path / "one.ipynb")
    ok, _, message = cli.execute(tmp_path / "one.ipynb", tmp_path / "out.ipynb", "quick")
    assert ok, message
    assert nbformat.read(tmp_path / "out.ipynb", 4).cells[0].outputs[0]["text"] == "42\n"
    assert "over TCP without encryption" not in capfd.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.ipynb", "out.ipynb"]
    nb.cells = [nbformat.v4.new_code_cell("import time\ntime.sleep(60)")]
    nbformat.write(nb, tmp_path / "slow.ipynb")
    started = time.perf_counter()
    ok, _, message = cli.execute(tmp_path / "slow.ipynb", tmp_path / "out.ipynb", "quick", 3)
    assert not ok and "CellTimeoutError" in message
    assert time.perf_counter() - started < 45
