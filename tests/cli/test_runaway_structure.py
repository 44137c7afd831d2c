"""Text with a structure no real document has (RELIABILITY.md): thousands of lines of 第一条, or a
whole law in one line, is ingested with a warning that names the document and the line, on the
terminal and in the stored parse report (shown in Chinese on the web)."""

from __future__ import annotations

import json
from pathlib import Path


def test_runaway_structures_are_ingested_with_a_warning(cli, db_url, tmp_path: Path) -> None:
    repeated = tmp_path / "repeated.txt"
    repeated.write_text("某某管理办法\n" + "第一条 为了规范管理，制定本办法。\n" * 2000, encoding="utf-8")
    joined = tmp_path / "joined.txt"
    joined.write_text("另一管理办法\n第一条 " + "为了规范管理，制定本办法。" * 3000 + "\n", encoding="utf-8")

    result = cli("--db", db_url, "ingest", str(repeated), str(joined), "--json")

    assert result.exit_code == 0, result.stderr
    first, second = json.loads(result.stdout)["compilations"]
    assert first["warnings"] == [
        "line 2: 《某某管理办法》 numbers 2000 articles but only 1 follow the one before; "
        "the text may be damaged or repeat itself"
    ]
    assert second["warnings"] == [
        "line 2: 《另一管理办法》 第一条 is 39004 characters long: the text may have lost its article breaks"
    ]
