"""Article-level diffs between two versions of a document: align units, then diff characters.

``compare(old_units, new_units)`` returns a ``DocumentDiff`` of ``ArticleChange`` records; the
``render_*`` modules turn those records into JSON, terminal, HTML and Word output.
"""

from diffing.compare import compare
from diffing.model import ArticleChange, DiffSummary, DocumentDiff

__all__ = ["ArticleChange", "DiffSummary", "DocumentDiff", "compare"]
