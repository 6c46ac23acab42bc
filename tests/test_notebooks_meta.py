"""Checks on the committed notebooks that nbval does not make: shape, profile table, Colab setup."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest

import dl_helpers

ROOT = Path(__file__).resolve().parent.parent
MAIN = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SOLUTIONS = sorted((ROOT / "notebooks" / "solutions").glob("[0-9][0-9]_*_solutions.ipynb"))
NOTEBOOKS = MAIN + SOLUTIONS
SPLIT = "from dl_helpers import config"


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text())["cells"]


def _source(cell: dict) -> str:
    return "".join(cell["source"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_shape(path):
    cells = _cells(path)
    code = [_source(c) for c in cells if c["cell_type"] == "code"]
    assert _source(cells[0]).startswith("# "), "first cell: title and question"
    assert "colab.research.google.com" in _source(cells[0]), "title cell links to Colab"
    assert SPLIT in code[0] and "setup_notebook" in code[0], "first code cell is the setup cell"
    assert "profile_settings(" in code[1], "second code cell declares the profile table"
    checked = [c for c in code if c.startswith("# NBVAL_CHECK_OUTPUT")]
    assert len(checked) == 1 and "report_claims(" in checked[0], "one checked results cell"
    if path in MAIN:
        assert cells[-1]["cell_type"] == "markdown" and "Takeaways" in _source(cells[-1])


def test_every_main_notebook_has_its_solutions():
    """One solutions notebook per main notebook, named after it, and none without one."""
    assert [p.stem for p in SOLUTIONS] == [p.stem + "_solutions" for p in MAIN]


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_solutions_answer_every_exercise_in_order(path):
    """One ``## Exercise k`` section per exercise of the main notebook, k = 1, 2, ... in order."""
    main = ROOT / "notebooks" / path.name.replace("_solutions", "")
    exercises = next(_source(c) for c in _cells(main) if "**Exercises.**" in _source(c))
    asked = [int(k) for k in re.findall(r"\((\d)\) ", exercises.split("**Exercises.**")[1])]
    answered = [
        int(k)
        for c in _cells(path)
        if c["cell_type"] == "markdown"
        for k in re.findall(r"^## Exercise (\d)", _source(c), flags=re.M)
    ]
    assert asked == list(range(1, len(asked) + 1)) and answered == asked


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_repo_url_is_the_package_one(path):
    text = path.read_text()
    assert f'REPO_URL = \\"{dl_helpers.REPO_URL}\\"' in text
    slug = dl_helpers.REPO_URL.removeprefix("https://github.com/")
    where = path.relative_to(ROOT).as_posix()
    assert f"colab.research.google.com/github/{slug}/blob/main/{where}" in text


@pytest.mark.skipif(not NOTEBOOKS, reason="no notebooks yet")
def test_colab_install_branch_installs_from_a_clone(tmp_path):
    """Run the setup cell's Colab branch in a fresh venv without dl_helpers (dependencies are
    not installed, to keep the test fast: PIP_NO_DEPS), installing from this checkout."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    setup = next(_source(c) for c in _cells(NOTEBOOKS[0]) if c["cell_type"] == "code")
    install_part = setup.split(SPLIT)[0].replace(dl_helpers.REPO_URL, ROOT.as_uri())
    env_dir = tmp_path / "colab"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    script = (
        "import sys, types\n"
        "sys.modules['google'] = types.ModuleType('google')\n"
        "sys.modules['google.colab'] = types.ModuleType('google.colab')\n"
        + install_part
        + "\nimport importlib, dl_helpers\nprint(dl_helpers.__version__)\n"
    )
    env = {**os.environ, "PIP_NO_DEPS": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    done = subprocess.run(
        [str(python), "-c", script], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith(dl_helpers.__version__)
    # and the branch does nothing outside Colab, where dl_helpers is importable
    again = subprocess.run(
        [sys.executable, "-c", install_part], capture_output=True, text=True, timeout=60
    )
    assert again.returncode == 0 and again.stdout == ""


def _jupytext_options() -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["jupytext"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_text_twin_is_in_sync(path):
    """Every notebook has a py:percent twin holding the same cells (``make sync`` mends it)."""
    jupytext = pytest.importorskip("jupytext")
    options = _jupytext_options()
    assert options["formats"] == "ipynb,py:percent"
    twin = path.with_suffix(".py")
    assert twin.exists(), f"{twin.name} is missing: run `make sync`"
    fmt = {
        "extension": ".py",
        "format_name": "percent",
        "notebook_metadata_filter": options["notebook_metadata_filter"],
        "cell_metadata_filter": options["cell_metadata_filter"],
    }
    expected = jupytext.writes(jupytext.read(path), fmt=fmt)
    assert twin.read_text() == expected, f"{path.name} and {twin.name} differ: run `make sync`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_names_its_kernel(path):
    """A kernelspec, so JupyterLab does not pick one (and mark the notebook modified) on open."""
    assert json.loads(path.read_text())["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_code_cells_are_short(path):
    """Cells a student reads stay short: the average code cell is at most 10 lines."""
    code = [_source(c) for c in _cells(path) if c["cell_type"] == "code"]
    average = sum(len(s.splitlines()) for s in code) / len(code)
    assert average <= 10, f"average code cell is {average:.1f} lines; split long cells"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_saved_logs_are_merged_streams(path):
    """One stream output per run of prints, as JupyterLab saves it (no doubled logs on Trust)."""
    for cell in _cells(path):
        names = [o.get("name") for o in cell.get("outputs", []) if o["output_type"] == "stream"]
        kinds = [o["output_type"] + o.get("name", "") for o in cell.get("outputs", [])]
        for first, second in zip(kinds, kinds[1:]):
            assert not (first == second and first.startswith("stream")), (
                f"cell {cell.get('id')} has consecutive {names} stream outputs: run make notebooks"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_colab_metadata_and_profile_field(path):
    """Colab opens the notebook asking for a GPU, and the setup cell has a profile field."""
    meta = json.loads(path.read_text())["metadata"]
    assert meta["accelerator"] == "GPU" and "colab" in meta
    setup = next(_source(c) for c in _cells(path) if c["cell_type"] == "code")
    assert 'PROFILE = "auto"  # @param ["auto", "quick", "standard", "full"]' in setup
    assert "setup_notebook(seed=42, profile=PROFILE)" in setup


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_links_resolve_on_colab(path):
    """A relative link to another file of the repository does not resolve on Colab: the only
    relative links are to another notebook that exists (JupyterLab opens it), with that
    notebook's Colab link beside them in the same cell."""
    slug = dl_helpers.REPO_URL.removeprefix("https://github.com/")
    for cell in _cells(path):
        if cell["cell_type"] == "markdown":
            text = _source(cell)
            for target in re.findall(r"\]\(([^)#]+)\)", text):
                if target.startswith(("http://", "https://")):
                    continue
                assert target.endswith(".ipynb"), f"relative link {target}"
                linked = (path.parent / target).resolve()
                assert linked.is_file(), f"{target} does not exist"
                where = linked.relative_to(ROOT).as_posix()
                colab = f"https://colab.research.google.com/github/{slug}/blob/main/{where}"
                assert colab in text, f"relative link {target} without its Colab link"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_empty_outputs_or_long_log_lines(path):
    """No blank output (Keras's rich summary leaves one) and epoch/claim lines within 100
    characters (JupyterLab wraps longer lines mid-number)."""
    for cell in _cells(path):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if data and set(data) <= {"text/plain", "text/html"}:
                plain = "".join(data.get("text/plain", ""))
                html = re.sub(r"<[^>]+>", "", "".join(data.get("text/html", "")))
                assert (plain + html).strip(), f"empty output in cell {cell.get('id')}"
            for line in "".join(output.get("text", "")).splitlines():
                if line.startswith("epoch ") or line.endswith(("... True", "... False")):
                    assert len(line) <= 100, line
