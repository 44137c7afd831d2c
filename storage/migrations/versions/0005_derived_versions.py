"""derived versions: a text made by applying an amendment decision, with its provenance

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 10:00:00

Written by hand. Every version stored before is read from an input: derived and verified start
false, the provenance columns empty.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("document_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("derived", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("basis_version_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("decision_document_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("effective_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("verified", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("provenance", sa.JSON(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_document_versions_basis_version_id_document_versions"),
            "document_versions",
            ["basis_version_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_document_versions_decision_document_id_documents"),
            "documents",
            ["decision_document_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(
            batch_op.f("ix_document_versions_decision_document_id"), ["decision_document_id"], unique=False
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_document_versions_document_id_decision_document_id"),
            ["document_id", "decision_document_id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("document_versions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_document_versions_document_id_decision_document_id"), type_="unique"
        )
        batch_op.drop_index(batch_op.f("ix_document_versions_decision_document_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_document_versions_decision_document_id_documents"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_document_versions_basis_version_id_document_versions"), type_="foreignkey"
        )
        batch_op.drop_column("provenance")
        batch_op.drop_column("verified")
        batch_op.drop_column("effective_date")
        batch_op.drop_column("decision_document_id")
        batch_op.drop_column("basis_version_id")
        batch_op.drop_column("derived")
