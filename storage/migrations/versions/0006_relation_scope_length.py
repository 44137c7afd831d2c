"""relations.scope holds an amendment's article list: 第一条、第二条第二款、… runs past 100 characters

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 11:00:00

Written by hand. A decision that touches thirty articles of one regulation states one ``amends``
with all of them in its scope; PostgreSQL refused it at varchar(100).
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("relations") as batch:
        batch.alter_column("scope", type_=sa.String(length=2000), existing_type=sa.String(length=100))


def downgrade() -> None:
    with op.batch_alter_table("relations") as batch:
        batch.alter_column("scope", type_=sa.String(length=100), existing_type=sa.String(length=2000))
