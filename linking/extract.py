"""Relations a document states about others, one sentence at a time.

A relation needs a phrase (同时废止, 代替, 进行了修订, 有效期…) bound to a document the sentence
really names (a 文号, a standard number, a 《title》 of a normative document; see
``linking.mentions``). Phrases without such a target are not relations: the traps in DOMAIN.md
(配置许可证自行失效, 可检测尿素代替, 以本通知为准) name no document, and 医院评审结论有效期4年 is not
the document's own life. Every other named document is cited (one ``cites`` per sentence and
target), except what the source issues itself.
"""

from __future__ import annotations

from datetime import date

from ingest.dates import effective_date_from
from linking import list_rules, rules
from linking.amendments.relations import read_decision
from linking.expiry import expiry_relations
from linking.header import header_relations
from linking.history import history_relations
from linking.mentions import find_aliases, find_mentions, masked
from linking.model import Citation, ExtractedRelation, SourceDoc
from linking.own import OwnTitles, attachment_titles
from linking.sentences import split_sentences
from linking.titles import title_key

# A draft for comment (征求意见稿) states a validity it does not have yet: 001 line 4174.
_DRAFT_MARKERS = ("征求意见",)


def extract_relations(doc: SourceDoc) -> list[ExtractedRelation]:
    """Every relation ``doc`` states, in text order."""
    doc_effective = _doc_effective_date(doc)
    own = OwnTitles([doc.title, *doc.own_titles, *attachment_titles(doc.text)])
    is_draft = any(marker in doc.title for marker in _DRAFT_MARKERS)
    found, header_lines = header_relations(doc)
    decision = read_decision(doc, doc_effective)  # None unless doc is an amendment decision
    text = decision.text if decision else doc.text
    sentences = split_sentences(_without(text, header_lines), doc.start_line)
    aliases: dict[str, Citation] = {}
    in_repeal_list = False
    list_state: list_rules.ListState | None = None
    for index, sentence in enumerate(sentences):
        mentions = find_mentions(sentence.text, own_doc_number=doc.doc_number_canonical, aliases=aliases)
        histories = history_relations(sentence, mentions)  # also of what a decision amends itself
        mentions = decision.not_amended(mentions) if decision else mentions
        aliases.update(find_aliases(sentence.text, mentions))  # after: the defining mention is cited
        stated = effective_date_from(sentence.text, written=doc.written_date, published=doc.published_date)
        following = sentences[index + 1].text if index + 1 < len(sentences) else ""
        ctx = rules.Context(
            doc, sentence, mentions, masked(sentence.text, mentions), stated or doc_effective, following
        )
        listed, list_state = list_rules.list_relations(ctx, list_state)
        item = rules.repeal_list_item(ctx) if in_repeal_list and listed is None else None
        listed = item if listed is None else listed
        closes = rules.closes_repeal_list(ctx)
        in_repeal_list = (item is not None and not closes) or rules.opens_repeal_list(ctx)
        list_state = None if closes else list_state
        if in_repeal_list and list_state is None:
            list_state = list_rules.ListState()  # "废止下列法律…：" opens a list of rows
        taken = listed or rules.repeals(ctx) + rules.replacements(ctx) + rules.amendments(ctx)
        own.add(rules.own_instruments(ctx))
        stated_here = [rel for rel, _ in taken if rel is not None] + _citations(
            ctx, own, {m.start for _, m in taken}
        )
        stated_here += histories
        if not is_draft:
            stated_here += expiry_relations(sentence, start=ctx.effective_date)
        found += _dedupe_sentence(stated_here)
    found = sorted([*found, *decision.relations], key=lambda r: r.line) if decision else found
    return _once_replaced(found)


def _without(text: str, lines: range) -> str:
    """``text`` with ``lines`` (indexes) blanked: the 题注 is read by ``linking.header`` alone."""
    if not lines:
        return text
    kept = text.split("\n")
    for index in lines:
        kept[index] = ""
    return "\n".join(kept)


def _doc_effective_date(doc: SourceDoc) -> date | None:
    """The source's 施行 date: its own, else what its text says, else its written date (not publication)."""
    if doc.effective_date:
        return doc.effective_date
    stated = effective_date_from(doc.text, written=doc.written_date, published=doc.published_date)
    return stated or doc.written_date


def _citations(ctx: rules.Context, own: OwnTitles, taken: set[int]) -> list[ExtractedRelation]:
    """Every other document the sentence names; a bare 文号 only right after 按照/根据/依据."""
    bound = {m.start for m in rules.cite_bound(ctx)}
    out: list[ExtractedRelation] = []
    for mention in ctx.mentions:
        if mention.start in taken or mention.alias or own.holds(mention):
            continue
        if mention.citation.title is None and mention.start not in bound:
            continue
        out.append(rules.relation(ctx, "cites", mention))
    return out


def _target_key(citation: Citation | None) -> str:
    if citation is None:
        return ""
    if citation.doc_number_canonical:
        return citation.doc_number_canonical
    return title_key(citation.title or "")


def _dedupe_sentence(relations: list[ExtractedRelation]) -> list[ExtractedRelation]:
    """One relation per kind, target, scope and subject in a sentence; a title-only target also named
    with its 文号 in the same sentence is that target (001 line 5203)."""
    numbered = {
        (rel.kind, title_key(rel.citation.title), rel.scope)
        for rel in relations
        if rel.citation and rel.citation.doc_number_canonical and rel.citation.title
    }
    seen: set[tuple[str, ...]] = set()
    out: list[ExtractedRelation] = []
    for rel in relations:
        target = _target_key(rel.citation)
        title_only = rel.citation is not None and not rel.citation.doc_number_canonical and rel.citation.title
        if title_only and (rel.kind, target, rel.scope) in numbered:
            continue
        # rows of a list quote themselves: two rows with one 文号 (l02 卫监发〔1998〕第19号) are two documents
        key = (rel.kind, target, rel.scope, _target_key(rel.subject), rel.quote)
        if key not in seen:
            seen.add(key)
            out.append(rel)
    return sorted(out, key=lambda r: r.line)


def _once_replaced(relations: list[ExtractedRelation]) -> list[ExtractedRelation]:
    """A document both replaced and repealed by the source is recorded once, as replaced (004 lines 7-21)."""
    replaced = {
        _target_key(rel.citation) for rel in relations if rel.kind == "replaces" and not _passive(rel)
    }
    return [rel for rel in relations if not (rel.kind == "repeals" and _target_key(rel.citation) in replaced)]


def _passive(rel: ExtractedRelation) -> bool:
    """A list row's note "该文件已被《…》替代" (l05): the source's own repeal of the row stands."""
    return rel.subject is not None and "已被" in rel.quote
