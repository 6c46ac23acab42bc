"""dl_helpers.reuse: a solutions notebook runs its main notebook's own definitions."""

from __future__ import annotations

import textwrap

import pytest

from dl_helpers import reuse

TWIN = textwrap.dedent(
    '''\
    # %% [markdown]
    # # 99 · a notebook
    # %%
    import numpy as np

    SCALE = 3
    P = dict(width=SCALE * 2)


    def double(x):
        """Twice x, times the notebook's SCALE over 3."""
        return 2 * x * SCALE / 3


    def uses_data(seed: int) -> float:
        return float(np.mean(x_train)) + seed + helper_constant


    class Box:
        size = SCALE


    # a later redefinition wins, as when the notebook runs top to bottom
    SCALE = 4
    '''
)


@pytest.fixture
def repo(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "99_demo.py").write_text(TWIN)
    return tmp_path


def test_brings_functions_and_assignments_in_notebook_order(repo):
    namespace: dict = {"SCALE": 2}
    names = reuse.from_notebook("99_demo", ["double", "SCALE", "P"], namespace, root=repo)
    assert names == ["P", "SCALE", "double"]
    assert namespace["P"] == {"width": 4}, "P runs first, with this namespace's SCALE"
    assert namespace["SCALE"] == 4, "then the last top-level definition of SCALE"
    assert namespace["double"](3) == pytest.approx(8.0), "functions read this namespace's globals"


def test_a_value_read_before_its_last_definition_must_exist(repo):
    """P reads SCALE as it runs, and the SCALE brought along is defined after P."""
    with pytest.raises(NameError, match=r"\['SCALE'\]"):
        reuse.from_notebook("99_demo", ["SCALE", "P"], {}, root=repo)


def test_decorated_definitions_keep_their_decorators(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "98_deco.py").write_text(
        "import functools\n\n\n@functools.lru_cache(maxsize=None)\ndef square(x):\n"
        "    return x * x\n"
    )
    namespace: dict = {"functools": __import__("functools")}
    reuse.from_notebook("98_deco", ["square"], namespace, root=tmp_path)
    assert namespace["square"](4) == 16 and hasattr(namespace["square"], "cache_info")


def test_functions_read_the_callers_globals(repo):
    import numpy as np

    namespace = {"np": np, "x_train": np.array([1.0, 3.0]), "helper_constant": 10}
    reuse.from_notebook("99_demo", ["uses_data"], namespace, root=repo)
    assert namespace["uses_data"](5) == pytest.approx(17.0)
    namespace["x_train"] = np.array([0.0])
    assert namespace["uses_data"](5) == pytest.approx(15.0), "late binding, as in a notebook"


def test_missing_globals_are_named_before_anything_runs(repo):
    namespace: dict = {"np": object()}
    with pytest.raises(NameError, match=r"\['helper_constant', 'x_train'\]"):
        reuse.from_notebook("99_demo", ["uses_data"], namespace, root=repo)
    assert "uses_data" not in namespace


def test_names_the_notebook_does_not_define(repo):
    with pytest.raises(KeyError, match="no top-level.*'triple'"):
        reuse.from_notebook("99_demo", ["double", "triple"], {}, root=repo)
    with pytest.raises(TypeError, match="list of names"):
        reuse.from_notebook("99_demo", "double", {}, root=repo)
    with pytest.raises(TypeError, match="list of names"):
        reuse.from_notebook("99_demo", [], {}, root=repo)


def test_bad_notebook_names_and_namespaces(repo):
    with pytest.raises(ValueError, match="notebook stem"):
        reuse.from_notebook("notebooks/99_demo.py", ["P"], {}, root=repo)
    with pytest.raises(FileNotFoundError, match="98_missing.py"):
        reuse.from_notebook("98_missing", ["P"], {}, root=repo)
    with pytest.raises(TypeError, match="namespace"):
        reuse.from_notebook("99_demo", ["P"], None, root=repo)  # type: ignore[arg-type]


def test_every_solutions_notebook_reuses_names_its_main_notebook_defines():
    """The names each solutions notebook asks for exist in its main notebook's twin (a rename
    in a main notebook fails here, not only in the slow notebook run)."""
    import ast

    from dl_helpers.paths import repo_root

    root = repo_root()
    solutions = sorted((root / "notebooks" / "solutions").glob("[0-9][0-9]_*_solutions.py"))
    calls = 0
    for path in solutions:
        tree = ast.parse(path.read_text())
        lists = {  # names = ["a", "b"] at the top level, passed on by name
            node.targets[0].id: node.value
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "from_notebook":
                notebook = ast.literal_eval(node.args[0])
                names_node = node.args[1]
                if isinstance(names_node, ast.Name):
                    names_node = lists[names_node.id]
                names = ast.literal_eval(names_node)
                assert notebook == path.stem.removesuffix("_solutions"), path.name
                reuse.top_level_statements(reuse.notebook_source(notebook, root), names)
                calls += 1
    assert calls >= len(solutions)


def test_reused_functions_have_source_for_inspect_and_autograph(repo):
    import inspect

    namespace: dict = {"SCALE": 3}
    reuse.from_notebook("99_demo", ["double"], namespace, root=repo)
    source = inspect.getsource(namespace["double"])
    assert source.startswith("def double(x):") and "return 2 * x * SCALE / 3" in source
