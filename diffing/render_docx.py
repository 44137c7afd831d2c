"""Word rendering of a document diff: the 新旧对照表 table legal users pass around.

Columns 序号 | 修改前 | 修改后; deletions are red struck-through runs in 修改前, insertions green
underlined runs in 修改后.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Cell

from diffing.model import CHANGE_NAMES, DELETE, INSERT, RESTRUCTURE_NAMES, ArticleChange, DocumentDiff

DELETED_COLOR = RGBColor(0xB4, 0x23, 0x18)
INSERTED_COLOR = RGBColor(0x06, 0x76, 0x47)
CJK_FONT = "宋体"
HEADER = ("序号", "修改前", "修改后")


def render_docx(diff: DocumentDiff, *, changed_only: bool = True) -> bytes:
    """The diff as a .docx file (bytes): a title, both versions named, one table row per record."""
    document = Document()
    _set_cjk_font(document)
    _landscape(document)
    document.add_heading(f"{diff.new_title or diff.old_title} 新旧对照表".strip(), level=1)
    document.add_paragraph(f"修改前：{diff.old_title} {diff.old_ref}".strip())
    document.add_paragraph(f"修改后：{diff.new_title} {diff.new_ref}".strip())
    articles = diff.changed_articles if changed_only else diff.articles
    table = document.add_table(rows=1, cols=len(HEADER))
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, HEADER, strict=True):
        cell.paragraphs[0].add_run(title).bold = True
    for number, article in enumerate(articles, start=1):
        index_cell, old_cell, new_cell = table.add_row().cells
        index_cell.paragraphs[0].add_run(str(number))
        _note(index_cell, article)
        _fill(old_cell, article, side=DELETE)
        _fill(new_cell, article, side=INSERT)
    for row in table.rows:
        row.cells[0].width = Cm(2.2)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _note(cell: _Cell, article: ArticleChange) -> None:
    """Under the number: what happened (修改, 移动·拆分…), small and grey."""
    name = CHANGE_NAMES[article.change]
    if article.restructure:
        name += "·" + RESTRUCTURE_NAMES[article.restructure]
    run = cell.add_paragraph().add_run(name)
    run.font.size = Pt(8)
    run.font.color.rgb = RGBColor(0x57, 0x60, 0x6A)


def _fill(cell: _Cell, article: ArticleChange, *, side: int) -> None:
    """Write one side of the record: equal text plain, this side's own edits marked."""
    paragraph = cell.paragraphs[0]
    if not article.changed:
        paragraph.add_run(article.old_text if side == DELETE else article.new_text)
        return
    for op, text, cosmetic in article.spans:
        if op == -side:
            continue
        run = paragraph.add_run(text)
        if cosmetic:  # a style-only edit (，/, or a line break) is no amendment: shown as written
            continue
        if op == DELETE:
            run.font.strike = True
            run.font.color.rgb = DELETED_COLOR
        elif op == INSERT:
            run.font.underline = True
            run.font.color.rgb = INSERTED_COLOR


def _set_cjk_font(document) -> None:
    """Word picks the East Asian font from w:eastAsia; without it Chinese falls back unpredictably."""
    style = document.styles["Normal"]
    style.font.size = Pt(10.5)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), CJK_FONT)


def _landscape(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    section.left_margin = section.right_margin = Cm(1.8)
