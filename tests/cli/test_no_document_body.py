"""A file that holds only a cover and a table of contents (the documents left out of a download,
RELIABILITY.md) is refused in one line: no document titled with the cover's words, no `cites` to
everything the contents name, and what is stored stays as it was."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import sample_path


def _contents_only(tmp_path: Path) -> Path:
    lines = sample_path("001").read_text(encoding="utf-8").split("\n")
    first_block = next(i for i, line in enumerate(lines) if line.startswith("发文机关："))
    path = tmp_path / "001_contents_only.txt"
    path.write_text("\n".join(lines[:first_block]) + "\n", encoding="utf-8")
    return path


def test_a_file_of_contents_alone_is_refused_in_one_line(cli, db_url, tmp_path: Path) -> None:
    assert cli("--db", db_url, "ingest", str(sample_path("003"))).exit_code == 0
    before = cli("--db", db_url, "documents", "--json").stdout
    relations = cli("--db", db_url, "relations", "--json").stdout

    result = cli("--db", db_url, "ingest", str(_contents_only(tmp_path)))

    assert result.exit_code == 1
    assert result.stderr.startswith(
        "error: no document body: the text holds only a cover and a table of contents of "
    )
    assert len(result.stderr.strip().splitlines()) == 1
    assert cli("--db", db_url, "documents", "--json").stdout == before
    assert cli("--db", db_url, "relations", "--json").stdout == relations


def test_a_cover_alone_is_refused_and_a_one_sentence_notice_is_not(cli, db_url, tmp_path: Path) -> None:
    cover = tmp_path / "cover.txt"
    cover.write_text(
        "医药先锋系列之\n\n全国医药政策 月度汇编\n\n2024年第03期（总第83期）\n\n2024年03月31日\n",
        encoding="utf-8",
    )
    result = cli("--db", db_url, "ingest", str(cover))
    assert result.exit_code == 1 and result.stderr.startswith("error: no document ")

    notice = tmp_path / "notice.txt"
    notice.write_text(
        "国家卫生健康委关于废止部分规范性文件的通知\n国卫法规发〔2024〕3号\n"
        "经研究，决定废止《医院工作制度》等文件。\n国家卫生健康委\n2024年1月5日\n",
        encoding="utf-8",
    )
    result = cli("--db", db_url, "ingest", str(notice), "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["compilations"][0]["documents_added"] >= 1
