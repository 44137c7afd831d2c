"""The official republished text against the text derived before it.

When an ingest stores a new text of a document whose latest version was derived from an
amendment decision, the two are compared article by article in comparison form
(``linking.derived.differing_articles``): equal marks the derived version verified; otherwise
the differing articles are kept in its provenance and reported as a warning. Either way the
official text, stored after it, is the document's latest version.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ingest.notices import Notice
from linking.derived import differing_articles
from storage.documents import chunked
from storage.models import Document, DocumentVersion
from storage.versions import articles_of


def check_new_versions(session: Session, new_versions: Iterable[tuple[int, int | None, int]]) -> list[Notice]:
    """Compare each new version whose previous one is an unchecked derived version; the warnings."""
    new_versions = list(new_versions)
    # The previous versions that were derived, read at once: most new versions have none.
    previous = [old_id for _doc_id, old_id, _new_id in new_versions if old_id is not None]
    derived_by_id: dict[int, DocumentVersion] = {}
    for chunk in chunked(previous):
        stmt = select(DocumentVersion).where(DocumentVersion.id.in_(chunk), DocumentVersion.derived.is_(True))
        derived_by_id.update((v.id, v) for v in session.scalars(stmt))
    warnings: list[Notice] = []
    for _doc_id, old_id, new_id in new_versions:
        derived = derived_by_id.get(old_id) if old_id is not None else None
        if derived is None or (derived.provenance or {}).get("verification"):
            continue
        official = session.get(DocumentVersion, new_id)
        if official is None or official.derived:
            continue
        warning = verify(session, derived, official)
        if warning:
            warnings.append(warning)
    return warnings


def verify(session: Session, derived: DocumentVersion, official: DocumentVersion) -> Notice | None:
    """Record how ``official`` compares with ``derived``; a warning naming the differing articles."""
    official_articles = articles_of(official)
    differing = differing_articles(articles_of(derived), official_articles)
    derived.verified = not differing
    derived.provenance = {
        **(derived.provenance or {}),
        "verification": {"official_version": official.version_no, "differing_articles": differing},
    }
    if not differing:
        return None
    doc = session.get(Document, derived.document_id)
    decision = (derived.provenance or {}).get("decision") or {}
    headings = {a.label: a.heading for a in official_articles}
    named = [f"{headings.get(label) or label} ({label})" for label in differing[:10]]
    facts = {
        "title": doc.title if doc else derived.document_id,
        "official": official.version_no,
        "derived": derived.version_no,
        "decision": decision.get("title", "?"),
        "count": len(differing),
        "articles": named,
        "articles_total": len(differing),
    }
    return Notice("official_text_differs", facts)
