"""What regtrack tells the operator about an input it read: each notice a kind and its facts.

A notice is stored as data (``{"kind", "line", "params"}``), never as a sentence, so that one
record reads in English on the terminal and in Chinese on the web pages and in the digests. The
wording of every kind is written once, here, in both languages.

Compilations ingested before notices existed stored English sentences; ``notice_from_json`` reads
those back as kind ``text``, shown as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# kind -> (English, Chinese); ``{name}`` fields come from the notice's params.
WORDING: dict[str, tuple[str, str]] = {
    "contents_entry_unmatched": (
        "contents line {line}: no document found for “{title}”",
        "目录第 {line} 行“{title}”：正文中没有找到这份文件",
    ),
    "contents_title_differs": (
        "contents line {line}: title “{title}” differs from the document at line {document_line} “{document_title}”",
        "目录第 {line} 行的标题“{title}”与第 {document_line} 行的文件标题“{document_title}”不一致",
    ),
    "document_not_in_contents": (
        "line {line}: document “{title}” is not in the contents",
        "第 {line} 行的文件“{title}”未列入目录",
    ),
    "contents_count_differs": (
        "contents list {entries} entries but {documents} documents were found",
        "目录列出 {entries} 项，正文中找到 {documents} 份文件",
    ),
    "text_before_first_document": (
        "lines 1-{last}: {characters} Chinese characters before the first document belong to no document",
        "第 1—{last} 行有 {characters} 个汉字位于第一份文件之前，不属于任何文件",
    ),
    "invalid_date": (
        "line {line}: {field} “{value}” is not a valid date; left empty",
        "第 {line} 行：{field}“{value}”不是有效日期，已留空",
    ),
    "unknown_doc_number": (
        "line {line}: 文号 “{value}” is not in a known form; kept as written",
        "第 {line} 行：文号“{value}”的格式无法识别，按原文保留",
    ),
    "unreadable_lines": (
        "lines {lines}: unreadable characters (\ufffd): the file mixes encodings; save it as UTF-8",
        "第 {lines} 行有无法识别的字符（\ufffd）：文件混用了几种编码，请另存为 UTF-8 后重新导入",
    ),
    "damaged_text_kept": (
        "《{title}》 (document {document}): its text here is damaged; the stored version stays current",
        "《{title}》（文件 {document}）：本次收到的文本已损坏，仍以已收录的版本为准",
    ),
    "consolidated": (
        "《{target}》 ← 《{decision}》: version {version} derived from version {basis}",
        "已根据《{decision}》生成《{target}》的修正文本（第 {version} 版，依据第 {basis} 版）",
    ),
    "consolidation_unchanged": (
        "《{target}》 ← 《{decision}》: unchanged, version {version} holds the text it gives",
        "《{decision}》对《{target}》的修改已包含在第 {version} 版中",
    ),
    "consolidation_failed": (
        "《{target}》 ← 《{decision}》: not consolidated: {reason}{instruction_en}",
        "未能根据《{decision}》生成《{target}》的修正文本：有一条修改指令无法套用{instruction_zh}",
    ),
    "official_text_differs": (
        "《{title}》: the official text (version {official}) differs from version {derived} derived from "
        "《{decision}》 in {count} articles: {articles}",
        "《{title}》的正式文本（第 {official} 版）与根据《{decision}》生成的第 {derived} 版有 {count} 条不同：{articles}",
    ),
    "unit_too_long": (
        "line {line}: 《{title}》 {unit} is {characters} characters long: the text may have lost its article breaks",
        "第 {line} 行：《{title}》{unit}长达 {characters} 字，原文的条文分隔可能已丢失",
    ),
    "article_numbers_out_of_order": (
        "line {line}: 《{title}》 numbers {articles} articles but only {in_order} follow the one before; "
        "the text may be damaged or repeat itself",
        "第 {line} 行：《{title}》的 {articles} 条中只有 {in_order} 条与前一条序号相接，原文可能已损坏或重复",
    ),
    "text": ("{text}", "{text}"),
}


@dataclass(frozen=True)
class Notice:
    """One thing worth telling about an input: its kind, the line it concerns (1-based, in the
    compilation's text, when there is one) and the facts its wording names."""

    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)
    line: int | None = None

    def english(self) -> str:
        return self._say(0)

    def chinese(self) -> str:
        return self._say(1)

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "line": self.line, "params": dict(self.params)}

    def _say(self, language: int) -> str:
        wording = WORDING.get(self.kind, WORDING["text"])[language]
        return wording.format_map({"line": self.line, **_derived(self.kind, self.params, language)})

    def __str__(self) -> str:
        return self.english()


def notice_from_json(value: Any) -> Notice:
    """A stored notice; an English sentence stored before notices existed reads as kind ``text``."""
    if isinstance(value, Mapping) and value.get("kind") in WORDING:
        return Notice(value["kind"], dict(value.get("params") or {}), value.get("line"))
    return Notice("text", {"text": str(value)})


def _derived(kind: str, params: Mapping[str, Any], language: int) -> dict[str, Any]:
    """Params plus what a wording needs in each language: a list named with how many it stands for
    (``lines`` with ``lines_total``), the optional instruction phrase."""
    out = dict(params)
    for key, value in params.items():
        if isinstance(value, list):
            out[key] = _listing(value, params.get(f"{key}_total") or len(value), language)
    if kind == "consolidation_failed":
        quote = params.get("instruction")
        out["instruction_en"] = f" (instruction: {quote})" if quote else ""
        out["instruction_zh"] = f"：“{quote}”" if quote else ""
    return out


def _listing(items: list[Any], total: int, language: int) -> str:
    shown = [str(item) for item in items]
    if language == 0:
        more = f" and {total - len(shown)} more" if total > len(shown) else ""
        return ", ".join(shown) + more
    more = f" 等 {total} 处" if total > len(shown) else ""
    return "、".join(shown) + more
