"""A read command loads what it needs and nothing more: no PDF or Word reader, mail stack, Prefect,
web framework or migration tool. Each command runs in a fresh interpreter, which reports the modules
it loaded (speed itself is measured by benchmarks/bench_cli.py, not asserted here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import sample_path

HEAVY = ("pdfplumber", "pdfminer", "docx", "apprise", "prefect", "fastapi", "alembic", "httpx", "jinja2")
READ_COMMANDS = [
    ["--help"],
    ["documents", "--json"],
    ["show", "1", "--json"],
    ["chain", "1", "--json"],
    ["relations", "--json"],
    ["impact", "--json"],
    ["diff", "1", "1", "--json"],
]
_PROBE = """
import json, sys
from regtrack.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
else:
    code = 0
heavy = sorted({name.split('.')[0] for name in sys.modules} & set(json.loads(sys.stdin.read())))
print(json.dumps({"code": code, "heavy": heavy}), file=sys.stderr)
"""


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('startup') / 'regtrack.db'}"
    from regtrack.cli import main

    try:
        main(["--db", url, "ingest", str(sample_path("003"))])
    except SystemExit as exc:
        assert not exc.code
    return url


@pytest.mark.parametrize("args", READ_COMMANDS, ids=lambda a: " ".join(a))
def test_a_read_command_loads_no_heavy_library(database: str, args: list[str], tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, "--db", database, *args],
        input=json.dumps(HEAVY),
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    report = json.loads(result.stderr.strip().splitlines()[-1])
    assert report["code"] in (0, None), result.stderr
    assert report["heavy"] == []
