#!/usr/bin/env bash
# Start the Debian PostgreSQL cluster on loopback and create the test role and database.
# Prints the SQLAlchemy URL the state tests use (BELONG_TEST_PG_URL).
set -euo pipefail
# Only the URL goes to stdout; everything the tools say goes to stderr.
exec 3>&1 1>&2
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | awk '{print $2}' | grep -qx main; then
  pg_createcluster "$version" main
fi
pg_ctlcluster "$version" main start || true
for _ in $(seq 1 50); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 0.2
done
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='belong'\"" | grep -q 1 ||
  su postgres -c "psql -qc \"CREATE ROLE belong LOGIN PASSWORD 'belong' CREATEDB\""
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='belong_test'\"" | grep -q 1 ||
  su postgres -c "createdb -O belong belong_test"
echo "postgresql://belong:belong@127.0.0.1:5432/belong_test" >&3
