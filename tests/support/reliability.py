"""Shared by the reliability tests (no tests here): what the database holds, a regtrack process
to kill, a private PostgreSQL cluster to restart, and file systems that are full or read-only.

Each helper that changes the machine (a mount, a server) undoes it in its ``finally``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from regtrack.settings import PROJECT_ROOT
from storage.db import make_engine, transaction
from storage.transfer import TABLES, export_lines
from tests.conftest import sample_path
from tests.support.net import free_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def run(*args: str) -> tuple[int, str, str]:
    """`regtrack ARGS…` in-process: (exit code, stdout, stderr)."""
    from regtrack.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with redirect_stdout(out), redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return code, out.getvalue(), err.getvalue()


def ok(*args: str) -> str:
    code, out, err = run(*args)
    assert code == 0, err
    return out


def seed_every_table(url: str, home: Path) -> None:
    """A row in every table, made the way users make them: samples ingested (and a changed text,
    for a second version and a stored diff), a relation added and one removed by hand, a source,
    a confirmed and an unconfirmed subscriber, and a digest delivered (as an .eml file)."""
    from regtrack.services import digests, ingest
    from regtrack.settings import load_settings
    from storage.models import Relation

    engine = make_engine(url)
    settings = dataclasses.replace(
        load_settings(), database_url=url, var_dir=home / "var", smtp_url=None, secret_key="seed-secret"
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REGTRACK_VAR_DIR", str(home / "var"))
        reader = digests.subscribe(engine, settings, "reader@example.org", {"issuers": ["卫生"]}, "immediate")
        digests.confirm(engine, settings, reader.token)
        digests.subscribe(engine, settings, "later@example.org", {"keywords": ["标准"]}, "monthly")
        changed = home / "004_changed.txt"
        original = sample_path("004").read_text(encoding="utf-8")
        changed.write_text(original.replace("2024年9月1日起施行", "2024年10月1日起施行"), encoding="utf-8")
        for path in (sample_path("003"), sample_path("004"), changed):
            ingest.ingest_bytes(engine, path.read_bytes(), str(path), settings)
        ok(
            "--db",
            url,
            "relations",
            "add",
            "1",
            "2",
            "--kind",
            "cites",
            "--quote",
            "<b>手工</b>",
            "--by",
            "ops",
        )
        with transaction(engine) as session:
            extracted = session.scalars(select(Relation.id).where(Relation.origin == "extracted")).first()
        ok("--db", url, "relations", "remove", str(extracted), "--by", "ops")
        ok("--db", url, "sources", "add", str(sample_path("000")), "--kind", "file", "--name", "本地")
        digests.send_due(
            engine, settings, "immediate", datetime.now(UTC) + timedelta(hours=2), retry_delays=()
        )
    engine.dispose()


def fingerprint(url: str) -> list[str]:
    """Every row of every table, as `regtrack export` writes them: equal means nothing changed."""
    engine = make_engine(url)
    try:
        with transaction(engine) as session:
            return list(export_lines(session))[1:]
    finally:
        engine.dispose()


def counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with transaction(engine) as session:
            return {t.name: session.scalar(select(func.count()).select_from(t)) or 0 for t in TABLES}
    finally:
        engine.dispose()


def assert_one_error_line(code: int, stderr: str, fragment: str) -> None:
    """What every refused input must give: exit 1 and one line `error: …` that says why."""
    lines = [line for line in stderr.splitlines() if line.strip()]  # a transient progress bar leaves a blank
    assert code == 1, stderr
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    assert fragment in lines[0], stderr


# --- a regtrack process ---------------------------------------------------------------------


def regtrack_process(args: list[str], var_dir: Path, **env: str) -> subprocess.Popen[str]:
    """`regtrack ARGS…` as its own OS process (so that it can be killed)."""
    environment = {**os.environ, "REGTRACK_VAR_DIR": str(var_dir), **env}
    code = f"from regtrack.cli import main; main({args!r})"
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str], timeout_s: float = 300) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout_s)
    return process.returncode, out, err


# --- a private PostgreSQL cluster -----------------------------------------------------------


class PrivateCluster:
    """A PostgreSQL 15 cluster of our own on a free port, run by the postgres OS user."""

    def __init__(self, home: Path, port: int) -> None:
        self.home, self.port = home, port
        self.data = home / "data"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def new_database(self) -> str:
        """A fresh database in this cluster; its URL."""
        import uuid

        import psycopg

        name = f"regtrack_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(
            f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url.rsplit("/", 1)[0] + f"/{name}"

    def _run(self, *args: str) -> None:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {done.stderr.strip() or done.stdout.strip()}")

    def pg_ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", action, "-D", str(self.data), "-w", "-t", "60", "-l", str(self.home / "log"),
                  "-o", options, *extra)  # fmt: skip


@contextmanager
def private_postgres() -> Iterator[PrivateCluster]:
    """initdb + start; stopped and deleted afterwards. Skips loudly when it cannot be made."""
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"PRIVATE POSTGRESQL NOT TESTED: no {PG_BIN / 'initdb'}")
    if os.geteuid() == 0 and not shutil.which("runuser"):
        pytest.skip("PRIVATE POSTGRESQL NOT TESTED: running as root without runuser (initdb refuses root)")
    home = Path(tempfile.mkdtemp(prefix="regtrack-pg-"))
    if os.geteuid() == 0:
        shutil.chown(home, "postgres", "postgres")
    cluster = PrivateCluster(home, free_port())
    try:
        try:
            cluster._run("initdb", "-D", str(cluster.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                         "--no-sync")  # fmt: skip
            cluster.pg_ctl("start")
        except (RuntimeError, OSError) as exc:
            pytest.skip(f"PRIVATE POSTGRESQL NOT TESTED: {exc}")
        yield cluster
    finally:
        with contextlib.suppress(RuntimeError, OSError):
            cluster.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(home, ignore_errors=True)


# --- file systems that are full or read-only ------------------------------------------------


def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise OSError(done.stderr.strip() or f"mount {' '.join(args)} failed")


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True, timeout=60, check=False)


@contextmanager
def small_tmpfs(path: Path, size_kb: int) -> Iterator[Path]:
    """A tmpfs of ``size_kb`` at ``path``; skips loudly when this machine cannot mount."""
    path.mkdir(parents=True, exist_ok=True)
    try:
        _mount("-t", "tmpfs", "-o", f"size={size_kb}k,mode=0755", "tmpfs", str(path))
    except OSError as exc:
        pytest.skip(f"DISK FULL NOT TESTED: cannot mount a small tmpfs here ({exc})")
    try:
        yield path
    finally:
        _umount(path)


def grow_tmpfs(path: Path, size_kb: int) -> None:
    _mount("-o", f"remount,size={size_kb}k", str(path))


@contextmanager
def read_only_view(folder: Path) -> Iterator[Path]:
    """The same folder mounted read-only beside it (root cannot write through it either)."""
    view = folder.parent / f"{folder.name}-ro"
    view.mkdir()
    try:
        try:
            _mount("--bind", str(folder), str(view))
            _mount("-o", "remount,ro,bind", str(view))
        except OSError as exc:
            pytest.skip(f"READ-ONLY DATABASE NOT TESTED: cannot bind-mount read-only here ({exc})")
        yield view
    finally:
        _umount(view)
        with contextlib.suppress(OSError):
            view.rmdir()


@contextmanager
def immutable(*paths: Path) -> Iterator[None]:
    """chattr +i: not even root may write these files (file permissions do not stop root)."""
    done: list[Path] = []
    try:
        for path in paths:
            result = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True, check=False)
            if result.returncode != 0:
                pytest.skip(
                    f"READ-ONLY DATABASE FILE NOT TESTED: chattr +i refused ({result.stderr.strip()})"
                )
            done.append(path)
        yield
    finally:
        for path in done:
            subprocess.run(["chattr", "-i", str(path)], capture_output=True, check=False)


def snapshot(url: str) -> dict[str, object]:
    """What was stored, by natural keys (ids and times differ between runs)."""
    from sqlalchemy.orm import aliased

    from storage.models import ChangeEvent, Compilation, Document, DocumentVersion, Relation

    source, target = aliased(Document), aliased(Document)
    engine = make_engine(url)
    try:
        with transaction(engine) as session:
            return {
                "compilations": sorted(session.execute(select(Compilation.sha256, Compilation.status)).all()),
                "documents": sorted(session.scalars(select(Document.identity_key))),
                "versions": sorted(
                    session.execute(
                        select(
                            Document.identity_key, DocumentVersion.version_no, DocumentVersion.content_hash
                        ).join(DocumentVersion, DocumentVersion.document_id == Document.id)
                    ).all()
                ),
                "relations": sorted(
                    session.execute(
                        select(source.identity_key, target.identity_key, Relation.kind, Relation.scope)
                        .join(source, source.id == Relation.source_id)
                        .join(target, target.id == Relation.target_id)
                    ).all()
                ),
                "events": sorted(  # event keys hold ids: compare what they are about
                    session.execute(
                        select(ChangeEvent.kind, ChangeEvent.article_label, Document.identity_key).join(
                            Document, Document.id == ChangeEvent.document_id
                        )
                    ).all(),
                    key=repr,
                ),
                "counts": counts(url),
            }
    finally:
        engine.dispose()
