"""What one link run reports, and what it remembers while it runs."""

from __future__ import annotations

from dataclasses import dataclass, field

from storage.models import Relation


@dataclass
class LinkReport:
    relations_added: int = 0
    relations_removed: int = 0
    placeholders_created: int = 0
    placeholders_merged: int = 0


@dataclass
class LinkRun:
    """The report, plus the documents whose families or whose use may have changed in this run."""

    report: LinkReport = field(default_factory=LinkReport)
    touched: set[int] = field(default_factory=set)  # placeholders created or renamed, merge targets
    maybe_orphaned: set[int] = field(default_factory=set)  # ends of removed relations, new placeholders
    citations: list[Relation] = field(default_factory=list)  # cites stated or moved in this run
    ended: set[int] = field(default_factory=set)  # targets of repeals/replaces stated or moved

    def stated(self, rel: Relation) -> None:
        """``rel`` was written in this run: a citation of something repealed may now exist."""
        if rel.kind == "cites":
            self.citations.append(rel)
        elif rel.kind in ("repeals", "replaces"):
            self.ended.add(rel.target_id)

    def forget(self, rel: Relation) -> None:
        """``rel`` is being removed: its two ends may now be placeholders nothing points at."""
        self.maybe_orphaned.update((rel.source_id, rel.target_id))
