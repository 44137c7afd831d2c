"""No hang on hostile text: the 文号 finder, the date parser, the normaliser, the segmenter and
the linker each get long runs built to make a backtracking regex or a rescan explode (a prefix
that starts a match, then 100,000 characters that keep it alive, then one that fails it).

Linear code handles each input in about a second; a quadratic path needs minutes. Each input
runs in a forked process with a deadline, so a hang fails the test and names the stage instead
of freezing the suite. This is a liveness bound, not a speed test.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from diffing.chardiff import char_ops, new_side, old_side
from ingest.dates import effective_date_from, expiry_from, find_dates, parse_date
from ingest.docnumber import canonical_doc_number, find_doc_numbers
from ingest.errors import SegmentError
from ingest.normalize import clean_lines, comparison_key
from ingest.parse import parse_text
from linking.extract import extract_relations
from linking.model import SourceDoc

DEADLINE_S = 20.0  # linear stages need about 1 s on these inputs, quadratic ones minutes
KNOWN_HANG_DEADLINE_S = 5.0  # enough for the fixed code; the known hangs need over 100 s
RUN = 100_000


def _doc_numbers(text: str) -> None:
    for _start, _end, _raw, canonical in find_doc_numbers(text):
        assert canonical_doc_number(canonical) == canonical


def _dates(text: str) -> None:
    find_dates(text)
    parse_date(text)
    effective_date_from(text, written=date(2024, 3, 19), published=None)
    expiry_from(text, start=date(2024, 3, 19))


def _segment(text: str) -> None:
    with contextlib.suppress(SegmentError):
        parse_text(text)


def _link(text: str) -> None:
    extract_relations(
        SourceDoc(
            key="k",
            text=text,
            start_line=1,
            doc_number_canonical="国卫医急发〔2024〕11号",
            title="关于印发某办法的通知",
        )
    )


def _normalise(text: str) -> None:
    comparison_key(text)
    clean_lines(text)


def _diff(text: str) -> None:
    changed = text[: len(text) // 3] + "应当" + text[len(text) // 3 :: 2]
    ops = char_ops(text, changed)
    assert old_side(ops) == text and new_side(ops) == changed


STAGES: tuple[tuple[str, Callable[[str], None]], ...] = (
    ("文号", _doc_numbers),
    ("dates", _dates),
    ("normalise", _normalise),
    ("segment", _segment),
    ("link", _link),
)


def _run_stages(text: str, stages: tuple[tuple[str, Callable[[str], None]], ...], progress: Any) -> None:
    for name, stage in stages:
        progress.send(name)
        stage(text)
    progress.send("done")


def stage_that_did_not_finish(
    text: str, stages: tuple[tuple[str, Callable[[str], None]], ...] = STAGES, deadline_s: float = DEADLINE_S
) -> str | None:
    """None when every stage finished in time; else the stage that hung or raised, and how."""
    fork = multiprocessing.get_context("fork")  # the modules are already imported: no start-up cost
    receiver, sender = fork.Pipe(duplex=False)
    process = fork.Process(target=_run_stages, args=(text, stages, sender), daemon=True)
    process.start()
    process.join(deadline_s)
    if process.is_alive():
        process.kill()
        process.join()
    reached = "nothing"
    while receiver.poll():
        reached = receiver.recv()
    if reached == "done" and process.exitcode == 0:
        return None
    how = f"still running after {deadline_s:.0f} s" if process.exitcode in (None, -9) else "raised"
    return f"{reached} ({how})"


def run(prefix: str, fill: str, suffix: str = "x") -> str:
    return prefix + fill * (RUN // len(fill)) + suffix


HOSTILE = {
    "spaces": run("", " "),
    "newlines": run("", "\n"),
    "issuer-code-run": run("", "国卫医急发"),
    "open-brackets": run("国卫发", "〔"),
    "year-brackets": run("国卫发", "〔2024〕"),
    "parenthesised-code": run("", "国(卫)"),
    "di-run": run("", "第"),
    "article-headings": run("", "第一条 本办法\n"),
    "item-markers": run("", "（一）一、"),
    "spaced-date": run("2024 年", " "),
    "numeric-date": run("", "2024-"),
    "chinese-date": run("", "二〇二四年"),
    "from": run("", "自", "起施行"),
    "quoted-titles": run("根据", "《"),
    "abbreviation": run("", "简称“"),
    "repeal-list": run("下列文件同时废止：\n", "《关于印发某办法的通知》\n"),
    "metadata-labels": run("", "发文机关：\n"),
    "standard-numbers": run("", "WS/T 1"),
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_every_stage_finishes_on_hostile_runs(text: str) -> None:
    assert stage_that_did_not_finish(text) is None


def test_the_differ_finishes_on_a_long_hostile_pair() -> None:
    """Character diffs have their own time budget (diffing.chardiff); the result stays exact."""
    assert stage_that_did_not_finish(run("第一条", "应急队伍，"), (("diff", _diff),)) is None


# Once quadratic (RELIABILITY.md G1, G2); kept as regressions.
FORMER_HANGS = {
    # ingest/docnumber.py DOC_NUMBER_RE: two blank runs around an optional 第 before the serial
    "blank-run-after-a-year-bracket": run("国卫发〔2024〕", " "),
    # linking/expiry.py: find_dates over the whole rest of the sentence for every 有效期 phrase
    "many-validity-phrases-in-one-sentence": run("", "本办法有效期，"),
}


@pytest.mark.parametrize("text", FORMER_HANGS.values(), ids=FORMER_HANGS.keys())
def test_former_hangs_finish(text: str) -> None:
    assert stage_that_did_not_finish(text, deadline_s=KNOWN_HANG_DEADLINE_S) is None
