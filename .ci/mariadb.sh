#!/usr/bin/env bash
# Start Debian's MariaDB on its default socket and create the role the WordPress import
# test uses (tests/test_wordpress_import.py): belong/belong, allowed to create and drop the
# databases named belong_wp_*. Prints nothing on stdout, as .ci/postgres.sh: the daemon must
# hold no descriptor of whoever runs CI.
set -euo pipefail
exec </dev/null >&2
# In a container nothing starts it after the install.
service mariadb start </dev/null >/tmp/belong-mariadb-start.log 2>&1 || true
cat /tmp/belong-mariadb-start.log
for _ in $(seq 1 100); do
  mysqladmin ping --silent 2>/dev/null && break
  sleep 0.2
done
mysqladmin ping
mysql <<'SQL'
CREATE USER IF NOT EXISTS 'belong'@'localhost' IDENTIFIED BY 'belong';
GRANT ALL PRIVILEGES ON `belong\_wp\_%`.* TO 'belong'@'localhost';
FLUSH PRIVILEGES;
SQL
