#!/usr/bin/env bash
# Start the Debian PostgreSQL cluster on loopback and create the test role and database.
# Prints nothing: .ci/run knows the URL. The daemon must not inherit the caller's stdout,
# or a caller reading that stdout (a command substitution, a pipe) waits for it forever.
set -euo pipefail
exec </dev/null >&2
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | awk '{print $2}' | grep -qx main; then
  pg_createcluster "$version" main
fi
# Its output goes to a file, so the daemon holds no descriptor of whoever runs CI.
pg_ctlcluster "$version" main start </dev/null >/tmp/belong-pg-start.log 2>&1 || true
cat /tmp/belong-pg-start.log
for _ in $(seq 1 100); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 0.2
done
pg_isready -h 127.0.0.1 -p 5432
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='belong'\"" | grep -q 1 ||
  su postgres -c "psql -qc \"CREATE ROLE belong LOGIN PASSWORD 'belong' CREATEDB\""
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='belong_test'\"" | grep -q 1 ||
  su postgres -c "createdb -O belong belong_test"
