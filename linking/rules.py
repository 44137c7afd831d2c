"""One function per relation kind: a phrase in the sentence, bound to the documents it names.

Each returns ``(relation, mention)`` pairs so that extraction knows which mentions are taken
(a document repealed in a sentence is not also cited by it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from linking import binding
from linking.mentions import Mention
from linking.model import Citation, ExtractedRelation, SourceDoc
from linking.sentences import Sentence
from linking.titles import edition_of, title_key

NUMBERED = 0.95  # the target is named by its 文号 or standard number
TITLED = 0.7  # the target is named by its 《title》 only: resolution may be wrong

# (relation, the mention it takes); a mention taken without a relation of its own has None.
Found = list[tuple[ExtractedRelation | None, Mention]]


@dataclass(frozen=True)
class Context:
    """A sentence of the source, its mentions, and what surrounds it."""

    doc: SourceDoc
    sentence: Sentence
    mentions: list[Mention]
    blanked: str  # the sentence with mentions blanked
    effective_date: date | None  # when what the sentence says takes effect
    next_text: str  # the following sentence: "…修订了《…》。现印发给你们"


def relation(
    ctx: Context, kind: str, mention: Mention, *, scope: str = "whole", subject: Citation | None = None
) -> ExtractedRelation:
    citation = mention.citation
    return ExtractedRelation(
        kind=kind,
        citation=citation,
        scope=scope,
        effective_date=None if kind == "cites" else ctx.effective_date,
        quote=ctx.sentence.text,
        line=ctx.sentence.line_at(mention.start),
        confidence=NUMBERED if citation.doc_number_canonical else TITLED,
        subject=subject,
    )


def repeals(ctx: Context) -> Found:
    """同时废止 / 失效 / 不再执行 of named documents, or of parts of them (附件2, 第五条)."""
    if not ctx.mentions:
        return []  # a phrase binds only named documents: most sentences name none
    out: Found = []
    for trigger in binding.REPEAL_RE.finditer(ctx.blanked):
        for target in binding.targets_before(ctx.blanked, ctx.mentions, trigger.start()):
            mention = target.mention
            if target.scopes:
                out += [
                    (relation(ctx, "partially_repeals", mention, scope=s), mention) for s in target.scopes
                ]
            else:
                kind = "replaces" if _takes_its_place(ctx, target) else "repeals"
                out.append((relation(ctx, kind, mention), mention))
        for mention in binding.targets_after(ctx.blanked, ctx.mentions, trigger.end(), binding.REPEAL_LEAD):
            out.append((_repeal_of(ctx, mention), mention))
    return out


# A numbered heading that is the whole sentence (s04, 重庆市 2024-05-30 decision: "五、废止下列地方性法规").
_LIST_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])(?:决定)?废止(?:以下|下列)[^。；;，,：:《》]{0,16}$"
)


# The text's own commencement run into its last item (s04: "（二）《…办法》（…通过）本决定自公布之日起施行。"):
# the list ends with that item.
_COMMENCEMENT = re.compile(r"本(?:决定|通知|公告|规定|办法)自[^。；;]{0,20}(?:施行|生效)")


def closes_repeal_list(ctx: Context) -> bool:
    return _COMMENCEMENT.search(ctx.sentence.text) is not None


def opens_repeal_list(ctx: Context) -> bool:
    """A sentence like "以下文件不再执行：": the items that follow are repealed."""
    if _LIST_HEADING.match(ctx.blanked.strip()):
        return True
    if not ctx.blanked.rstrip("\n").endswith(("：", ":")):
        return False  # the list opens at the end of the sentence: most sentences end otherwise
    return bool(binding.REPEAL_LIST_RE.search(ctx.blanked))


def repeal_list_item(ctx: Context) -> Found | None:
    """The document an item of a repeal list names, or None when the list has ended."""
    if not ctx.mentions or not binding.ITEM_START_RE.match(ctx.sentence.text):
        return None
    mention = ctx.mentions[0]
    return [(_repeal_of(ctx, mention), mention)]


def _repeal_of(ctx: Context, mention: Mention) -> ExtractedRelation:
    """废止《…》第五条: a part named right after the document makes the repeal partial."""
    end = mention.end
    while end < len(ctx.blanked) and ctx.blanked[end] in ")）":
        end += 1
    part = binding.SCOPE_RE.match(ctx.blanked, end)
    if part:
        return relation(ctx, "partially_repeals", mention, scope=part.group())
    return relation(ctx, "repeals", mention)


def _takes_its_place(ctx: Context, target: binding.Target) -> bool:
    """原《…》…同时废止 where the source is the same instrument again: 001 line 3809, 004 line 2212."""
    if not target.former or not target.mention.citation.title:
        return False
    return edition_of(target.mention.citation.title)[0] == title_key(ctx.doc.title)


def replacements(ctx: Context) -> Found:
    """代替/替代 followed by the replaced document; the replacing standard may be named before it."""
    if not ctx.mentions:
        return []
    out: Found = []
    for trigger in binding.REPLACE_RE.finditer(ctx.blanked):
        subject = binding.standard_before(ctx.blanked, ctx.mentions, trigger.start())
        for target in binding.targets_after(ctx.blanked, ctx.mentions, trigger.end(), binding.REPLACE_LEAD):
            out.append((relation(ctx, "replaces", target, subject=subject), target))
    return out


def amendments(ctx: Context) -> Found:
    """对《…》进行了修订 / 修订了《…》, when the source says it made the revision itself."""
    if not ctx.mentions:
        return []
    bound: list[binding.Target | Mention] = []
    for trigger in binding.AMEND_RE.finditer(ctx.blanked):
        targets = binding.targets_before(ctx.blanked, ctx.mentions, trigger.start(), gap=binding.AMEND_GAP)
        if targets and ctx.blanked[: targets[0].mention.start].endswith(binding.AMEND_OBJECT):
            bound += targets
    for trigger in binding.REVISED_RE.finditer(ctx.blanked):
        bound += binding.targets_after(ctx.blanked, ctx.mentions, trigger.end(), binding.REVISED_LEAD)
    if not bound or not _revised_by_source(ctx):
        return []
    out: Found = []
    for item in bound:
        mention = item.mention if isinstance(item, binding.Target) else item
        scope = item.scopes[0] if isinstance(item, binding.Target) and item.scopes else "whole"
        out.append((relation(ctx, "amends", mention, scope=scope), mention))
    return out


def _revised_by_source(ctx: Context) -> bool:
    first = min(m.start for m in ctx.mentions) if ctx.mentions else len(ctx.blanked)
    if binding.SOURCE_ACTS_RE.search(ctx.blanked[:first]):
        return True
    return bool(binding.ISSUES_RE.search(ctx.blanked) or binding.ISSUES_RE.search(ctx.next_text))


def own_instruments(ctx: Context) -> list[Mention]:
    """Mentions of what the source issues itself: "制定了《…》。现印发给你们", "现发布…《…》"."""
    if not ctx.mentions:
        return []
    out: list[Mention] = []
    for trigger in binding.OWN_RE.finditer(ctx.blanked):
        out += binding.targets_after(ctx.blanked, ctx.mentions, trigger.end(), binding.OWN_LEAD)
    return out


def cite_bound(ctx: Context) -> list[Mention]:
    """Mentions right after 按照/根据/依据…: the only place a bare 文号 counts as a citation."""
    if not ctx.mentions:
        return []
    out: list[Mention] = []
    for trigger in binding.CITE_RE.finditer(ctx.blanked):
        out += binding.targets_after(ctx.blanked, ctx.mentions, trigger.end(), binding.CITE_LEAD)
    return out
