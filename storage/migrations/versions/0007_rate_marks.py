"""rate_marks: counted actions for rate limits shared by every web worker; subscriptions.confirm_nonce

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 18:30:00

Written by hand. The subscribe form mailed a confirmation for every request (50 to one address in
0.65 s); limits per address and per client must hold across ``serve --workers N``, so they are
counted in the database. A confirmation link signs its subscription's nonce, so an old link
cannot confirm a later subscription that reuses the id.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_marks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("bucket", sa.String(length=300), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_rate_marks_bucket_at", "rate_marks", ["bucket", "at"])
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("confirm_nonce", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("confirm_nonce")
    op.drop_index("ix_rate_marks_bucket_at", table_name="rate_marks")
    op.drop_table("rate_marks")
