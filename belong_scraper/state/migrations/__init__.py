"""The state's Alembic migrations (versions/)."""

# The newest revision in versions/: a state at it needs no upgrade, so opening it does not
# load Alembic. tests/test_state_schema.py checks it against Alembic's own head.
HEAD_REVISION = "0002"
