"""Runs of circulars (000, 004) and single documents (003): each document opens with a title
and a 文号 line; a 附件 label after the body opens an attachment that is a document of its own."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ingest.dates import parse_date
from ingest.docnumber import DOC_NUMBER_RE
from ingest.header import read_header
from ingest.issuers import is_issuer_line
from ingest.notices import Notice
from ingest.segment import PAGE_BREAK, DocumentSpan, Segmentation

_CJK = re.compile(r"[\u4e00-\u9fff]")
_NOT_TITLE_END = "。；：:;，,！？!?、"
_MAX_TITLE_LINES = 3
_MAX_GAP = 2  # blank lines allowed between two title lines, or between the title and its 文号
# 000 line 1218 "附件1", 000 line 1360 " 附件2", 004 line 2225 " 附件": a label alone on its line. The list
# "附件：1.职业卫生…" (004 line 80) names attachments and is not one.
ATTACHMENT_LABEL_RE = re.compile(
    r"^\s*附\s*件\s*(?P<number>[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})?\s*[:：]?\s*$"
)
_YEAR_START_RE = re.compile(r"^(?:19|20)[0-9]{2}\s*年")
_METADATA_LABEL_RE = re.compile(
    r"^\s*(?:发\s*文\s*机\s*关|成\s*文\s*日\s*期|标\s*题|发\s*文\s*字\s*号)\s*[:：]"
)
# A title that ends like this is complete; otherwise its next line continues it.
_TITLE_ENDINGS = "单求标系法定案则知见准南录表范序划要书告函复示报）)"


@dataclass(frozen=True)
class Header:
    """A document's opening: its title lines and the 文号 line under them (0-based indexes)."""

    title_lines: tuple[int, ...]
    number_line: int | None
    doc_number: str | None

    @property
    def start(self) -> int:
        return self.title_lines[0] if self.title_lines else (self.number_line or 0)


def is_title_line(text: str) -> bool:
    """Could this stripped line be (part of) a document title?"""
    return bool(
        text
        and len(text) <= 80
        and _CJK.search(text)
        and text[-1] not in _NOT_TITLE_END
        and "。" not in text  # 000 line 3388: a body sentence ending in "（各有关部门按职责分工负责）"
        and "\t" not in text
        and "，" not in text  # titles carry no commas; prose does (000 line 1148)
        and (not text[0].isdigit() or bool(_YEAR_START_RE.match(text)))  # 001 line 1179 "2024年北京市…名单"
        and not text.startswith(("附件", "-", "（信息公开", "下载附件"))
        and parse_date(text) is None
        and not DOC_NUMBER_RE.fullmatch(text)
        and not _METADATA_LABEL_RE.match(text)
    )


# A 公告 or 令 is numbered by year and serial instead of a bracketed 文号: "2024年第3号" (001 line 3106),
# "第12号" under "…委员会令".
_NOTICE_NUMBER_RE = re.compile(
    r"^(?:[\u4e00-\u9fff]{2,16})?[（(]?(?:19|20)[0-9]{2}\s*年\s*第\s*[0-9]{1,4}\s*号[）)]?$|^第\s*[0-9]{1,4}\s*号$"
)


def number_line(text: str) -> str | None:
    """The number when the stripped line is only a 文号 (001 line 111 "医保办函〔2024〕14号") or a
    公告/令 number ("2024年第3号")."""
    match = DOC_NUMBER_RE.fullmatch(text) or _NOTICE_NUMBER_RE.match(text)
    return match.group() if match else None


def title_above(lines: list[str], index: int, floor: int, *, max_gap: int = _MAX_GAP) -> tuple[int, ...]:
    """Indexes of the title lines directly above ``index`` (not below ``floor``), in file order;
    at most ``max_gap`` blank lines between the first of them and ``index``."""
    found: list[int] = []
    gap = 0
    j = index - 1
    while j >= floor and len(found) < _MAX_TITLE_LINES:
        text = lines[j].strip()
        if lines[j] == PAGE_BREAK:
            pass
        elif not text:
            gap += 1
            if gap > (max_gap if not found else _MAX_GAP):
                break
        elif is_title_line(text) and not _continues_sentence(lines, j, floor):
            if found and not _may_precede(text, lines[found[-1]].strip()):
                break
            found.append(j)
            gap = 0
        else:
            break
        j -= 1
    return tuple(reversed(found))


def _may_precede(upper: str, top: str) -> bool:
    """Can ``upper`` be the title line above ``top``? Not when ``top`` already opens the title with
    its issuer ("国家卫生健康委关于…"), nor, above a "关于…" line, when ``upper`` is no body's name
    (000 line 1837 "芜湖市中医医院主治中医师", the end of a list, when blank lines are missing)."""
    if top.find("关于") > 0:
        return False
    if top.startswith("关于"):
        return is_issuer_line(upper)
    return True


def _continues_sentence(lines: list[str], index: int, floor: int) -> bool:
    """Is line ``index`` the tail of a body sentence the PDF broke? 000 line 3390 "有关部门按职责分工
    负责）" follows "…维护人民健康。（各": the line above is prose that stops mid-sentence."""
    for j in range(index - 1, max(floor, index - 1 - _MAX_GAP) - 1, -1):
        text = lines[j].strip()
        if not text:
            continue
        if is_title_line(text) or parse_date(text) is not None or number_line(text):
            return False
        return bool(_CJK.match(text[-1])) or text[-1] in "，、（“《"
    return False


def find_headers(lines: list[str], start: int, end: int) -> list[Header]:
    """Every document opening between ``start`` and ``end`` (0-based, end exclusive): a title over a
    文号 line, or, for documents without a number, a title over an addressee line ("各省…：")."""
    headers: list[Header] = []
    floor = start
    for i in range(start, end):
        text = lines[i].strip()
        raw = number_line(text)
        if raw is not None:
            titles = title_above(lines, i, floor)
            if titles:
                headers.append(Header(titles, i, raw))
                floor = i + 1
        elif text.endswith(("：", ":")):
            titles = _unnumbered_title(lines, i, floor)
            if titles:
                headers.append(Header(titles, None, None))
                floor = i + 1
    return headers


# 000 line 33 "各省、自治区、直辖市及新疆生产建设兵团卫生健康委、中医药局、疾控局："; 001 line 2994 "各有关单位：".
_ADDRESSEE_RE = re.compile(r"^(?:各|有关|[\u4e00-\u9fff]{2,12}[、，,])[^。；！？]{0,200}[：:]$")
# A title without a 文号 must at least end like a document's name.
_DOCUMENT_NAME_RE = re.compile(
    r"(?:通知|意见|办法|决定|通告|公告|批复|函|规定|方案|细则|规则|纲要|指南|要点|计划|命令|令|规范|标准|目录|清单)"
    r"(?:[（(][^（()）]{1,12}[）)])?$"
)
_GAP_BEFORE_DOCUMENT = 3


_MAX_ADDRESSEE_LINES = 5
_MAX_ADDRESSEE_GAP = 4  # blank lines between a title and its addressee where a 文号 line could sit


def _addressee_starts(lines: list[str], index: int, floor: int) -> list[int]:
    """Lines where an addressee ending on line ``index`` may begin: it can run over several lines
    (004 lines 2505-2509), each stopping mid-list."""
    starts: list[int] = []
    text, j = "", index
    for _ in range(_MAX_ADDRESSEE_LINES):
        text = lines[j].strip() + text
        if _ADDRESSEE_RE.match(text):
            starts.append(j)
        above = _previous_text(lines, j, floor)
        if above is None or lines[above].strip()[-1] in "。；;：:！？":
            break
        j = above
    return starts


def _previous_text(lines: list[str], index: int, floor: int) -> int | None:
    for j in range(index - 1, floor - 1, -1):
        if lines[j].strip():
            return j
    return None


def _unnumbered_title(lines: list[str], addressee: int, floor: int) -> tuple[int, ...]:
    """The title over an addressee line, when it names a document and stands clear of the text
    before it (start of text, a sentence's end, a signature date, or a run of blank lines)."""
    titles: tuple[int, ...] = ()
    for first in _addressee_starts(lines, addressee, floor):
        titles = title_above(lines, first, floor, max_gap=_MAX_ADDRESSEE_GAP)
        if titles and _DOCUMENT_NAME_RE.search("".join(lines[j].strip() for j in titles)):
            break
        titles = ()
    if not titles:
        return ()
    before = _previous_text(lines, titles[0], floor)
    if (
        before is None
        or parse_date(lines[before].strip()) is not None
        or lines[before].strip()[-1] in "。）)"
    ):
        return titles
    blank = sum(1 for j in range(before + 1, titles[0]) if not lines[j].strip())
    return titles if blank >= _GAP_BEFORE_DOCUMENT else ()


def attachment_title(lines: list[str], label: int, end: int) -> tuple[str, int | None]:
    """The title under a 附件 label: its first line, joined with the next when clearly unfinished."""
    picked: list[int] = []
    for j in range(label + 1, end):
        text = lines[j].strip()
        if not text:
            continue
        if not is_title_line(text) or (picked and (text[0] in "（(" or len(text) > 40)):
            break
        picked.append(j)
        if text[-1] in _TITLE_ENDINGS or len(picked) == 2:
            break
    if not picked:
        return "", None
    return "".join(lines[j].strip() for j in picked), picked[0]


def label_text(match: re.Match[str]) -> str:
    number = match["number"]
    return (
        f"附件{number.translate(str.maketrans('０１２３４５６７８９', '0123456789'))}" if number else "附件"
    )


def last_text_line(lines: list[str], start: int, end: int) -> int:
    """The last non-blank line index in [start, end), or start when all are blank."""
    for j in range(end - 1, start - 1, -1):
        if lines[j].strip():
            return j
    return start


def split_attachments(lines: list[str], body: int, end: int) -> tuple[int, tuple[DocumentSpan, ...]]:
    """Find 附件 labels after ``body`` (0-based, ``end`` exclusive): the parent's end and the attachments."""
    labels = [(j, m) for j in range(body, end) if (m := ATTACHMENT_LABEL_RE.match(lines[j]))]
    labels = [(j, m) for j, m in labels if attachment_title(lines, j, end)[1] is not None]
    if not labels:
        return end, ()
    spans = []
    for k, (j, match) in enumerate(labels):
        stop = labels[k + 1][0] if k + 1 < len(labels) else end
        title, title_index = attachment_title(lines, j, stop)
        spans.append(
            DocumentSpan(
                start_line=j + 1,
                end_line=last_text_line(lines, j, stop) + 1,
                body_line=j + 1,
                title=title,
                title_line=None if title_index is None else title_index + 1,
                attachment_label=label_text(match),
            )
        )
    return labels[0][0], tuple(spans)


def span_from(lines: list[str], header: Header, end: int) -> DocumentSpan:
    """A document from its header to ``end`` (exclusive), attachments split off."""
    start = header.start
    body = (header.number_line if header.number_line is not None else header.title_lines[-1]) + 1
    parent_end, attachments = split_attachments(lines, body, end)
    title = "".join(lines[j].strip() for j in header.title_lines)
    return DocumentSpan(
        start_line=start + 1,
        end_line=last_text_line(lines, start, parent_end) + 1,
        body_line=start + 1,
        title=title,
        title_line=header.title_lines[0] + 1 if header.title_lines else None,
        doc_number=header.doc_number,
        attachments=attachments,
    )


def spans_from_headers(lines: list[str], headers: list[Header], end: int) -> list[DocumentSpan]:
    return [
        span_from(lines, header, headers[k + 1].start if k + 1 < len(headers) else end)
        for k, header in enumerate(headers)
    ]


_TITLE_SEARCH_LINES = 10
_MIN_CJK = 20
_UNASSIGNED_WARNING_CJK = 200


def single_document(lines: list[str]) -> DocumentSpan | None:
    """The whole text as one document headed by its first title-like line (among the first few),
    when it reads like one."""
    if sum(len(_CJK.findall(line)) for line in lines) < _MIN_CJK:
        return None
    texts = [i for i, line in enumerate(lines) if line.strip()][:_TITLE_SEARCH_LINES]
    first = next((i for i in texts if is_title_line(lines[i].strip())), None)
    if first is None:
        return None
    return span_from(lines, Header((first,), None, None), len(lines))


def _unassigned(lines: list[str], first: int) -> list[Notice]:
    """A warning when real text sits before the first document and so belongs to none."""
    count = sum(len(_CJK.findall(lines[j])) for j in range(first))
    if count < _UNASSIGNED_WARNING_CJK:
        return []
    return [Notice("text_before_first_document", {"last": first, "characters": count}, 1)]


def split(lines: list[str]) -> Segmentation | None:
    """Circulars when two or more document openings are found, else one document, else None."""
    headers = find_headers(lines, 0, len(lines))
    if headers:
        kind = "circulars" if len(headers) >= 2 else "single"
        spans = tuple(spans_from_headers(lines, headers, len(lines)))
        if kind == "single" and headers[0].start and read_header(lines[: headers[0].start]):
            # l14: title and 题注, then the title again over its 法释 number: one document from the top
            spans = (replace(spans[0], start_line=1, body_line=1),)
            return Segmentation(kind, None, spans)
        return Segmentation(kind, None, spans, tuple(_unassigned(lines, headers[0].start)))
    span = single_document(lines)
    return Segmentation("single", None, (span,)) if span else None
