"""Imports follow the layers of README's layout table: data flows one way and no cycle can form.

Each row names what a layer may import from regtrack's own packages (anything else installed is
free). ``regtrack`` alone is the root modules (settings, errors); services and CLI are layers of
their own. A module belongs to the longest layer name that prefixes its dotted name.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from regtrack.settings import PROJECT_ROOT

STAGES = ("ingest", "linking", "diffing", "notifications")
# Storage keeps what stages produce: their models, and the pure functions that define identity
# (the canonical 文号 and the comparison key), never a stage's logic.
STORED = ("ingest.model", "ingest.docnumber", "ingest.normalize", "linking.model", "notifications.model")
ALLOWED: dict[str, tuple[str, ...]] = {
    "ingest": ("ingest",),
    "linking": ("ingest", "linking"),
    "diffing": ("ingest", "diffing"),
    # notifications reads the vocabularies and the stored diff contract of the stages before it
    "notifications": ("notifications", "linking.model", "diffing.model", "diffing.serialize"),
    "storage": ("storage", *STORED),
    "regtrack": ("regtrack.settings", "regtrack.errors", "ingest.errors", "storage.errors"),
    "regtrack.services": (*STAGES, "storage", "regtrack.settings", "regtrack.errors", "regtrack.services"),
    "flows": (*STAGES, "storage", "regtrack.settings", "regtrack.errors", "regtrack.services", "flows"),
    "web": (*STAGES, "storage", "regtrack.settings", "regtrack.errors", "regtrack.services", "flows", "web"),
    "regtrack.cli": (*STAGES, "storage", "regtrack", "flows", "web"),
}
OWN = ("ingest", "linking", "diffing", "notifications", "storage", "regtrack", "flows", "web")


def layer_of(module: str) -> str:
    return max((name for name in ALLOWED if module == name or module.startswith(name + ".")), key=len)


def imported(source: str, module: str) -> set[str]:
    """regtrack's own modules that ``source`` (the text of ``module``) imports, relative ones resolved."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = module.split(".")[: -node.level]
                base = ".".join([*parent, base] if base else parent)
            # `from pkg import mod` imports pkg.mod when it is a module; either way pkg is loaded
            found.update(f"{base}.{alias.name}" for alias in node.names)
            found.add(base)
    return {name for name in found if name.split(".")[0] in OWN}


def violations(module: str, source: str) -> list[str]:
    allowed = ALLOWED[layer_of(module)]
    bad = []
    for name in sorted(imported(source, module)):
        ok = any(name == a or name.startswith(a + ".") or a.startswith(name + ".") for a in allowed)
        if not ok:
            bad.append(
                f"{module} imports {name} (layer {layer_of(module)!r} may import {', '.join(allowed)})"
            )
    return bad


def modules() -> list[tuple[str, Path]]:
    out = []
    for package in OWN:
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out.append((name, path))
    return out


def test_every_import_follows_the_layers() -> None:
    bad = [v for name, path in modules() for v in violations(name, path.read_text(encoding="utf-8"))]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize(
    ("module", "line"),
    [
        # the three cycles the layering was made to end
        ("notifications.planner", "from storage import outbox"),
        ("regtrack.services.views", "from flows.trigger import start_deployment"),
        ("regtrack.services.ingest", "from web.app import create_app"),
        # and the shortcuts that would bring them back
        ("linking.extract", "from regtrack.settings import Settings"),
        ("ingest.parse", "from linking.model import SourceDoc"),
        ("storage.documents", "from linking.resolve import resolve"),
        ("flows.tasks", "from web import jobs"),
        ("regtrack.errors", "from regtrack.services import ingest"),
    ],
)
def test_a_bad_import_is_caught(module: str, line: str) -> None:
    assert violations(module, line), f"{line!r} in {module} should break the layering"


def test_relative_imports_are_resolved() -> None:
    assert imported("from ..model import Article", "linking.amendments.apply") == {
        "linking.model",
        "linking.model.Article",
    }
