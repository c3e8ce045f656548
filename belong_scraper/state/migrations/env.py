"""Alembic environment: runs on the connection StateStore hands over (no ini file)."""

from alembic import context

from belong_scraper.state.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
