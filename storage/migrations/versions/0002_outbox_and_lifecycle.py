"""outbox, shared token and leases, routing and lifecycle columns

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 06:28:43.107081
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('access_tokens',
    sa.Column('app_id', sa.String(length=64), nullable=False),
    sa.Column('token', sa.Text(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('refreshing_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('app_id', name=op.f('pk_access_tokens'))
    )
    op.create_table('leases',
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('holder', sa.String(length=128), nullable=False),
    sa.Column('until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_leases'))
    )
    op.create_table('outbox',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('recipient', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('issue_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('dedup_key', sa.String(length=160), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['issue_id'], ['issues.id'], name=op.f('fk_outbox_issue_id_issues')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('dedup_key', name=op.f('uq_outbox_dedup_key'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_issue_id'), ['issue_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_recipient'), ['recipient'], unique=False)

    with op.batch_alter_table('buildings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('qr_ticket', sa.String(length=256), nullable=True))
        batch_op.add_column(sa.Column('qr_url', sa.String(length=256), nullable=True))

    with op.batch_alter_table('issues', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assignee_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.add_column(sa.Column('level', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('accept_due', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('resolve_due', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('overdue', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('rating', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_issues_assignee_id_members'), 'members', ['assignee_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('reporters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_message_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('message_sends', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('last_event_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('event_sends', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('step', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('step_data', sa.JSON(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('reporters', schema=None) as batch_op:
        batch_op.drop_column('step_data')
        batch_op.drop_column('step')
        batch_op.drop_column('event_sends')
        batch_op.drop_column('last_event_at')
        batch_op.drop_column('message_sends')
        batch_op.drop_column('last_message_at')

    with op.batch_alter_table('issues', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_issues_assignee_id_members'), type_='foreignkey')
        batch_op.drop_column('rating')
        batch_op.drop_column('overdue')
        batch_op.drop_column('resolve_due')
        batch_op.drop_column('accept_due')
        batch_op.drop_column('level')
        batch_op.drop_column('assignee_id')

    with op.batch_alter_table('buildings', schema=None) as batch_op:
        batch_op.drop_column('qr_url')
        batch_op.drop_column('qr_ticket')

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_recipient'))
        batch_op.drop_index(batch_op.f('ix_outbox_issue_id'))
        batch_op.drop_index('ix_outbox_due')

    op.drop_table('outbox')
    op.drop_table('leases')
    op.drop_table('access_tokens')
