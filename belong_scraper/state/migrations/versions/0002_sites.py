"""Many sites in one state: a site key on every table, and the fleet's jobs.

Revision ID: 0002
Revises: 0001

A 0001 state held one site: each row gets the site of its run's start URL (the rule
`state.sites.site_key` applies to a site without a name). Record and watch-item ids are
unique within a site only, so those two tables are rebuilt with (site, id) keys.
"""

import sqlalchemy as sa
from alembic import op

from belong_scraper.state.sites import site_key

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SITE = sa.String(200)


def upgrade() -> None:
    bind = op.get_bind()
    for table in ("runs", "fetched_pages", "record_changes"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("site", SITE, nullable=False, server_default=""))
    runs = sa.table("runs", sa.column("id"), sa.column("start_url"), sa.column("site"),
                    sa.column("started_at"))  # fmt: skip
    for (start_url,) in bind.execute(sa.select(runs.c.start_url).distinct()).all():
        bind.execute(
            runs.update().where(runs.c.start_url == start_url).values(site=site_key(start_url))
        )
    for table in ("fetched_pages", "record_changes"):
        bind.execute(sa.text(
            f"update {table} set site = (select runs.site from runs where runs.id = {table}.run_id)"
        ))  # fmt: skip
    for table in ("runs", "fetched_pages", "record_changes"):
        op.create_index(f"ix_{table}_site", table, ["site"])
    _rebuild_records()
    _rebuild_watch_items(bind, runs)
    op.create_table(
        "fleet_jobs",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("fleet_run", sa.String(64), nullable=False, index=True),
        sa.Column("site", SITE, nullable=False, index=True),
        sa.Column("node", sa.Text, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("exit_status", sa.Integer),
        sa.Column("run_id", sa.String(64)),
        sa.Column("records", sa.Integer),
        sa.Column("pages", sa.Integer),
        sa.Column("changes", sa.JSON, nullable=False),
        sa.Column("message", sa.Text),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
    )


def _rebuild_records() -> None:
    op.drop_index("ix_records_type", table_name="records")  # index names are database-wide
    op.rename_table("records", "records_0001")
    op.create_table(
        "records",
        sa.Column("site", SITE, nullable=False),
        sa.Column("id", sa.String(64), nullable=False),
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
        sa.PrimaryKeyConstraint("site", "id", name="pk_records_site_id"),
    )
    columns = ("id, type, source_url, path, slug, legacy_urls, content_sha256, change_sha256, "
               "first_seen_run, last_seen_run, last_changed_run, removed_in_run, data")  # fmt: skip
    prefixed = ", ".join(f"r.{c.strip()}" for c in columns.split(","))
    op.execute(
        f"insert into records (site, {columns}) select runs.site, {prefixed} "
        "from records_0001 r join runs on runs.id = r.first_seen_run"
    )
    op.drop_table("records_0001")


def _rebuild_watch_items(bind: sa.Connection, runs: sa.TableClause) -> None:
    op.rename_table("watch_items", "watch_items_0001")
    op.create_table(
        "watch_items",
        sa.Column("site", SITE, nullable=False),
        sa.Column("article_id", sa.String(64), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("teaser_sha256", sa.String(64)),
        sa.Column("text_sha256", sa.String(64)),
        sa.Column("first_reported_run", sa.String(64)),
        sa.Column("last_checked_run", sa.String(64)),
        sa.PrimaryKeyConstraint("site", "article_id", name="pk_watch_items_site_article"),
    )
    # An item's last check names its run (no foreign key: watch runs of a 0001 state had
    # one site); an item without one belongs to the site of the newest run.
    newest = bind.execute(
        sa.select(runs.c.site).order_by(runs.c.started_at.desc()).limit(1)
    ).scalar()
    columns = ("article_id, url, title, teaser_sha256, text_sha256, first_reported_run, "
               "last_checked_run")  # fmt: skip
    prefixed = ", ".join(f"w.{c.strip()}" for c in columns.split(","))
    bind.execute(
        sa.text(
            f"insert into watch_items (site, {columns}) "
            f"select coalesce(runs.site, :newest), {prefixed} from watch_items_0001 w "
            "left join runs on runs.id = w.last_checked_run"
        ),
        {"newest": newest or ""},
    )
    op.drop_table("watch_items_0001")


def downgrade() -> None:
    raise NotImplementedError("a state of many sites cannot go back to one site per database")
