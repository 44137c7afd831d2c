"""Digests through a real SMTP server on 127.0.0.1: what arrives, and that nobody gets two.

Every test runs on SQLite and PostgreSQL. Kill-and-resume runs the sender in a subprocess
that is killed while the server holds its message; SMTP-down stops the server mid-run.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select

from notifications.errors import BadToken, SendingFailed
from regtrack.services import digests
from regtrack.services.digests.pool import PARALLEL_FROM
from regtrack.settings import PROJECT_ROOT, Settings
from storage.db import transaction
from storage.models import ChangeEvent, Delivery, Subscriber
from tests.support.net import wait_until
from tests.support.notify import (
    add_document,
    add_event,
    backdate_subscriptions,
    make_settings,
    march_2024,
    utc,
)
from tests.support.processes import children
from tests.support.smtp import SmtpSink, serve_smtp

SHANGHAI = ZoneInfo("Asia/Shanghai")
APRIL_2 = datetime(2024, 4, 2, 10, tzinfo=SHANGHAI)  # March is complete
NO_WAIT: tuple[float, ...] = ()


def subscribed(
    engine: Engine, settings: Settings, email: str, filters: dict[str, Any], frequency: str = "monthly"
) -> None:
    """Subscribe and confirm (confirmation mails go to the .eml outbox here)."""
    result = digests.subscribe(
        engine, dataclasses.replace(settings, smtp_url=None), email, filters, frequency
    )
    digests.confirm(engine, settings, result.token)


def statuses(engine: Engine) -> dict[str, str]:
    with transaction(engine) as session:
        rows = session.execute(
            select(Subscriber.email, Delivery.status, Delivery.period_key).join(
                Delivery, Delivery.subscriber_id == Subscriber.id
            )
        )
        return {email: status for email, status, _key in rows if status != "empty"}


def many_subscribers(engine: Engine, settings: Settings, n: int) -> list[str]:
    addresses = [f"reader{i}@example.org" for i in range(n)]
    for address in addresses:
        subscribed(engine, settings, address, {"categories": ["医"]})
    backdate_subscriptions(engine, utc(2024, 1, 1))
    return addresses


def _links(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', html))


def test_digest_arrives_once_with_headers_both_parts_links_and_a_working_unsubscribe(
    engine: Engine, tmp_path: Path
) -> None:
    march = march_2024(engine)
    with serve_smtp(timeout=20) as sink:
        settings = make_settings(tmp_path, "unused", sink.url)
        for address, filters in [
            ("alice@example.org", {"issuers": ["国家卫生健康委员会"]}),
            ("bob@example.org", {"keywords": ["应急"]}),
        ]:
            digests.subscribe(engine, settings, address, filters, "monthly")
        assert sink.counts() == {"alice@example.org": 1, "bob@example.org": 1}  # the confirmation mails
        for address in ("alice@example.org", "bob@example.org"):
            (confirmation,) = sink.to(address)
            link = re.search(
                r"https://regtrack\.test/confirm/(\S+)", confirmation.get_body(("plain",)).get_content()
            )
            assert link and digests.confirm(engine, settings, link.group(1)).count == 1
        backdate_subscriptions(engine, utc(2024, 1, 1))

        report = digests.send_due(engine, settings, "monthly", APRIL_2, retry_delays=NO_WAIT)
        assert (report.sent, report.periods, report.ok) == (2, ["2024-02", "2024-03"], True)
        (digest,) = sink.to("alice@example.org")[1:]
        assert digest["Subject"] == "法规动态 2024年3月：新发布1件，废止/替代1件，修改1件"
        assert digest["From"] == "regtrack <digest@regtrack.test>" and digest["To"] == "alice@example.org"
        assert re.fullmatch(r"<regtrack\.d\d+\.monthly\.2024-03@regtrack\.test>", digest["Message-ID"])
        assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        unsubscribe = re.fullmatch(
            r"<https://regtrack\.test/unsubscribe/(\S+)>, <mailto:digest@regtrack\.test\?subject=unsubscribe%20(\S+)>",
            str(digest["List-Unsubscribe"]),
        )
        assert unsubscribe and unsubscribe.group(1) == unsubscribe.group(2)

        text = digest.get_body(("plain",)).get_content()
        html = digest.get_body(("html",)).get_content()
        assert "国家卫生应急队伍管理办法(试行)（卫办应急发〔2010〕183号） → 国家卫生应急队伍管理办法" in text
        assert "自2024-03-01起生效" in text
        assert "第五条 医疗机构校验期为[-三年-]。" in text and "第五条 医疗机构校验期为{+一年+}。" in text
        assert "第六条" not in text  # unchanged articles are left out
        assert "第九条 新增的条文&lt;b&gt;。" in html and "<b>" not in html
        assert "医疗机构管理条例实施细则 &lt;修订&gt; &amp; 附则" in html
        base = "https://regtrack.test"
        assert {
            f"{base}/documents/{march.new}",
            f"{base}/documents/{march.old}/chain",
            f"{base}/diffs/{march.diff}",
            f"{base}/unsubscribe/{unsubscribe.group(1)}",
        } <= _links(html)
        (bob_digest,) = sink.to("bob@example.org")[1:]
        assert bob_digest["Subject"] == "法规动态 2024年3月：新发布1件，废止/替代1件，引用已废止1件"

        # A period is never sent twice, however often the sender runs.
        again = digests.send_due(
            engine, settings, "monthly", APRIL_2 + timedelta(days=5), retry_delays=NO_WAIT
        )
        assert (again.planned, again.sent) == (0, 0)
        assert sink.counts() == {"alice@example.org": 2, "bob@example.org": 2}

        # The header's token unsubscribes alice, and only alice; a confirm token cannot.
        with pytest.raises(BadToken):
            digests.unsubscribe(engine, settings, link.group(1))
        assert digests.unsubscribe(engine, settings, unsubscribe.group(1)).email == "alice@example.org"
        add_event(engine, "new_document", march.new, utc(2024, 4, 10), event_key="april")
        may = digests.send_due(
            engine, settings, "monthly", APRIL_2 + timedelta(days=31), retry_delays=NO_WAIT
        )
        assert may.sent == 1
        assert sink.counts() == {"alice@example.org": 2, "bob@example.org": 3}


def test_smtp_down_mid_run_then_the_rerun_sends_the_rest_and_nobody_gets_two(
    engine: Engine, tmp_path: Path
) -> None:
    march_2024(engine)
    addresses = many_subscribers(engine, make_settings(tmp_path, "unused"), 7)
    with serve_smtp(SmtpSink(down_after=3), timeout=20) as first:
        settings = make_settings(tmp_path, "unused", first.url)
        report = digests.send_due(engine, settings, "monthly", APRIL_2, retry_delays=(0.05, 0.1), workers=1)
        wait_until(first.went_down.is_set, message="the first server to stop")
    assert (report.sent, report.left_pending, report.ok) == (3, 4, False)
    assert "mail server unreachable" in report.errors[-1]
    with serve_smtp(timeout=20) as second:
        rerun = digests.send_due(
            engine, make_settings(tmp_path, "unused", second.url), "monthly", APRIL_2, retry_delays=NO_WAIT
        )
    assert (rerun.sent, rerun.unknown, rerun.ok) == (4, 0, True)
    assert first.counts() + second.counts() == {address: 1 for address in addresses}
    assert set(statuses(engine).values()) == {"sent"}


def _sender_process(db_url: str, smtp_url: str, tmp_path: Path, workers: int = 1) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ,
        REGTRACK_SMTP_URL=smtp_url,
        REGTRACK_SECRET_KEY="test-secret-key",
        REGTRACK_BASE_URL="https://regtrack.test",
        REGTRACK_MAIL_FROM="regtrack <digest@regtrack.test>",
        REGTRACK_VAR_DIR=str(tmp_path / "var"),
        REGTRACK_SMTP_WORKERS=str(workers),
    )
    args = ["--db", db_url, "digest", "--send", "--frequency", "monthly", "--now", APRIL_2.isoformat()]
    code = "import sys; from regtrack.cli import main; main(sys.argv[1:])"
    return subprocess.Popen([sys.executable, "-c", code, *args], env=env, cwd=PROJECT_ROOT)


def test_a_sender_killed_mid_message_resumes_without_a_second_copy(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    march_2024(engine)
    addresses = many_subscribers(engine, make_settings(tmp_path, db_url), 6)
    with serve_smtp(SmtpSink(block_on=3), timeout=20) as sink:
        proc = _sender_process(db_url, sink.url, tmp_path)
        try:
            wait_until(sink.blocked.is_set, timeout=60, message="the third message to reach the server")
        finally:
            proc.kill()
            proc.wait(30)
        sink.release.set()
        # The third message reached the server but its row was never marked: it must stay unsent.
        assert sorted(statuses(engine).values()).count("sending") == 1
        resumed = digests.send_due(
            engine, make_settings(tmp_path, db_url, sink.url), "monthly", APRIL_2, retry_delays=NO_WAIT
        )
        assert (resumed.sent, resumed.unknown) == (3, 1)
        assert sink.counts() == {address: 1 for address in addresses}
        final = statuses(engine)
        assert sorted(final.values()) == ["sent"] * 5 + ["unknown"]
        # The operator checks the server log and settles it; nothing is sent again.
        assert digests.resolve_unknown(engine, "sent") == 1
        digests.send_due(
            engine, make_settings(tmp_path, db_url, sink.url), "monthly", APRIL_2, retry_delays=NO_WAIT
        )
        assert sink.counts() == {address: 1 for address in addresses}


def _gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


def test_sender_processes_killed_mid_run_never_send_a_second_copy(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    # Enough subscribers for the run to be sent by worker processes (pool.PARALLEL_FROM).
    march_2024(engine)
    addresses = many_subscribers(engine, make_settings(tmp_path, db_url), PARALLEL_FROM + 10)
    with serve_smtp(SmtpSink(block_on=9), timeout=20) as sink:
        proc = _sender_process(db_url, sink.url, tmp_path, workers=2)
        try:
            wait_until(sink.blocked.is_set, timeout=60, message="the ninth message to reach the server")
            workers = children(proc.pid)
        finally:
            proc.kill()
            proc.wait(30)
        assert len(workers) == 2, workers
        # The workers die with the run that started them: nothing goes on sending behind its back.
        wait_until(lambda: all(_gone(pid) for pid in workers), timeout=30, message="the workers to end")
        sink.release.set()
        resumed = digests.send_due(
            engine,
            make_settings(tmp_path, db_url, sink.url),
            "monthly",
            APRIL_2,
            retry_delays=NO_WAIT,
            workers=2,
        )
        final = statuses(engine)
        # Every row ends sent or unknown (in flight when killed); nobody got a second copy.
        assert set(final.values()) <= {"sent", "unknown"} and resumed.unknown == list(final.values()).count(
            "unknown"
        )
        unknown = {a for a, status in final.items() if status == "unknown"}
        assert 1 <= len(unknown) <= 2  # the held message, and perhaps the other worker's
        assert max(sink.counts().values()) == 1
        assert {a for a, status in final.items() if status == "sent"} <= set(sink.counts())
        assert set(addresses) - set(sink.counts()) <= unknown <= set(addresses)


def test_a_worker_process_that_fails_fails_the_run_in_one_line_and_loses_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    march_2024(engine)
    many_subscribers(engine, make_settings(tmp_path, "unused"), PARALLEL_FROM)
    broken = make_settings(tmp_path, "unused", "ftp://127.0.0.1:1")  # each worker refuses the URL
    with pytest.raises(SendingFailed) as failed:
        digests.send_due(engine, broken, "monthly", APRIL_2, retry_delays=NO_WAIT, workers=2)
    assert "\n" not in str(failed.value) and "scheme 'ftp' is not supported" in str(failed.value)
    assert set(statuses(engine).values()) == {"pending"}  # planned, nothing claimed: the next run sends


def test_a_server_without_pipelining_gets_one_command_at_a_time(engine: Engine, tmp_path: Path) -> None:
    march_2024(engine)
    addresses = many_subscribers(engine, make_settings(tmp_path, "unused"), 3)
    with serve_smtp(SmtpSink(pipelining=False), timeout=20) as sink:
        report = digests.send_due(
            engine, make_settings(tmp_path, "unused", sink.url), "monthly", APRIL_2, retry_delays=NO_WAIT
        )
    assert (report.sent, report.ok) == (3, True)
    assert sink.counts() == {address: 1 for address in addresses}


class PickyHandler(SmtpSink):
    """Greylists one address (450) and has no mailbox for another (550)."""

    def __init__(self) -> None:
        super().__init__()
        self.greylisted = {"reader1@example.org"}

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.greylisted:
            return "450 4.2.0 greylisted, try later"
        if address == "reader2@example.org":
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_refused_messages_are_retried_after_a_backoff_or_given_up(engine: Engine, tmp_path: Path) -> None:
    march_2024(engine)
    many_subscribers(engine, make_settings(tmp_path, "unused"), 4)
    with serve_smtp(PickyHandler(), timeout=20) as sink:
        settings = make_settings(tmp_path, "unused", sink.url)
        report = digests.send_due(engine, settings, "monthly", APRIL_2, retry_delays=NO_WAIT)
        assert (report.sent, report.failed, report.rejected) == (2, 1, 1)
        soon = digests.send_due(
            engine, settings, "monthly", APRIL_2 + timedelta(minutes=1), retry_delays=NO_WAIT
        )
        assert (soon.sent, soon.deferred) == (0, 1)  # the backoff is not over
        sink.greylisted.clear()  # type: ignore[attr-defined]
        later = digests.send_due(
            engine, settings, "monthly", APRIL_2 + timedelta(minutes=6), retry_delays=NO_WAIT
        )
        assert (later.sent, later.deferred, later.rejected) == (1, 0, 0)
    assert sink.counts() == {"reader0@example.org": 1, "reader1@example.org": 1, "reader3@example.org": 1}
    assert statuses(engine)["reader2@example.org"] == "rejected"


def test_without_smtp_digests_become_eml_files_once(engine: Engine, tmp_path: Path) -> None:
    march_2024(engine)
    settings = make_settings(tmp_path, "unused")
    many_subscribers(engine, settings, 2)
    before = set(settings.outbox_dir.glob("*.eml"))  # the confirmation mails
    assert digests.send_due(engine, settings, "monthly", APRIL_2).sent == 2
    assert digests.send_due(engine, settings, "monthly", APRIL_2).sent == 0
    written = set(settings.outbox_dir.glob("*.eml")) - before
    assert len(written) == 2 and all(".monthly.2024-03_" in p.name for p in written)
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in next(iter(written)).read_bytes()


def test_unsubscribing_before_a_pending_digest_goes_out_cancels_it(engine: Engine, tmp_path: Path) -> None:
    march_2024(engine)
    many_subscribers(engine, make_settings(tmp_path, "unused"), 2)
    down = make_settings(tmp_path, "unused", "smtp://127.0.0.1:1?timeout=2")  # nothing listens on port 1
    report = digests.send_due(engine, down, "monthly", APRIL_2, retry_delays=NO_WAIT)
    assert (report.sent, report.left_pending) == (0, 2)
    digests.unsubscribe(engine, down, "reader0@example.org", trusted=True)
    with serve_smtp(timeout=20) as sink:
        rerun = digests.send_due(
            engine, make_settings(tmp_path, "unused", sink.url), "monthly", APRIL_2, retry_delays=NO_WAIT
        )
    assert (rerun.sent, rerun.skipped) == (1, 1)
    assert sink.counts() == {"reader1@example.org": 1}


def test_immediate_and_daily_subscribers_get_each_event_once(engine: Engine, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, "unused")
    doc = add_document(engine, "关于印发某规范的通知", issuer="国家卫生健康委员会", category="医政")
    subscribed(engine, settings, "now@example.org", {"issuers": ["卫生健康"]}, "immediate")
    subscribed(engine, settings, "day@example.org", {}, "daily")
    backdate_subscriptions(engine, utc(2024, 3, 1))
    add_event(engine, "new_document", doc, utc(2024, 3, 10, 1), event_key="e1")  # 10 March, Shanghai
    add_event(engine, "amended", doc, utc(2024, 3, 10, 17), event_key="e2")  # 11 March 01:00, Shanghai
    with serve_smtp(timeout=20) as sink:
        live = make_settings(tmp_path, "unused", sink.url)
        first = digests.send_due(
            engine, live, "immediate", datetime(2024, 3, 11, 2, tzinfo=UTC), retry_delays=NO_WAIT
        )
        assert first.sent == 1
        add_event(engine, "new_document", doc, utc(2024, 3, 11, 3), event_key="e3")
        second = digests.send_due(
            engine, live, "immediate", datetime(2024, 3, 11, 4, tzinfo=UTC), retry_delays=NO_WAIT
        )
        third = digests.send_due(
            engine, live, "immediate", datetime(2024, 3, 11, 5, tzinfo=UTC), retry_delays=NO_WAIT
        )
        assert (second.sent, third.sent, third.planned) == (1, 0, 0)
        daily = digests.send_due(
            engine, live, "daily", datetime(2024, 3, 12, 9, tzinfo=SHANGHAI), retry_delays=NO_WAIT
        )
        assert daily.sent == 2  # 10 and 11 March, one digest each (a late run catches up)
    immediate = sink.to("now@example.org")
    assert [m["Subject"] for m in immediate] == [
        "法规动态 即时提醒：新发布1件，修改1件",
        "法规动态 即时提醒：新发布1件",
    ]
    assert sorted(m["Subject"] for m in sink.to("day@example.org")) == [
        "法规动态 2024年3月10日：新发布1件",
        "法规动态 2024年3月11日：新发布1件，修改1件",
    ]


def test_an_event_committed_after_a_newer_one_was_sent_is_sent_too(engine: Engine, tmp_path: Path) -> None:
    """Two ingests overlap: the one that took the lower event id commits after the immediate digest
    of the other was sent. On PostgreSQL a real second transaction holds the lower id open; SQLite
    writes one at a time, so there the late event is given the lower id outright."""
    settings = make_settings(tmp_path, "unused")
    doc = add_document(engine, "关于印发某规范的通知", issuer="国家卫生健康委员会", category="医政")
    readers = [f"reader{i}@example.org" for i in range(5)]
    for reader in readers:
        subscribed(engine, settings, reader, {"issuers": ["卫生健康"]}, "immediate")
    backdate_subscriptions(engine, utc(2024, 3, 1))
    late_key, late_at = "late", utc(2024, 3, 10, 2)
    held = None
    if engine.dialect.name == "postgresql":
        held = engine.connect()
        held.begin()
        late_id = held.execute(
            ChangeEvent.__table__.insert()
            .values(event_key=late_key, kind="amended", document_id=doc, created_at=late_at)
            .returning(ChangeEvent.id)
        ).scalar_one()
        early_id = add_event(engine, "new_document", doc, utc(2024, 3, 10, 3), event_key="early")
    else:
        early_id = add_event(engine, "new_document", doc, utc(2024, 3, 10, 3), event_key="early", id=10)
        late_id = 9
    assert late_id < early_id
    with serve_smtp(timeout=20) as sink:
        live = make_settings(tmp_path, "unused", sink.url)
        first = digests.send_due(engine, live, "immediate", utc(2024, 3, 10, 4), retry_delays=NO_WAIT)
        assert first.sent == len(readers)
        if held is not None:
            held.commit()
            held.close()
        else:
            add_event(engine, "amended", doc, late_at, event_key=late_key, id=late_id)
        second = digests.send_due(engine, live, "immediate", utc(2024, 3, 10, 5), retry_delays=NO_WAIT)
        third = digests.send_due(engine, live, "immediate", utc(2024, 3, 10, 6), retry_delays=NO_WAIT)
    assert (second.sent, third.sent, third.planned) == (len(readers), 0, 0)
    for reader in readers:
        assert [m["Subject"] for m in sink.to(reader)] == [
            "法规动态 即时提醒：新发布1件",
            "法规动态 即时提醒：修改1件",
        ]
