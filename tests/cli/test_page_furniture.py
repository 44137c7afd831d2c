"""A PDF whose running footer prints its page number among words ("医药先锋系列之 第 3 页",
RELIABILITY.md): the footer and the running header never reach an article's text or a title, so
the PDF of a text already stored from a plain file is the same version, with no change events.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.corpus.load import plain_text
from tests.support.builders import PDF_HEADER, build_pdf

REGULATION = Path(__file__).resolve().parents[1] / "linking" / "fixtures" / "医疗机构管理条例_2016.md"


def _paragraphs() -> list[str]:
    text = plain_text(REGULATION.read_text(encoding="utf-8"), ".md")
    return [line.strip() for line in text.split("\n") if line.strip()]


def test_footer_words_around_the_page_number_stay_out_of_the_text(cli, db_url, tmp_path: Path) -> None:
    plain = tmp_path / "医疗机构管理条例.txt"
    plain.write_text("\n".join(_paragraphs()) + "\n", encoding="utf-8")
    assert cli("--db", db_url, "ingest", str(plain)).exit_code == 0
    pdf = build_pdf(tmp_path / "医疗机构管理条例.pdf", _paragraphs())

    result = cli("--db", db_url, "ingest", str(pdf), "--json")

    assert result.exit_code == 0, result.stderr
    (outcome,) = json.loads(result.stdout)["compilations"]
    assert (outcome["documents_added"], outcome["documents_updated"], outcome["warnings"]) == (0, 0, []), (
        outcome
    )
    (listed,) = [
        d for d in json.loads(cli("--db", db_url, "documents", "--json").stdout) if not d["placeholder"]
    ]
    assert listed["title"] == "医疗机构管理条例" and listed["article_count"] == 55
    shown = json.dumps(
        json.loads(cli("--db", db_url, "show", str(listed["id"]), "--json").stdout), ensure_ascii=False
    )
    assert "系列之" not in shown and PDF_HEADER.split()[0] not in shown
