"""Alembic environment: the engine comes from storage.db (never from a hard-coded URL)."""

from alembic import context

from storage.models import Base

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=config.attributes.get("target_metadata", Base.metadata),
        render_as_batch=True,  # SQLite cannot ALTER most things: batch mode copies the table
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
