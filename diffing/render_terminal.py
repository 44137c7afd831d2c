"""Terminal rendering of a document diff with rich: side by side when wide enough, else stacked."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from diffing.model import CHANGE_NAMES, DELETE, INSERT, RESTRUCTURE_NAMES, ArticleChange, DocumentDiff

SIDE_BY_SIDE_MIN_WIDTH = 100  # columns under which two text columns become unreadable
DELETED_STYLE = "red strike"
INSERTED_STYLE = "green"
CHANGE_STYLES = {
    "added": "green",
    "removed": "red",
    "modified": "yellow",
    "moved": "cyan",
    "unchanged": "dim",
}


def render_terminal(
    diff: DocumentDiff, *, console: Console | None = None, changed_only: bool = False
) -> None:
    """Print ``diff`` as a 新旧对照表 on ``console`` (a new stdout console when None)."""
    console = console or Console()
    console.print(_header(diff))
    articles = diff.changed_articles if changed_only else diff.articles
    if not articles:
        console.print(Text("（无变化）" if changed_only else "（无条文）", style="dim"))
        return
    if console.width >= SIDE_BY_SIDE_MIN_WIDTH:
        console.print(_side_by_side(articles))
    else:
        for article in articles:
            console.print(_stacked(article))


def _header(diff: DocumentDiff) -> Group:
    summary = "  ".join(f"{CHANGE_NAMES[kind]} {count}" for kind, count in diff.summary.as_dict().items())
    return Group(
        Text.assemble(("旧：", "bold"), f"{diff.old_title} {diff.old_ref}".strip()),
        Text.assemble(("新：", "bold"), f"{diff.new_title} {diff.new_ref}".strip()),
        Text(summary, style="bold"),
    )


def _side_by_side(articles: tuple[ArticleChange, ...]) -> Table:
    table = Table(show_lines=True, expand=True)
    table.add_column("变动", no_wrap=True)
    table.add_column("旧条文", ratio=1, overflow="fold")
    table.add_column("新条文", ratio=1, overflow="fold")
    for article in articles:
        table.add_row(_badge(article), old_text(article), new_text(article))
    return table


def _stacked(article: ArticleChange) -> Panel:
    body = Group(
        Text.assemble(("旧 ", "bold"), old_text(article)),
        Text.assemble(("新 ", "bold"), new_text(article)),
    )
    return Panel(body, title=_badge(article), title_align="left")


def _badge(article: ArticleChange) -> Text:
    name = CHANGE_NAMES[article.change]
    if article.restructure:
        name += "·" + RESTRUCTURE_NAMES[article.restructure]
    labels = " → ".join(label for label in (article.old_label, article.new_label) if label)
    return Text.assemble((name, CHANGE_STYLES[article.change]), "\n", (labels, "dim"))


def old_text(article: ArticleChange) -> Text:
    """The old side: deletions struck through in red (style-only ones plain); unchanged units as written."""
    if not article.changed:
        return Text(article.old_text, style="dim")
    text = Text()
    for op, part, cosmetic in article.spans:
        if op != INSERT:
            text.append(part, style=DELETED_STYLE if op == DELETE and not cosmetic else "")
    return text


def new_text(article: ArticleChange) -> Text:
    """The new side: insertions in green (style-only ones plain); unchanged units as written."""
    if not article.changed:
        return Text(article.new_text, style="dim")
    text = Text()
    for op, part, cosmetic in article.spans:
        if op != DELETE:
            text.append(part, style=INSERTED_STYLE if op == INSERT and not cosmetic else "")
    return text
