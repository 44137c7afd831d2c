"""`regtrack subscribe | subscriptions | unsubscribe | confirm | digest` on both backends.

Bad input (invalid email, unknown frequency or kind, unknown document, forged token) ends as
one line on stderr with a non-zero exit, and nothing is stored.
"""

from __future__ import annotations

import email
import json
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from storage.db import transaction
from storage.models import Subscriber, Subscription
from tests.support.notify import backdate_subscriptions, march_2024, utc


@pytest.fixture(autouse=True)
def _mail_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGTRACK_BASE_URL", "https://regtrack.test")
    monkeypatch.setenv("REGTRACK_SECRET_KEY", "cli-test-secret")
    monkeypatch.delenv("REGTRACK_SMTP_URL", raising=False)


def stored(engine: Engine) -> tuple[int, int]:
    with transaction(engine) as session:
        return (
            session.scalar(select(func.count()).select_from(Subscriber)) or 0,
            session.scalar(select(func.count()).select_from(Subscription)) or 0,
        )


def one_line_error(result) -> bool:  # type: ignore[no-untyped-def]
    lines = result.stderr.strip().splitlines()
    return result.exit_code != 0 and len(lines) == 1 and lines[0].startswith("error: ")


@pytest.mark.parametrize(
    "args",
    [
        ["not-an-email"],
        ["a@example.org", "--frequency", "hourly"],
        ["a@example.org", "--kind", "deletes"],
        ["a@example.org", "--document", "国卫不存在发〔2099〕1号"],
        ["a@example.org", "--notify", "bogus://nothing"],
        ["a@example.org", "--keyword", "   "],
    ],
)
def test_bad_subscriptions_are_refused_and_nothing_is_stored(
    cli, db_url: str, engine: Engine, args: list[str]
) -> None:  # type: ignore[no-untyped-def]
    result = cli("--db", db_url, "subscribe", *args)
    assert one_line_error(result), result.stderr
    assert stored(engine) == (0, 0)


def test_subscribe_confirm_list_preview_send_and_unsubscribe(
    cli, db_url: str, engine: Engine, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    march = march_2024(engine)
    result = cli(
        "--db", db_url, "subscribe", "Reader@Example.org", "--chain", "卫办应急发〔2010〕183号",
        "--frequency", "monthly", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["filters"] == {"chains": [march.old]} and data["active"] is False
    token = data["confirm_url"].rsplit("/", 1)[1]
    confirmation = list((tmp_path / "var" / "outbox").glob("*.eml"))
    assert len(confirmation) == 1
    mail = email.message_from_bytes(confirmation[0].read_bytes(), policy=policy.default)
    assert mail["To"] == "reader@example.org" and mail["Subject"] == "请确认订阅 regtrack 法规动态"
    assert f"https://regtrack.test/confirm/{token}" in mail.get_body(("plain",)).get_content()

    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert one_line_error(cli("--db", db_url, "confirm", forged))
    listed = json.loads(cli("--db", db_url, "subscriptions", "--json").stdout)
    assert [(r["email"], r["state"], r["active"]) for r in listed] == [
        ("reader@example.org", "unconfirmed", False)
    ]

    assert cli("--db", db_url, "confirm", token).exit_code == 0
    listed = json.loads(cli("--db", db_url, "subscriptions", "--json").stdout)
    assert [(r["state"], r["active"]) for r in listed] == [("confirmed", True)]

    preview = cli("--db", db_url, "digest", "--preview", "reader@example.org", "--period", "2024-03")
    # The chain of the 2010 document reaches its 2024 successor: its repeal, its publication, the citing notice.
    assert (
        preview.exit_code == 0
        and "Subject: 法规动态 2024年3月：新发布1件，废止/替代1件，引用已废止1件" in preview.stdout
    )
    assert one_line_error(
        cli("--db", db_url, "digest", "--preview", "reader@example.org", "--period", "2024-13")
    )

    backdate_subscriptions(engine, utc(2024, 1, 1))
    sent = cli(
        "--db", db_url, "digest", "--send", "--frequency", "monthly", "--now", "2024-04-02T10:00+08:00"
    )
    assert sent.exit_code == 0, sent.stdout + sent.stderr
    assert "sent 1" in sent.stdout
    again = cli(
        "--db", db_url, "digest", "--send", "--frequency", "monthly", "--now", "2024-04-02T10:00+08:00"
    )
    assert "sent 0" in again.stdout

    assert one_line_error(cli("--db", db_url, "unsubscribe", "nobody@example.org"))
    assert cli("--db", db_url, "unsubscribe", "reader@example.org").exit_code == 0
    listed = json.loads(cli("--db", db_url, "subscriptions", "--json").stdout)
    assert listed == []


@pytest.mark.parametrize(
    "args",
    [
        ["digest"],
        ["digest", "--send", "--frequency", "hourly"],
        ["digest", "--send", "--now", "next tuesday"],
        ["digest", "--preview", "x@example.org"],
        ["digest", "--resolve-unknown", "maybe"],
        ["confirm", "confirm.1.short"],
        ["unsubscribe", "unsubscribe.1." + "A" * 43],
    ],
)
def test_bad_digest_and_token_commands_fail_in_one_line(cli, db_url: str, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert one_line_error(cli("--db", db_url, *args))
