"""Benchmark digests: build and hand to a local SMTP sink the monthly digests of 10,000 subscribers.

A month of changes is synthesised (new documents, repeals and replacements with their relations,
amendments with stored article diffs, article changes, citations of repealed documents) and
10,000 confirmed subscribers with varied filters (everything, issuers, categories, keywords,
kinds, supersession chains). ``send_due`` then plans and sends the month, ``REPEATS`` times on
each of SQLite and PostgreSQL (median and spread); the sink is a separate process (a minimal
asyncio SMTP responder) that appends each recipient to a file, so every run also checks that each
planned digest arrived exactly once. The alternative, measured in the same run: one sending
process instead of REGTRACK_SMTP_WORKERS (default 2). The sink advertises PIPELINING, as real
mail servers do. The earlier path (a body render per cache miss, one command per round trip,
threads) took 54 s for the same 10,000 on SQLite, measured once on 2026-12-04 (BASELINE_SECONDS). Memory is the process's resident set,
sampled during the run; a run with a quarter of the subscribers shows whether it grows with them.

Run alone with ``uv run python -m benchmarks.bench_digest``; ``make bench`` collects ``run()``;
``--large`` runs 100,000 subscribers once on each database instead.
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, insert, select

from benchmarks.common import free_port, print_table
from benchmarks.year import scratch_database
from regtrack.services.digests import send_due
from regtrack.settings import load_settings
from storage.db import make_engine, transaction
from storage.models import (
    ChangeEvent,
    Document,
    DocumentVersion,
    Relation,
    Subscriber,
    Subscription,
    VersionDiff,
)

SUBSCRIBERS = 10_000
REPEATS = 3
BACKENDS = ("sqlite", "postgresql")
TARGET_SECONDS = 15.0
BASELINE_SECONDS = 54.0  # 2026-12-04, before rendering once per content, pipelining and processes
NOW = datetime(2024, 4, 2, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
ISSUERS = [
    "国家卫生健康委员会", "国家卫生健康委办公厅", "国家中医药管理局", "国家疾病预防控制局", "国家医疗保障局",
    "国家药品监督管理局", "国家卫生健康委医政司", "国家卫生健康委基层司", "国家卫生健康委规划司", "国务院办公厅",
    "人力资源社会保障部", "财政部", "教育部", "民政部", "工业和信息化部",
]  # fmt: skip
CATEGORIES = [
    "医政",
    "疾病预防控制",
    "基层卫生",
    "药政",
    "医疗保障",
    "中医药",
    "妇幼健康",
    "卫生应急",
    "规划信息",
    "综合",
]
TOPICS = [
    "医疗机构", "卫生应急队伍", "传染病", "预防接种", "医保支付", "药品集中采购", "中医诊所", "妇幼保健", "家庭医生",
    "医疗质量", "护理服务", "临床路径", "远程医疗", "健康教育", "职业病", "食品安全标准", "医用耗材", "互联网诊疗",
]  # fmt: skip
SHAPES = [
    "关于印发{t}管理办法的通知",
    "{t}工作规范（2024年版）",
    "关于进一步加强{t}工作的通知",
    "{t}技术指南",
    "关于做好{t}有关工作的通知",
]
SENTENCE = "医疗机构应当建立健全{t}管理制度，明确责任部门和人员，定期开展自查，发现问题及时整改并报告。"


def _article(rng: random.Random, number: int, changed: bool) -> dict[str, Any]:
    text = SENTENCE.format(t=rng.choice(TOPICS)) * 2
    ops: list[list[Any]] = [[0, f"第{number}条 " + text]]
    if changed:
        cut = rng.randrange(10, len(text) - 10)
        ops = [[0, f"第{number}条 " + text[:cut]], [-1, "原则上每年"], [1, "每半年至少"], [0, text[cut:]]]
    label = f"ch1/a{number}"
    return {"change": "modified" if changed else "unchanged", "old_label": label, "new_label": label,
            "old_number": number, "new_number": number, "similarity": 0.9, "ops": ops}  # fmt: skip


def build_month(engine: Engine, rng: random.Random) -> dict[str, int]:
    """Documents, relations, diffs and about 300 change events, all in March 2024."""
    docs = [
        {
            "identity_key": f"bench:{i}",
            "title": rng.choice(SHAPES).format(t=rng.choice(TOPICS)),
            "doc_number": f"国卫{rng.choice('医基规疾妇')}发〔{rng.choice((2010, 2018, 2024))}〕{i}号",
            "issuer": rng.choice(ISSUERS),
            "issuers": [],
            "category": rng.choice(CATEGORIES),
            "keywords": rng.sample(TOPICS, 2),
            "effective_date": date(2024, 3, rng.randrange(1, 29)),
        }
        for i in range(1, 401)
    ]
    with transaction(engine, write=True) as session:
        session.execute(insert(Document), docs)
        ids = list(session.scalars(select(Document.id).order_by(Document.id)))
        events: list[dict[str, Any]] = []

        def event(kind: str, doc: int, **extra: Any) -> None:
            day = rng.randrange(1, 32)
            stamp = datetime(2024, 3, day, rng.randrange(0, 16), tzinfo=UTC).replace(tzinfo=None)
            events.append({"event_key": f"{kind}:{len(events)}", "kind": kind, "document_id": doc,
                           "created_at": stamp, "summary": "", **extra})  # fmt: skip

        for doc in ids[:150]:
            event("new_document", doc)
        for old, new in zip(ids[150:210], ids[:60], strict=True):
            kind = rng.choice(("repeals", "replaces"))
            rel = Relation(
                source_id=new, target_id=old, kind=kind, effective_date=date(2024, 3, rng.randrange(1, 29))
            )
            session.add(rel)
            session.flush()
            event(
                "repealed" if kind == "repeals" else "replaced",
                old,
                related_document_id=new,
                relation_id=rel.id,
            )
        for doc in ids[210:250]:
            versions = [
                DocumentVersion(document_id=doc, version_no=n, content_hash=f"b{doc}-{n}", text="…")
                for n in (1, 2)
            ]
            session.add_all(versions)
            session.flush()
            articles = [_article(rng, n, changed=rng.random() < 0.4) for n in range(1, 13)]
            diff = VersionDiff(
                old_version_id=versions[0].id, new_version_id=versions[1].id, diff={"articles": articles}
            )
            session.add(diff)
            session.flush()
            event("amended", doc, version_diff_id=diff.id, summary="修改若干条款")
            changed = [a for a in articles if a["change"] == "modified"][:1]
            for art in changed:
                event("article_changed", doc, version_diff_id=diff.id, article_label=art["new_label"])
        for doc, cited in zip(ids[250:280], ids[150:180], strict=True):
            event("cites_repealed", doc, related_document_id=cited)
        session.execute(insert(ChangeEvent), events)
    return {"documents": len(ids), "events": len(events), "chain_seeds": ids[150]}


def build_subscribers(engine: Engine, rng: random.Random, count: int, chain_seed: int) -> None:
    """Confirmed subscribers, one or two subscriptions each, with a mix of filters."""
    created = datetime(2024, 1, 1)
    subscribers = [
        {"email": f"reader{i:05d}@bench.example", "confirmed_at": created, "created_at": created}
        for i in range(count)
    ]
    with transaction(engine, write=True) as session:
        session.execute(insert(Subscriber), subscribers)
        ids = list(session.scalars(select(Subscriber.id).order_by(Subscriber.id)))
        rows = []
        for sid in ids:
            for _ in range(1 if rng.random() < 0.7 else 2):
                rows.append({"subscriber_id": sid, "filters": _filters(rng, chain_seed), "frequency": "monthly",
                             "apprise_urls": [], "active": True, "created_at": created})  # fmt: skip
        session.execute(insert(Subscription), rows)


def _filters(rng: random.Random, chain_seed: int) -> dict[str, list[Any]]:
    roll = rng.random()
    if roll < 0.10:
        return {}
    if roll < 0.40:
        return {"issuers": rng.sample(ISSUERS, rng.randrange(1, 3))}
    if roll < 0.60:
        return {"categories": [rng.choice(CATEGORIES)]}
    if roll < 0.80:
        return {"keywords": rng.sample(TOPICS, rng.randrange(1, 4))}
    if roll < 0.95:
        return {
            "kinds": rng.sample(["repeals", "replaces", "amends", "cites", "new"], 2),
            "categories": [rng.choice(CATEGORIES)],
        }
    return {"chains": [chain_seed + rng.randrange(0, 60)]}


# A minimal SMTP responder in its own process (aiosmtpd reads DATA line by line and would be
# the bottleneck): it answers every command in order (so pipelined commands work), reads each
# message whole, logs recipient and size.
SINK = r"""
import asyncio, re, sys
log = open(sys.argv[2], "a", buffering=1)
async def session(reader, writer):
    writer.write(b"220 sink ESMTP\r\n")
    rcpts = []
    while line := await reader.readline():
        verb = line[:4].upper()
        if verb == b"EHLO":
            writer.write(b"250-sink\r\n250-PIPELINING\r\n250 8BITMIME\r\n")
        elif verb == b"RCPT":
            rcpts.append(re.search(rb"<([^>]*)>", line).group(1).decode())
            writer.write(b"250 OK\r\n")
        elif verb == b"DATA":
            writer.write(b"354 go ahead\r\n")
            await writer.drain()
            data = await reader.readuntil(b"\r\n.\r\n")
            log.write(" ".join(rcpts) + " %d\n" % len(data))
            rcpts = []
            writer.write(b"250 OK queued\r\n")
        elif verb == b"QUIT":
            writer.write(b"221 bye\r\n")
            await writer.drain()
            break
        else:  # HELO, MAIL, RSET, NOOP
            writer.write(b"250 OK\r\n")
        await writer.drain()
    writer.close()
async def main():
    server = await asyncio.start_server(session, "127.0.0.1", int(sys.argv[1]), limit=2**25)
    print("ready", flush=True)
    await server.serve_forever()
asyncio.run(main())
"""


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(
    count: int, backend: str = "sqlite", workers: int | None = None, seed: int = 11
) -> dict[str, Any]:
    """One run on a fresh database of ``backend``; ``workers``: SMTP connections in parallel
    (default REGTRACK_SMTP_WORKERS)."""
    with tempfile.TemporaryDirectory() as tmp, scratch_database(backend) as database_url:
        folder = Path(tmp)
        engine = make_engine(database_url)
        rng = random.Random(seed)
        month = build_month(engine, rng)
        build_subscribers(engine, rng, count, month["chain_seeds"])
        port = free_port()
        log = folder / "received.txt"
        sink = subprocess.Popen([sys.executable, "-c", SINK, str(port), str(log)], stdout=subprocess.PIPE)
        try:
            assert sink.stdout is not None and sink.stdout.readline().strip() == b"ready"
            settings = replace(load_settings(), var_dir=folder / "var", smtp_url=f"smtp://127.0.0.1:{port}")
            samples: list[float] = []
            done = threading.Event()

            def sample() -> None:
                while not done.wait(0.25):
                    samples.append(_rss_mb())

            sampler = threading.Thread(target=sample, daemon=True)
            rss_before = _rss_mb()
            sampler.start()
            start = time.perf_counter()
            report = send_due(engine, settings, "monthly", NOW, retry_delays=(), workers=workers)
            seconds = time.perf_counter() - start
            done.set()
            sampler.join()
        finally:
            sink.terminate()
            sink.wait(10)
        lines = [line.split() for line in log.read_text().splitlines()]
        received = Counter(parts[0] for parts in lines)
        sizes = sorted(int(parts[1]) for parts in lines)
        engine.dispose()
    return {
        "subscribers": count,
        "events": month["events"],
        "seconds": round(seconds, 2),
        "sent": report.sent,
        "empty": report.empty,
        "messages_per_s": round(report.sent / seconds, 1),
        "received": sum(received.values()),
        "duplicates": sum(n - 1 for n in received.values() if n > 1),
        "median_message_kb": round(sizes[len(sizes) // 2] / 1024, 1) if sizes else 0,
        "largest_message_kb": round(sizes[-1] / 1024, 1) if sizes else 0,
        "rss_before_mb": round(rss_before, 1),
        "rss_peak_growth_mb": round(max(samples, default=rss_before) - rss_before, 1),
        "rss_first_quarter_mb": round(samples[len(samples) // 4] - rss_before, 1) if samples else 0.0,
        "ok": report.ok,
    }


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    seconds = [r["seconds"] for r in runs]
    return {
        "median_s": statistics.median(seconds),
        "min_s": min(seconds),
        "max_s": max(seconds),
        "sent": runs[0]["sent"],
        "received": [r["received"] for r in runs],
        "duplicates": sum(r["duplicates"] for r in runs),
        "runs": runs,
    }


def run() -> dict[str, Any]:
    quarter = measure(SUBSCRIBERS // 4)
    backends = {b: _summary([measure(SUBSCRIBERS, b) for _ in range(REPEATS)]) for b in BACKENDS}
    one_connection = measure(SUBSCRIBERS, "sqlite", workers=1)  # the alternative: one process
    full = backends["sqlite"]["runs"][0]
    rows = []
    for backend, f in backends.items():
        delivered = all(n == f["sent"] for n in f["received"]) and not f["duplicates"]
        rows.append([
            f"{SUBSCRIBERS:,} subscribers, {full['events']} events, {backend}: plan + render + send, "
            f"median (min–max) of {REPEATS}",
            f"{f['median_s']:.1f} s ({f['min_s']:.1f}–{f['max_s']:.1f}); {f['sent'] / f['median_s']:.0f} msg/s",
            f"< {TARGET_SECONDS:.0f} s", "✓" if f["median_s"] < TARGET_SECONDS else "✗",
        ])  # fmt: skip
        rows.append([
            f"{backend}: digests sent / received by the sink / duplicates (every run)",
            f"{f['sent']} / {', '.join(map(str, f['received']))} / {f['duplicates']}",
            "equal, 0 duplicates", "✓" if delivered else "✗",
        ])  # fmt: skip
    ratio = one_connection["seconds"] / backends["sqlite"]["median_s"]
    rows += [
        ["one sending process instead of the worker processes (sqlite)",
         f"{one_connection['seconds']:.1f} s, ×{ratio:.2f}", "", ""],
        ["the path before (measured once, 2026-12-04, sqlite)",
         f"{BASELINE_SECONDS:.0f} s, ×{BASELINE_SECONDS / backends['sqlite']['median_s']:.1f} the time", "", ""],
        ["message size median / largest", f"{full['median_message_kb']} / {full['largest_message_kb']} KB", "", ""],
        ["RSS growth: 2,500 vs 10,000 subscribers",
         f"{quarter['rss_peak_growth_mb']} MB vs {full['rss_peak_growth_mb']} MB", "flat (not ×4)",
         "✓" if full["rss_peak_growth_mb"] < max(2 * quarter["rss_peak_growth_mb"], 30) else "✗"],
        [f"{quarter['subscribers']:,} subscribers (sqlite)", f"{quarter['seconds']:.1f} s", "", ""],
    ]  # fmt: skip
    return {"quarter": quarter, "backends": backends, "one_connection": one_connection, "table": rows}


def run_large(count: int = 100_000) -> dict[str, Any]:
    """The issue's second target, once per database: 100,000 subscribers in < 150 s, memory flat.
    Not part of ``make bench`` (it takes minutes); ``python -m benchmarks.bench_digest --large``."""
    runs = {backend: measure(count, backend) for backend in BACKENDS}
    rows = [
        [f"{count:,} subscribers, {backend}", f"{r['seconds']:.1f} s; {r['sent']} sent, {r['duplicates']} duplicates; "
         f"RSS growth {r['rss_peak_growth_mb']} MB", f"< {count * TARGET_SECONDS / SUBSCRIBERS:.0f} s",
         "✓" if r["seconds"] < count * TARGET_SECONDS / SUBSCRIBERS and not r["duplicates"] else "✗"]
        for backend, r in runs.items()
    ]  # fmt: skip
    return {"runs": runs, "table": rows}


if __name__ == "__main__":
    print_table("bench_digest", run_large() if "--large" in sys.argv else run())
