"""Reuse a main notebook's own definitions in its solutions notebook, without copying them.

A solutions notebook (``notebooks/solutions/NN_name_solutions.ipynb``) answers the exercises of
``notebooks/NN_name.ipynb``. Where it needs a function or the profile table of the main
notebook, it takes the *source* from the main notebook's py:percent twin
(``notebooks/NN_name.py``, kept in step by jupytext) and runs just those top-level statements in
its own namespace::

    reuse.from_notebook("01_cnn_layer_by_layer", ["P", "build_cnn"], globals())

The definitions then read the solutions notebook's globals (its ``x_train``, its ``P``), so the
names they use must be defined first: a missing one is reported at once, not when the function
is first called. On a Colab install (no repository folder) the twin is downloaded from
``REPO_URL``.

The module knows nothing of Keras or data; it reads Python source.
"""

from __future__ import annotations

import ast
import builtins
import linecache
import symtable
import urllib.request
from collections.abc import MutableMapping, Sequence
from pathlib import Path

from .paths import repo_root


def twin_path(notebook: str, root: Path | None = None) -> Path | None:
    """The py:percent twin of ``notebook`` (a stem such as ``"01_cnn_layer_by_layer"``), if
    the repository is here; ``None`` otherwise."""
    root = root or repo_root()
    if root is None:
        return None
    return root / "notebooks" / f"{notebook}.py"


def notebook_source(notebook: str, root: Path | None = None) -> str:
    """The twin's source: from the repository when it is here, else from ``REPO_URL``."""
    if not notebook or "/" in notebook or notebook.endswith((".py", ".ipynb")):
        raise ValueError(
            f"expected a notebook stem such as '01_cnn_layer_by_layer', got {notebook!r}"
        )
    path = twin_path(notebook, root)
    if path is not None:
        if not path.is_file():
            raise FileNotFoundError(f"no notebook twin {path} (expected notebooks/{notebook}.py)")
        return path.read_text(encoding="utf-8")
    import dl_helpers

    url = f"{dl_helpers.REPO_URL}/raw/main/notebooks/{notebook}.py"
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - fixed https URL
        return response.read().decode("utf-8")


def _defined_names(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    return []


def top_level_statements(source: str, names: Sequence[str]) -> dict[str, ast.stmt]:
    """The top-level statement that (last) defines each name in ``names``: a ``def``, a
    ``class`` or a plain assignment. A name the source does not define is an error."""
    if isinstance(names, str) or not names:
        raise TypeError(f"expected a non-empty list of names, got {names!r}")
    found: dict[str, ast.stmt] = {}
    for node in ast.parse(source).body:
        for name in _defined_names(node):
            if name in names:
                found[name] = node
    missing = [n for n in names if n not in found]
    if missing:
        raise KeyError(f"the notebook defines no top-level {missing} (def, class or assignment)")
    return found


def _free_names(code: str) -> tuple[set[str], set[str]]:
    """The global names a snippet reads: ``(now, later)``, those read when it runs (module
    level, default values, decorators) and those read only when a function it defines is
    called."""
    table = symtable.symtable(code, "<notebook>", "exec")
    bound = {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported()}
    now = {s.get_name() for s in table.get_symbols() if s.is_referenced()} - bound
    later: set[str] = set()

    def visit(scope: symtable.SymbolTable) -> None:
        later.update(s.get_name() for s in scope.get_symbols() if s.is_global())
        for child in scope.get_children():
            visit(child)

    for child in table.get_children():
        visit(child)
    return now, later - bound


def from_notebook(
    notebook: str,
    names: Sequence[str],
    namespace: MutableMapping[str, object],
    root: Path | None = None,
) -> list[str]:
    """Run the main notebook's top-level definitions of ``names`` in ``namespace`` (a solutions
    notebook passes ``globals()``), in the order the notebook defines them.

    Every global name the definitions read (other than the ones brought in together and
    builtins) must already be in ``namespace``; otherwise a ``NameError`` lists what to define
    first. Returns the names defined.
    """
    if not isinstance(namespace, MutableMapping):
        raise TypeError(f"expected a namespace such as globals(), got {type(namespace).__name__}")
    source = notebook_source(notebook, root)
    statements = top_level_statements(source, names)
    ordered = sorted(set(statements.values()), key=lambda node: node.lineno)
    lines = source.splitlines()
    segments = [
        "\n".join(
            lines[
                min([n.lineno for n in getattr(node, "decorator_list", [])] + [node.lineno])
                - 1 : node.end_lineno
            ]
        )
        for node in ordered
    ]
    known = set(namespace) | set(dir(builtins))
    missing: set[str] = set()
    brought = {n for node in ordered for n in _defined_names(node)}
    for node, segment in zip(ordered, segments):
        now, later = _free_names(segment)
        missing |= now - known  # read as the statement runs: must exist before it
        missing |= later - known - brought  # read when called: may come with this import
        known |= set(_defined_names(node))
    if missing:
        raise NameError(
            f"{notebook}'s {sorted(names)} read {sorted(missing)}: define them in this notebook "
            "first"
        )
    code = "\n\n".join(segments) + "\n"
    # a source "file" for inspect and AutoGraph (tf.data.map, tf.function read the source)
    filename = f"<notebooks/{notebook}.py: {', '.join(sorted(brought))}>"
    linecache.cache[filename] = (len(code), None, code.splitlines(keepends=True), filename)
    exec(compile(code, filename, "exec"), namespace)  # noqa: S102 - the repository's own code
    return sorted(brought)
