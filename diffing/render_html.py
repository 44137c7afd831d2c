"""HTML rendering of a document diff: a standalone 新旧对照表 page, or just its table.

All document text goes through Jinja2 autoescaping; styles are inline so that the table fragment
can be embedded in the web app and in e-mails (mail clients strip <style>, <ins> and <del>).
"""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from diffing.model import CHANGE_NAMES, RESTRUCTURE_NAMES, DocumentDiff


def render_html_table(diff: DocumentDiff, *, changed_only: bool = False) -> str:
    """The 旧条文/新条文 table alone, for embedding; unchanged units fold into <details>."""
    articles = diff.changed_articles if changed_only else diff.articles
    return (
        _environment()
        .get_template("diff_table.html.j2")
        .render(
            diff=diff,
            articles=articles,
            changed_only=changed_only,
            names=CHANGE_NAMES,
            restructure_names=RESTRUCTURE_NAMES,
        )
    )


def render_html(diff: DocumentDiff, *, changed_only: bool = False) -> str:
    """A standalone HTML page: both titles and refs, the summary, and the table."""
    table = Markup(render_html_table(diff, changed_only=changed_only))  # noqa: S704 - rendered with autoescape
    return _environment().get_template("diff_page.html.j2").render(diff=diff, table=table, names=CHANGE_NAMES)


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("diffing", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
    )
