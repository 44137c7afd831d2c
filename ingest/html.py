"""The text of a policy web page: its main body, and its 信息公开 metadata table.

Government sites put the document in a known container (#UCAP-CONTENT on gov.cn, #zoom and
.TRS_Editor from the TRS CMS, …) beside a table of 索引号 / 发文机关 / 成文日期 / 发文字号 …
The text returned starts with that metadata as a block shaped like the blocks of the monthly
compilation (001, lines 683-689: ``发文机关： …``), so the segmenter treats a page like one
document of a compilation; then the title, then the body with one paragraph per line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, CData, FeatureNotFound, NavigableString, PageElement, Tag

_JUNK_TAGS = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
    "nav", "header", "footer", "aside", "button", "select", "input", "textarea",
)  # fmt: skip
_BODY_SELECTORS = (  # in order of trust: gov.cn, TRS CMS, NHC site, generic
    ("id", "UCAP-CONTENT"), ("id", "zoom"), ("class", "pages_content"), ("class", "TRS_Editor"),
    ("class", "trs_editor_view"), ("id", "xw_box"), ("class", "article-content"), ("class", "article"),
    ("tag", "article"),
)  # fmt: skip
_MIN_BODY_CHARS = 20
_BLOCK_TAGS = frozenset((
    "p", "div", "section", "article", "main", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr",
    "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "center", "figure", "figcaption",
    "address", "hr", "fieldset", "form",
))  # fmt: skip

# Labels of 信息公开 tables, spaces removed. Each maps to the 001 block label it feeds, or to
# None when the value is kept in the metadata dict only.
_LABELS: dict[str, str | None] = {
    "发文机关": "发文机关", "发布机构": "发文机关", "发文单位": "发文机关", "发布机关": "发文机关",
    "制发机关": "发文机关",
    "成文日期": "成文日期", "印发日期": "成文日期", "签发日期": "成文日期",
    "标题": "标 题", "名称": "标 题", "文件名称": "标 题",
    "发文字号": "发文字号", "文号": "发文字号", "发文号": "发文字号",
    "发布日期": "发布日期", "公布日期": "发布日期", "发布时间": "发布日期",
    "类别": "类 别", "主题分类": "类 别", "分类": "类 别",
    "关键字": "关 键 字", "关键词": "关 键 字", "主题词": "关 键 字",
    "索引号": None, "公文种类": None, "体裁分类": None, "组配分类": None, "服务对象": None,
    "施行日期": None, "实施日期": None, "生效日期": None, "废止日期": None, "有效性": None,
    "时效性": None, "效力状态": None, "公开方式": None, "公开范围": None, "统一编号": None,
}  # fmt: skip
# A known label, letter-spaced or not (标\u3000\u3000题 on gov.cn): finds the strings to start from.
_ANY_LABEL = re.compile(
    "|".join(r"[\s\u3000\xa0]*".join(label) for label in sorted(_LABELS, key=len, reverse=True))
)
_BLOCK_ORDER = ("发文机关", "成文日期", "标 题", "发文字号", "发布日期", "类 别", "关 键 字")
_COLONS = "：:"
_SPACES = re.compile(r"[\s\u3000\xa0]+")
_LABEL_ONLY = re.compile(r"^([\u4e00-\u9fff][\u4e00-\u9fff\s\u3000\xa0]{1,12}?)\s*([：:]?)\s*$")
_LABEL_VALUE = re.compile(r"^([\u4e00-\u9fff][\u4e00-\u9fff\s\u3000\xa0]{1,12}?)\s*[：:]\s*(\S.*)$", re.S)
# Sentinels for paragraph, line and cell breaks while the tree is flattened; removed from input.
_PARA, _LINE, _CELL = "\x1c", "\x1d", "\x1e"


@dataclass(frozen=True)
class HtmlPage:
    text: str
    metadata: dict[str, str] = field(default_factory=dict)  # label as on the page -> value
    title: str | None = None


def html_to_text(markup: str) -> HtmlPage:
    """Main text of a page, led by its metadata block; metadata as a dict."""
    soup = _parse(re.sub(f"[{_PARA}{_LINE}{_CELL}]", " ", markup))
    for tag in soup.find_all(_JUNK_TAGS):
        tag.decompose()
    body = _main_container(soup)
    metadata = _metadata(soup, body)
    title = _title(soup, metadata)
    body_text = flatten(body)
    parts = [_metadata_block(metadata)]
    if title and title not in body_text.split("\n", 6)[:6]:
        parts.append(title)
    parts.append(body_text)
    return HtmlPage(text="\n\n".join(p for p in parts if p), metadata=metadata, title=title)


def _parse(markup: str) -> BeautifulSoup:
    try:
        return BeautifulSoup(markup, "lxml")
    except FeatureNotFound:
        return BeautifulSoup(markup, "html.parser")


def _main_container(soup: BeautifulSoup) -> Tag:
    """The first known content container with text, else the largest text block.

    One pass over the elements instead of a CSS select per selector (soupsieve takes seconds
    on a page of 15,000 elements).
    """
    found: dict[int, list[Tag]] = {}
    for element in soup.find_all(True):
        for rank, (kind, name) in enumerate(_BODY_SELECTORS):
            if _matches(element, kind, name):
                found.setdefault(rank, []).append(element)
    for rank in sorted(found):
        for element in found[rank]:
            if len(_SPACES.sub("", element.get_text())) >= _MIN_BODY_CHARS:
                return element
    return _largest_text_block(soup)


def _matches(element: Tag, kind: str, name: str) -> bool:
    if kind == "id":
        return element.get("id") == name
    if kind == "class":
        return name in (element.get("class") or ())
    return element.name == name


def _largest_text_block(soup: BeautifulSoup) -> Tag:
    """The element whose paragraphs hold the most text (readability's scoring, simplified).

    A paragraph counts fully for its parent and half for its grandparent, so a body split into
    one <div> per paragraph still wins over any single one of those divs.
    """
    scores: dict[int, float] = {}
    elements: dict[int, Tag] = {}

    def credit(element: object, amount: float) -> None:
        if isinstance(element, Tag):
            elements[id(element)] = element
            scores[id(element)] = scores.get(id(element), 0.0) + amount

    for para in soup.find_all("p"):
        size = len(_SPACES.sub("", para.get_text()))
        credit(para.parent, size)
        credit(para.parent.parent if para.parent else None, size / 2)
    counted: set[int] = set()
    for br in soup.find_all("br"):  # text split by <br> sits directly in the parent
        parent = br.parent
        if isinstance(parent, Tag) and id(parent) not in counted:
            counted.add(id(parent))
            own = sum(len(_SPACES.sub("", s)) for s in parent.find_all(string=True, recursive=False))
            credit(parent, own)
    if scores:
        return elements[max(scores, key=lambda key: scores[key])]
    return soup.body or soup


def _metadata(soup: BeautifulSoup, body: Tag) -> dict[str, str]:
    """Label/value pairs outside the body, plus those of metadata tables inside it."""
    found: dict[str, str] = {}
    for table in body.find_all("table"):
        pairs = _pairs(table)
        if len(pairs) >= 3:  # a 信息公开 table inside the body: take it out of the text
            for label, value in pairs:
                found.setdefault(label, value)
            table.decompose()
    for label, value in _pairs(soup, skip=body):
        found.setdefault(label, value)
    return found


def _pairs(root: Tag, skip: Tag | None = None) -> list[tuple[str, str]]:
    """Pairs found from the strings that carry a known label, looking up at most three tags.

    Driven by the label strings, not by every element: a page of deeply nested tags stays
    linear (the label's own tag, then the <b> or <td> around it, then its row).
    """
    pairs = []
    checked: set[int] = set()
    for string in root.find_all(string=_ANY_LABEL):
        element = string.parent
        for _ in range(3):
            if not isinstance(element, Tag) or id(element) in checked or element is root.parent:
                break
            if skip is not None and (element is skip or skip in element.parents):
                break
            checked.add(id(element))
            pair = _pair(element)
            if pair:
                pairs.append(pair)
                break
            element = element.parent
    return pairs


def _pair(element: Tag) -> tuple[str, str] | None:
    text = _short_text(element, 300)
    if text is None:
        return None
    only = _LABEL_ONLY.match(text)
    if only and _label(only.group(1)) and (only.group(2) or element.name in ("td", "th", "dt")):
        value = _next_value(element)
        return (_label(only.group(1)) or "", value) if value else None
    both = _LABEL_VALUE.match(text)
    if both and _label(both.group(1)) and not _contains_second_label(both.group(2)):
        return _label(both.group(1)) or "", _collapse(both.group(2))
    return None


def _short_text(element: Tag, limit: int) -> str | None:
    """``get_text(" ", strip=True)``, or None as soon as it grows past ``limit`` characters."""
    pieces, size = [], 0
    for string in element.strings:
        piece = string.strip()
        if piece:
            pieces.append(piece)
            size += len(piece) + 1
            if size > limit:
                return None
    return " ".join(pieces)


def _label(raw: str) -> str | None:
    label = _SPACES.sub("", raw).rstrip(_COLONS)
    return label if label in _LABELS else None


def _next_value(element: Tag) -> str | None:
    sibling = element.next_sibling
    while sibling is not None and isinstance(sibling, NavigableString) and not sibling.strip():
        sibling = sibling.next_sibling
    if sibling is None:
        return None
    value = _collapse(sibling.get_text(" ") if isinstance(sibling, Tag) else str(sibling))
    return value if value and not _label(value) else None


def _contains_second_label(value: str) -> bool:
    return any(_label(m.group(1)) for m in re.finditer(r"([\u4e00-\u9fff]{2,5})\s*[：:]", value))


def _collapse(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _title(soup: BeautifulSoup, metadata: dict[str, str]) -> str | None:
    for key in ("标题", "名称", "文件名称"):
        if metadata.get(key):
            return metadata[key]
    for heading in soup.find_all("h1"):
        text = _collapse(heading.get_text(" "))
        if len(text) >= 4:
            return text
    meta = soup.find("meta", attrs={"name": re.compile("^articletitle$", re.I)})
    if isinstance(meta, Tag) and meta.get("content"):
        return _collapse(str(meta["content"]))
    return None


def _metadata_block(metadata: dict[str, str]) -> str:
    lines: dict[str, str] = {}
    for label, value in metadata.items():
        block_label = _LABELS.get(label)
        if block_label and block_label not in lines:
            lines[block_label] = value
    return "\n".join(f"{label}： {lines[label]}" for label in _BLOCK_ORDER if label in lines)


def flatten(root: Tag) -> str:
    """Text of an element: one paragraph per line, blank lines between blocks, cells by tab.

    An explicit stack instead of recursion or tree edits: linear on pages of 10,000 siblings
    and safe on pages nested thousands deep.
    """
    out: list[str] = []
    stack: list[tuple[PageElement, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if isinstance(node, Tag):
            if leaving:
                out.append(_CELL if node.name in ("td", "th") else "")
                out.append(_PARA if node.name in _BLOCK_TAGS else "")
                continue
            if node.name == "br":
                out.append(_LINE)
                continue
            if node.name in _BLOCK_TAGS:
                out.append(_PARA)
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.contents))
        elif type(node) in (NavigableString, CData):
            out.append(str(node))
    raw = re.sub(r"[ \t\r\n\f\v]+", " ", "".join(out))
    raw = raw.replace(_CELL, "\t").replace(_LINE, "\n").replace(_PARA, "\n\n")
    lines = [line.strip(" \t\u3000\xa0") for line in raw.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
