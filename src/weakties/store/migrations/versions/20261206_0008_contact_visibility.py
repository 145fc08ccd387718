"""contact details: per-field visibility

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 04:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('contact_visibility',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('identity_id', sa.Integer(), nullable=False),
    sa.Column('visibility', sa.String(length=12), nullable=False),
    sa.ForeignKeyConstraint(['identity_id'], ['identity.id'], name=op.f('fk_contact_visibility_identity_id_identity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_contact_visibility_member_id_member'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_visibility')),
    sa.UniqueConstraint('member_id', 'identity_id', name=op.f('uq_contact_visibility_member_id_identity_id'))
    )
    op.create_index(op.f('ix_contact_visibility_identity_id'), 'contact_visibility', ['identity_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_contact_visibility_identity_id'), table_name='contact_visibility')
    op.drop_table('contact_visibility')
