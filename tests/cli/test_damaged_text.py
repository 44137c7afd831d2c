"""A UTF-8 file with a block pasted in GB18030 (RELIABILITY.md): accepted with a warning naming the
lines, and the damaged text never replaces a stored version: versions, articles and change events
stay exactly as they were, and so do the relations the damaged document states. (A re-ingest of the
same compilation from other bytes re-points evidence to the new file, damaged or not.)"""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import sample_path
from tests.support.reliability import fingerprint

_KEPT_TABLES = ('"document_versions"', '"articles"', '"change_events"')


def _damaged_copy(tmp_path: Path) -> Path:
    lines = sample_path("001").read_text(encoding="utf-8").split("\n")
    middle = next(i for i, line in enumerate(lines) if len(line) > 20 and i > len(lines) // 2)
    good = "\n".join(lines[:middle]).encode("utf-8")
    pasted = "\n".join(lines[middle : middle + 6]).encode("gb18030")  # six lines in another encoding
    rest = "\n".join(lines[middle + 6 :]).encode("utf-8")
    path = tmp_path / "001_damaged.txt"
    path.write_bytes(good + b"\n" + pasted + b"\n" + rest)
    return path


def _rows(url: str) -> list[str]:
    return [
        line for line in fingerprint(url) if line.startswith(tuple(f'{{"table": {t}' for t in _KEPT_TABLES))
    ]


def test_a_pasted_block_in_another_encoding_changes_nothing_stored(cli, db_url, tmp_path) -> None:
    assert cli("--db", db_url, "ingest", str(sample_path("001"))).exit_code == 0
    before = _rows(db_url)

    result = cli("--db", db_url, "ingest", str(_damaged_copy(tmp_path)), "--json")

    assert result.exit_code == 0, result.stderr
    (outcome,) = json.loads(result.stdout)["compilations"]
    assert outcome["documents_updated"] == 0
    assert any("unreadable characters" in w and "save it as UTF-8" in w for w in outcome["warnings"])
    (kept,) = [w for w in outcome["warnings"] if "the stored version stays current" in w]
    assert _rows(db_url) == before
    document = re.search(r"\(document (\d+)\)", kept)[1]  # type: ignore[index]
    stated = json.loads(cli("--db", db_url, "show", document, "--json").stdout)
    assert "\ufffd" not in json.dumps(stated, ensure_ascii=False)
