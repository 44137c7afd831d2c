"""PDF text of CJK fonts that decode to Kangxi radicals and compatibility ideographs (第⼗条, ⼈, ⽣).

The 55 articles of the real 医疗机构管理条例 (2016 text) are written into a PDF whose text layer
carries the look-alike characters such fonts give; all 55 must come out, and nothing but
regtrack's own lines may reach the terminal.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from tests.corpus.load import plain_text
from tests.support.builders import build_pdf

REGULATION = Path(__file__).resolve().parents[1] / "linking" / "fixtures" / "医疗机构管理条例_2016.md"
# What the fonts' ToUnicode maps give instead of the unified ideographs (U+2F00 block and U+F900 block).
LOOKALIKES = str.maketrans(
    {"十": "⼗", "人": "⼈", "生": "⽣", "行": "⾏", "一": "⼀", "二": "⼆", "八": "⼋", "立": "\uf9f7"}
)


def _lookalike_pdf(tmp_path: Path) -> tuple[Path, int]:
    text = plain_text(REGULATION.read_text(encoding="utf-8"), ".md")
    paragraphs = [line.strip() for line in text.split("\n") if line.strip()]
    articles = sum(1 for p in paragraphs if re.match(r"第[一二三四五六七八九十百]+条", p))
    pdf = build_pdf(tmp_path / "医疗机构管理条例.pdf", [p.translate(LOOKALIKES) for p in paragraphs])
    return pdf, articles


def test_lookalike_ideographs_read_as_the_characters_they_show(cli, db_url, tmp_path: Path) -> None:
    pdf, articles = _lookalike_pdf(tmp_path)
    assert articles == 55

    result = cli("--db", db_url, "ingest", str(pdf), "--json")

    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    listed = [
        d for d in json.loads(cli("--db", db_url, "documents", "--json").stdout) if not d["placeholder"]
    ]
    assert len(listed) == 1 and listed[0]["article_count"] == 55
    shown = json.loads(cli("--db", db_url, "show", str(listed[0]["id"]), "--json").stdout)
    headings = [a["heading"] for a in shown["articles"]]
    assert len(headings) == 55
    assert headings[9] == "第十条" and "⼗" not in json.dumps(shown, ensure_ascii=False)


def test_pdf_library_warnings_never_reach_the_terminal(capsys) -> None:
    import ingest.pdf  # noqa: F401  (its import is what routes pdfminer's logging)

    # what pdfminer logs about a font without a bounding box, a hundred times in such files
    logging.getLogger("pdfminer.pdffont").warning("Could not get FontBBox from font descriptor")

    assert capsys.readouterr().err == ""
