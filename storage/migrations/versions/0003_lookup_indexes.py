"""indexes for linking at scale: reversed title keys, children, relations by (document, kind), event cascades

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 12:00:00

Written by hand. ``title_key_reversed`` starts empty: the linker fills missing title keys on its
next run (it owns the title-key function; a migration must not freeze a copy of it).
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title_key_reversed", sa.String(length=1000), nullable=True))
        batch_op.create_index(batch_op.f("ix_documents_title_key_reversed"), ["title_key_reversed"], unique=False)
        batch_op.create_index(batch_op.f("ix_documents_parent_id"), ["parent_id"], unique=False)
    with op.batch_alter_table("relations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_relations_source_id"))
        batch_op.drop_index(batch_op.f("ix_relations_target_id"))
        batch_op.create_index(batch_op.f("ix_relations_source_id_kind"), ["source_id", "kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_relations_target_id_kind"), ["target_id", "kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_relations_compilation_id_line"), ["compilation_id", "line"], unique=False
        )
    with op.batch_alter_table("change_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_change_events_related_document_id"), ["related_document_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_change_events_relation_id"), ["relation_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("change_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_events_relation_id"))
        batch_op.drop_index(batch_op.f("ix_change_events_related_document_id"))
    with op.batch_alter_table("relations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_relations_compilation_id_line"))
        batch_op.drop_index(batch_op.f("ix_relations_target_id_kind"))
        batch_op.drop_index(batch_op.f("ix_relations_source_id_kind"))
        batch_op.create_index(batch_op.f("ix_relations_target_id"), ["target_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_relations_source_id"), ["source_id"], unique=False)
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_parent_id"))
        batch_op.drop_index(batch_op.f("ix_documents_title_key_reversed"))
        batch_op.drop_column("title_key_reversed")
