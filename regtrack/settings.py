"""The one settings object. Every REGTRACK_* environment variable is read here and nowhere else."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from regtrack.errors import UsageError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    return os.environ.get(f"REGTRACK_{name}", default)


def _env_number(name: str, default: str, convert: type[int] | type[float] = int) -> Any:
    """A numeric setting; a value that is no number is the user's one-line error, not a crash."""
    raw = _env(name, default)
    try:
        return convert(raw)
    except ValueError:
        wanted = "a whole number" if convert is int else "a number"
        raise UsageError(f"REGTRACK_{name} takes {wanted}, not {raw!r}") from None


@dataclass(frozen=True)
class Settings:
    var_dir: Path
    database_url: str
    samples_dir: Path
    max_input_mb: int
    fetch_timeout_s: float
    allow_private_urls: bool
    allowed_roots: tuple[Path, ...]
    smtp_url: str | None
    mail_from: str
    base_url: str
    secret_key: str
    admin_token: str | None
    prefect_api_url: str | None
    fetch_retries: int = 2  # retries of a failed download in the Prefect flows
    smtp_workers: int = 2  # processes sending a large digest run, about one per core (REGTRACK_SMTP_WORKERS)
    page_cache_mb: int = (
        64  # rendered reading pages kept per web worker; 0 turns it off (REGTRACK_PAGE_CACHE_MB)
    )
    web_workers: int = 1  # uvicorn worker processes of `regtrack serve` (REGTRACK_WEB_WORKERS)

    @property
    def max_input_bytes(self) -> int:
        return self.max_input_mb * 1024 * 1024

    @property
    def outbox_dir(self) -> Path:
        return self.var_dir / "outbox"

    def with_database(self, url: str | None) -> Settings:
        return self if not url else replace(self, database_url=url)


def _local_secret(var_dir: Path) -> str:
    """The key that signs confirmation/unsubscribe tokens when REGTRACK_SECRET_KEY is unset: made
    once, at random, and kept in var/secret_key (never a default anyone could read in the source).
    Several machines must share one key: set REGTRACK_SECRET_KEY there (docs/SCALING.md)."""
    path = var_dir / "secret_key"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    except OSError:
        return secrets.token_hex(32)
    key = secrets.token_hex(32)
    try:
        var_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_text(encoding="ascii").strip()
    except OSError:  # a read-only var/: this process signs with a key of its own
        return key
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key


def load_settings() -> Settings:
    """Build the settings from the environment; called once at each edge (CLI, web app, flow)."""
    var_dir = Path(_env("VAR_DIR", str(PROJECT_ROOT / "var"))).resolve()
    roots = _env("ALLOWED_ROOTS", "")
    return Settings(
        var_dir=var_dir,
        database_url=_env("DATABASE_URL", f"sqlite:///{var_dir / 'regtrack.db'}"),
        samples_dir=PROJECT_ROOT / "data" / "samples",
        max_input_mb=_env_number("MAX_INPUT_MB", "100"),
        fetch_timeout_s=_env_number("FETCH_TIMEOUT_S", "30", float),
        allow_private_urls=_env("ALLOW_PRIVATE_URLS", "0") in ("1", "true", "yes"),
        allowed_roots=tuple(Path(p).resolve() for p in roots.split(os.pathsep) if p),
        smtp_url=os.environ.get("REGTRACK_SMTP_URL") or None,
        mail_from=_env("MAIL_FROM", "regtrack <regtrack@localhost>"),
        base_url=_env("BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        secret_key=os.environ.get("REGTRACK_SECRET_KEY") or _local_secret(var_dir),
        admin_token=os.environ.get("REGTRACK_ADMIN_TOKEN") or None,
        prefect_api_url=os.environ.get("PREFECT_API_URL") or None,
        smtp_workers=max(1, _env_number("SMTP_WORKERS", "2")),
        fetch_retries=_env_number("FETCH_RETRIES", "2"),
        page_cache_mb=max(0, _env_number("PAGE_CACHE_MB", "64")),
        web_workers=max(1, _env_number("WEB_WORKERS", "1")),
    )
