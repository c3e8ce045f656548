"""State database, first version: runs, fetched pages, records, changes, watch items.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("start_url", sa.Text, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("counts", sa.JSON, nullable=False),
        sa.Column("settings", sa.JSON, nullable=False),
    )
    op.create_table(
        "fetched_pages",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(64), sa.ForeignKey("runs.id"), nullable=False, index=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("canonical_url", sa.Text, nullable=False, index=True),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("payload_sha256", sa.String(64)),
        sa.Column("fetched_at", sa.DateTime(timezone=True)),
        sa.Column("php_errors", sa.Integer, nullable=False),
        sa.Column("error", sa.Text),
        sa.UniqueConstraint("run_id", "url"),
    )
    op.create_table(
        "records",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("type", sa.String(16), nullable=False, index=True),
        sa.Column("source_url", sa.Text),
        sa.Column("path", sa.Text),
        sa.Column("slug", sa.Text),
        sa.Column("legacy_urls", sa.JSON, nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("change_sha256", sa.String(64), nullable=False),
        sa.Column("first_seen_run", sa.String(64), sa.ForeignKey("runs.id"), nullable=False),
        sa.Column("last_seen_run", sa.String(64), sa.ForeignKey("runs.id"), nullable=False),
        sa.Column("last_changed_run", sa.String(64), sa.ForeignKey("runs.id"), nullable=False),
        sa.Column("removed_in_run", sa.String(64), sa.ForeignKey("runs.id")),
        sa.Column("data", sa.JSON, nullable=False),
    )
    op.create_table(
        "record_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(64), sa.ForeignKey("runs.id"), nullable=False, index=True),
        sa.Column("record_id", sa.String(64), nullable=False, index=True),
        sa.Column("record_type", sa.String(16), nullable=False),
        sa.Column("change", sa.String(16), nullable=False),
        sa.Column("content_sha256", sa.String(64)),
        sa.UniqueConstraint("run_id", "record_id"),
    )
    op.create_table(
        "watch_items",
        sa.Column("article_id", sa.String(64), primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("teaser_sha256", sa.String(64)),
        sa.Column("text_sha256", sa.String(64)),
        sa.Column("first_reported_run", sa.String(64)),
        sa.Column("last_checked_run", sa.String(64)),
    )


def downgrade() -> None:
    for table in ("watch_items", "record_changes", "records", "fetched_pages", "runs"):
        op.drop_table(table)
