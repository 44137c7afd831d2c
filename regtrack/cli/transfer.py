"""`regtrack export` and `regtrack import`: the whole database as JSON Lines, and back."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

import typer
from rich.console import Console

from regtrack.cli.output import out
from storage.db import transaction
from storage.transfer import TransferError, read_import, write_export


def export_cmd(
    ctx: typer.Context,
    file: str = typer.Argument("-", metavar="[FILE|-]", help="Where to write (default -: standard output)."),
) -> None:
    """Write everything (documents, versions, relations, subscriptions, raw inputs) as JSON Lines."""
    engine = ctx.obj.engine()
    key = key_fingerprint(ctx.obj.settings.secret_key)
    if file == "-":
        with transaction(engine) as session:
            counts = write_export(session, sys.stdout, key)
        sys.stdout.flush()
        console = Console(stderr=True, highlight=False, soft_wrap=True)
        console.print(_summary("exported", counts, "standard output"), markup=False)
        console.print(KEY_NOTE, markup=False)
        return
    target = Path(file)
    with transaction(engine) as session:
        counts = _write_atomically(target, lambda handle: write_export(session, handle, key))
    out.print(_summary("exported", counts, str(target)), markup=False)
    out.print(KEY_NOTE, markup=False)


def import_cmd(
    ctx: typer.Context,
    file: str = typer.Argument(..., metavar="FILE|-", help="An export written by `regtrack export`."),
    replace: bool = typer.Option(False, "--replace", help="Delete everything in the database first."),
) -> None:
    """Restore an export into an empty database (ids kept), all or nothing."""
    engine = ctx.obj.engine()
    try:
        handle = sys.stdin if file == "-" else open(file, encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise TransferError(f"cannot read {file}: {exc.strerror or exc}") from exc
    try:
        with handle, transaction(engine, write=True) as session:
            first = handle.readline()
            counts = read_import(session, itertools.chain([first], handle), replace=replace)
            mailed = counts.get("subscribers", 0)
    except UnicodeDecodeError as exc:
        raise TransferError(f"{file} is not UTF-8 text: not a regtrack export") from exc
    except OSError as exc:
        raise TransferError(f"cannot read {file}: {exc.strerror or exc}") from exc
    out.print(_summary("imported", counts, "the database"), markup=False)
    exported_with = _header_field(first, "signing_key")
    if mailed and exported_with != key_fingerprint(ctx.obj.settings.secret_key):
        which = "another signing key" if exported_with else "an unknown signing key"
        Console(stderr=True, highlight=False, soft_wrap=True).print(
            f"warning: the export was made with {which}: the unsubscribe and confirmation links already "
            f"mailed to its {mailed} subscribers will be refused until REGTRACK_SECRET_KEY (or var/secret_key) "
            "is the exporting machine's",
            markup=False,
            style="yellow",
        )


KEY_NOTE = (
    "note: the signing key is not in the export; keep REGTRACK_SECRET_KEY (or var/secret_key) with it, "
    "or the unsubscribe links already mailed stop working after a restore"
)


def key_fingerprint(secret_key: str) -> str:
    """Names a signing key without revealing it: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(f"regtrack-signing-key\x00{secret_key}".encode()).hexdigest()[:16]


def _header_field(line: str, name: str) -> str | None:
    try:
        value = json.loads(line).get(name)
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def _write_atomically(target: Path, write: Callable[[IO[str]], dict[str, int]]) -> dict[str, int]:
    """Write beside ``target`` and rename: a full disk or a crash never leaves half a file behind."""
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or Path("."))
    except OSError as exc:
        raise TransferError(f"cannot write {target}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            counts = write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise TransferError(f"cannot write {target}: {exc.strerror or exc}") from exc
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return counts


def _summary(verb: str, counts: dict[str, int], where: str) -> str:
    rows = sum(counts.values())
    detail = ", ".join(f"{name} {n}" for name, n in counts.items() if n)
    return f"{verb} {rows} rows {'to' if verb == 'exported' else 'into'} {where}" + (
        f" ({detail})" if detail else ""
    )


def register(app: typer.Typer) -> None:
    app.command("export")(export_cmd)
    app.command("import")(import_cmd)
