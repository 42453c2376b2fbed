"""Learned models of the tagger, versioned beside the rule packs

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 17:10:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('tagging_models',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('examples', sa.Integer(), nullable=False),
    sa.Column('corrections', sa.Integer(), nullable=False),
    sa.Column('trained_on', sa.String(length=256), nullable=False),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tagging_models'))
    )


def downgrade() -> None:
    op.drop_table('tagging_models')
