"""Amendment decisions (修改决定, 修正案, …等N件…的决定) read as typed instructions.

- ``decision.parse_decision(text, title=None) -> tuple[TargetInstructions, ...]``: per target.
- ``model``: the instruction records (Replace, Substitute, Delete, Insert, InsertText, Renumber,
  Reorder, Unsupported) and ``Place`` (第N条第K款第J项 of the old text).

``relations.read_decision(doc, effective_date)``: the decision as ``amends`` relations (one per
target, scope the places touched) for ``linking.extract``.
``linking.consolidate.apply`` applies one target's instructions to its old articles.
"""
