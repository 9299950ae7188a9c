#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into the database in DATABASE_URL, replacing what is
# there, in one transaction (all or nothing). Usage: scripts/restore.sh FILE
set -euo pipefail
file=${1:?usage: scripts/restore.sh FILE}
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to restore into}"
case "$DATABASE_URL" in postgres://*|postgresql://*) ;; *) echo "restore: DATABASE_URL is not PostgreSQL" >&2; exit 2 ;; esac
[ -r "$file" ] || { echo "restore: cannot read $file" >&2; exit 2; }
pg_restore --list "$file" >/dev/null  # refuses a file that is not a custom-format dump before touching anything
pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error \
  --dbname="$DATABASE_URL" "$file"
echo "restore: $file -> database restored"
