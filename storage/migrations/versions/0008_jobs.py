"""jobs: re-ingest jobs started from the admin page, shared by every web worker

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 01:30:00

Written by hand. Under ``serve --workers 2`` each worker kept its own jobs in memory: a status
poll reaching the other worker answered 404, ids collided, and two full re-ingests could run at
once. A partial unique index admits one running job.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("compilation_ids", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
    )
    op.create_index(
        "ux_jobs_one_running",
        "jobs",
        ["kind"],
        unique=True,
        sqlite_where=sa.text("status = 'running'"),
        postgresql_where=sa.text("status = 'running'"),
    )


def downgrade() -> None:
    op.drop_index("ux_jobs_one_running", table_name="jobs")
    op.drop_table("jobs")
