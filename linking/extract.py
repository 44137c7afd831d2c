"""Relations a document states about others, one sentence at a time.

A relation needs a phrase (同时废止, 代替, 进行了修订, 按照…要求, 有效期…) bound to a document the
sentence really names (a 文号, a standard number, a 《title》 of a normative document; see
``linking.mentions``). Phrases without such a target are not relations: the traps in DOMAIN.md
(配置许可证自行失效, 可检测尿素代替, 以本通知为准) name no document, and 医院评审结论有效期4年 is not
the document's own life.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ingest.dates import effective_date_from
from linking import binding
from linking.expiry import expiry_relations
from linking.mentions import Mention, find_aliases, find_mentions, masked
from linking.model import Citation, ExtractedRelation, SourceDoc
from linking.sentences import Sentence, split_sentences
from linking.titles import edition_of, title_key

_NUMBERED = 0.95  # the target is named by its 文号 or standard number
_TITLED = 0.7  # the target is named by its 《title》 only: resolution may be wrong


@dataclass(frozen=True)
class _Context:
    doc: SourceDoc
    sentence: Sentence
    mentions: list[Mention]
    blanked: str  # the sentence with mentions blanked
    effective_date: date | None  # when what the sentence says takes effect


def extract_relations(doc: SourceDoc) -> list[ExtractedRelation]:
    """Every relation ``doc`` states, in text order, one per (kind, target, scope)."""
    doc_effective = _doc_effective_date(doc)
    found: list[ExtractedRelation] = []
    aliases: dict[str, Citation] = {}
    for sentence in split_sentences(doc.text, doc.start_line):
        mentions = find_mentions(sentence.text, own_doc_number=doc.doc_number_canonical, aliases=aliases)
        aliases.update(find_aliases(sentence.text, mentions))
        effective = (
            effective_date_from(sentence.text, written=doc.written_date, published=doc.published_date)
            or doc_effective
        )
        ctx = _Context(doc, sentence, mentions, masked(sentence.text, mentions), effective)
        found += _repeals(ctx) + _replacements(ctx) + _amendments(ctx) + _citations(ctx)
        found += expiry_relations(sentence, start=effective)
    return _dedupe(found)


def _doc_effective_date(doc: SourceDoc) -> date | None:
    """The source's 施行 date: its own, else what its text says, else its written date (not publication)."""
    if doc.effective_date:
        return doc.effective_date
    stated = effective_date_from(doc.text, written=doc.written_date, published=doc.published_date)
    return stated or doc.written_date


def _relation(ctx: _Context, kind: str, mention: Mention, *, scope: str = "whole", subject=None):
    citation = mention.citation
    return ExtractedRelation(
        kind=kind,
        citation=citation,
        scope=scope,
        effective_date=ctx.effective_date,
        quote=ctx.sentence.text,
        line=ctx.sentence.line_at(mention.start),
        confidence=_NUMBERED if citation.doc_number_canonical else _TITLED,
        subject=subject,
    )


def _repeals(ctx: _Context) -> list[ExtractedRelation]:
    out: list[ExtractedRelation] = []
    for trigger in binding.REPEAL_RE.finditer(ctx.blanked):
        for target in binding.targets_before(ctx.blanked, ctx.mentions, trigger.start()):
            if target.scopes:
                out += [_relation(ctx, "partially_repeals", target.mention, scope=s) for s in target.scopes]
            else:
                kind = "replaces" if _takes_its_place(ctx, target) else "repeals"
                out.append(_relation(ctx, kind, target.mention))
    return out


def _takes_its_place(ctx: _Context, target: binding.Target) -> bool:
    """原《…》…同时废止 where the source is the same instrument again: 001 line 3809."""
    if not target.former or not target.mention.citation.title:
        return False
    return edition_of(target.mention.citation.title)[0] == title_key(ctx.doc.title)


def _replacements(ctx: _Context) -> list[ExtractedRelation]:
    out: list[ExtractedRelation] = []
    for trigger in binding.REPLACE_RE.finditer(ctx.blanked):
        targets = binding.targets_after(ctx.blanked, ctx.mentions, trigger.end(), binding.REPLACE_LEAD)
        subject = binding.standard_before(ctx.blanked, ctx.mentions, trigger.start())
        for target in targets:
            out.append(_relation(ctx, "replaces", target, subject=subject))
    return out


def _amendments(ctx: _Context) -> list[ExtractedRelation]:
    out: list[ExtractedRelation] = []
    for trigger in binding.AMEND_RE.finditer(ctx.blanked):
        targets = binding.targets_before(ctx.blanked, ctx.mentions, trigger.start(), gap=binding.AMEND_GAP)
        if targets and ctx.blanked[: targets[0].mention.start].endswith(binding.AMEND_OBJECT):
            out += [
                _relation(ctx, "amends", t.mention, scope=t.scopes[0] if t.scopes else "whole")
                for t in targets
            ]
    return out


def _citations(ctx: _Context) -> list[ExtractedRelation]:
    out: list[ExtractedRelation] = []
    for trigger in binding.CITE_RE.finditer(ctx.blanked):
        for target in binding.targets_after(ctx.blanked, ctx.mentions, trigger.end(), binding.CITE_LEAD):
            out.append(_relation(ctx, "cites", target))
    return out


def _target_key(citation: Citation | None) -> str:
    if citation is None:
        return ""
    if citation.doc_number_canonical:
        return citation.doc_number_canonical
    return title_key(citation.title or "")


def _dedupe(relations: list[ExtractedRelation]) -> list[ExtractedRelation]:
    """One relation per (kind, target, scope, subject); a title-only target also named with its 文号 elsewhere
    is the same target (001 line 5203)."""
    numbered = {
        (rel.kind, title_key(rel.citation.title), rel.scope)
        for rel in relations
        if rel.citation and rel.citation.doc_number_canonical and rel.citation.title
    }
    seen: set[tuple[str, str, str, str]] = set()
    out: list[ExtractedRelation] = []
    for rel in relations:
        key = (rel.kind, _target_key(rel.citation), rel.scope, _target_key(rel.subject))
        title_only = rel.citation is not None and not rel.citation.doc_number_canonical and rel.citation.title
        if title_only and (rel.kind, key[1], rel.scope) in numbered:
            continue
        if key not in seen:
            seen.add(key)
            out.append(rel)
    return sorted(out, key=lambda r: r.line)
