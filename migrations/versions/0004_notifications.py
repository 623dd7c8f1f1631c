"""notifications: the mail outbox and users' mail preferences

Revision ID: 0004
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("region_code", sa.String(length=3), nullable=True),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("unsubscribe_url", sa.String(length=600), nullable=True),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claim_token", sa.String(length=32), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("digest_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["digest_id"], ["notification.id"], name=op.f("fk_notification_digest_id_notification")),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_notification_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
        sa.UniqueConstraint("message_id", name=op.f("uq_notification_message_id")),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notification_region_code"), ["region_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_notification_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_notification_user_id"), ["user_id"], unique=False)

    op.create_table(
        "mail_preference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=20), nullable=False),
        sa.Column("delivery", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_mail_preference_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_preference")),
        sa.UniqueConstraint("user_id", "topic", name=op.f("uq_mail_preference_user_id")),
    )
    with op.batch_alter_table("mail_preference", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mail_preference_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("mail_preference", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_preference_user_id"))
    op.drop_table("mail_preference")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_user_id"))
        batch_op.drop_index(batch_op.f("ix_notification_status"))
        batch_op.drop_index(batch_op.f("ix_notification_region_code"))
    op.drop_table("notification")
