"""``benchmarks/results.md`` is made of ``## `` sections; each benchmark rewrites only its own."""

from __future__ import annotations

from pathlib import Path

OUT = Path(__file__).resolve().parent / "results.md"


def split_sections(text: str, level: str = "## ") -> tuple[list[str], dict[str, list[str]]]:
    """The lines before the first heading of ``level``, and each section's lines by heading."""
    head: list[str] = []
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith(level):
            current = sections.setdefault(line[len(level) :].strip(), [])
        if current is None:
            head.append(line)
        else:
            current.append(line)
    return head, sections


def section(title: str, path: Path = OUT) -> list[str]:
    """The lines of section ``## title`` of the results file (heading included), or none."""
    text = path.read_text() if path.exists() else ""
    return split_sections(text)[1].get(title, [])


def write_section(title: str, lines: list[str], path: Path = OUT) -> None:
    """Replace (or append) section ``## title``; every other section stays as it was."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    head, sections = split_sections(text)
    body = [f"## {title}", *lines]
    while body and not body[-1].strip():
        body.pop()
    sections[title] = [*body, ""]
    out = [*head] + [line for lines_ in sections.values() for line in lines_]
    path.write_text("\n".join(out).rstrip("\n") + "\n")
