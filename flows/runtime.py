"""The edge of every flow run: settings from the environment and one engine per database.

Flow and task parameters never carry a database URL or a secret (they show in the Prefect UI);
each worker reads them from its own environment (REGTRACK_DATABASE_URL …) through the one
settings object.
"""

from __future__ import annotations

import threading

from sqlalchemy import Engine

from regtrack.settings import Settings, load_settings
from storage.db import make_engine

_ENGINES: dict[str, Engine] = {}
_LOCK = threading.Lock()


def runtime() -> tuple[Engine, Settings]:
    """This process's settings and its engine for the configured database (shared by task threads)."""
    settings = load_settings()
    with _LOCK:
        engine = _ENGINES.get(settings.database_url)
        if engine is None:
            engine = _ENGINES[settings.database_url] = make_engine(settings.database_url)
    return engine, settings


def retry_delays(retries: int) -> list[float]:
    """Growing waits between download retries: 2 s, 10 s, 50 s, then 2 minutes."""
    return [float(min(2 * 5**i, 120)) for i in range(max(retries, 1))]


def dispose_engines() -> None:
    """Close every pooled connection (tests, and a worker that shuts down)."""
    with _LOCK:
        for engine in _ENGINES.values():
            engine.dispose()
        _ENGINES.clear()
