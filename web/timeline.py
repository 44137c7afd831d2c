"""Layout of the supersession chain as a vertical SVG timeline (the template draws it).

Vertical, because a chain of long Chinese titles reads top to bottom on a phone; the SVG has
a fixed coordinate width (``WIDTH``) and scales up on wide screens. Nodes are documents, oldest
first; the label between two nodes is the edge that joins them (relation kind, effective date).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from linking.model import EDITION
from web.render import kind_label, status_label, zh_date

WIDTH = 400
NODE_H = 84  # a node: date line, two title lines, 文号/status line
EDGE_H = 40  # the gap between two nodes, where the edge label sits
TOP = 16
AXIS_X = 22
TEXT_X = 46
CHARS_PER_LINE = 21  # CJK characters at 16px that fit between TEXT_X and WIDTH
TITLE_LINES = 2


@dataclass(frozen=True)
class Node:
    id: int
    title: str
    doc_number: str | None
    status: str
    date: str | None  # the document's own date (written, else published)
    current: bool
    placeholder: bool


@dataclass(frozen=True)
class Edge:
    kind: str
    effective_date: str | None
    quote: str | None = None  # the sentence that makes the edge, when one does
    line: int | None = None


@dataclass(frozen=True)
class PlacedNode:
    node: Node
    y: int
    title_lines: tuple[str, ...]
    caption: str
    meta: str
    edge_label: str | None  # the edge to the next node, drawn below this one
    edge: Edge | None


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    axis_x: int
    text_x: int
    nodes: tuple[PlacedNode, ...]


def chain_nodes(view: dict[str, Any]) -> tuple[list[Node], list[Edge]]:
    """Nodes oldest first, and the edge after each node but the last.

    A predecessor's step carries the edge to the newer document after it; a successor's step
    carries the edge from the older document before it (``linking.chain`` orders both oldest first).
    """
    before, after = view.get("predecessors", []), view.get("successors", [])
    nodes = (
        [_node(s, False) for s in before] + [_node(view["document"], True)] + [_node(s, False) for s in after]
    )
    edges = [_edge(s) for s in before] + [_edge(s) for s in after]
    return nodes, edges


def _node(data: dict[str, Any], current: bool) -> Node:
    return Node(
        id=data["id"],
        title=data.get("title") or "",
        doc_number=data.get("doc_number"),
        status=data.get("status") or "",
        date=data.get("written_date") or data.get("published_date"),
        current=current,
        placeholder=bool(data.get("placeholder")),
    )


def _edge(step: dict[str, Any]) -> Edge:
    evidence = step.get("evidence") or {}
    quote = evidence.get("quote") if step.get("kind") != EDITION else None  # a reason code, not a sentence
    return Edge(
        kind=step.get("kind") or "",
        effective_date=step.get("effective_date"),
        quote=quote,
        line=evidence.get("line"),
    )


def wrap(text: str, width: int = CHARS_PER_LINE, lines: int = TITLE_LINES) -> tuple[str, ...]:
    """Cut ``text`` into at most ``lines`` lines of ``width`` characters, ending with … when cut."""
    pieces = [text[i : i + width] for i in range(0, len(text), width)] or [""]
    if len(pieces) > lines:
        pieces = pieces[:lines]
        pieces[-1] = pieces[-1][: width - 1] + "…"
    return tuple(pieces)


def edge_label(edge: Edge) -> str:
    when = f"自{zh_date(edge.effective_date)}起" if edge.effective_date else "生效日期不详"
    return f"↓ {kind_label(edge.kind, passive=True)} · {when}"


def layout(nodes: list[Node], edges: list[Edge]) -> Timeline:
    placed = []
    for index, node in enumerate(nodes):
        caption = (f"成文 {zh_date(node.date)}" if node.date else "日期不详") + (
            " · 本文件" if node.current else ""
        )
        meta = " · ".join(p for p in (node.doc_number, status_label(node.status)) if p)
        if node.placeholder:
            meta += " · 仅见于引用"
        placed.append(
            PlacedNode(
                node=node,
                y=TOP + index * (NODE_H + EDGE_H),
                title_lines=wrap(node.title),
                caption=caption,
                meta=meta,
                edge_label=edge_label(edges[index]) if index < len(edges) else None,
                edge=edges[index] if index < len(edges) else None,
            )
        )
    height = TOP + len(nodes) * NODE_H + max(len(nodes) - 1, 0) * EDGE_H + 8
    return Timeline(width=WIDTH, height=height, axis_x=AXIS_X, text_x=TEXT_X, nodes=tuple(placed))
