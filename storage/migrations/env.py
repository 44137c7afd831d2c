"""Alembic environment: the engine comes from storage.db (never from a hard-coded URL).

Two processes may start on a fresh database at once (two workers, `make run` beside a CLI
command): the migration holds a lock for its whole transaction, so the second waits, then finds
the schema current and does nothing. PostgreSQL: a transaction-scoped advisory lock; SQLite: the
write lock taken at BEGIN (BEGIN IMMEDIATE, waiting up to busy_timeout).
"""

from alembic import context
from sqlalchemy import text

from storage.models import Base

# Any fixed 64-bit number names the lock; this one is "regtrack" in ASCII.
MIGRATION_LOCK = 0x726567747261636B

config = context.config
engine = config.attributes["engine"]

with engine.execution_options(sqlite_immediate=True).begin() as connection:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    context.configure(
        connection=connection,
        target_metadata=config.attributes.get("target_metadata", Base.metadata),
        render_as_batch=True,  # SQLite cannot ALTER most things: batch mode copies the table
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
