#!/usr/bin/env bash
# Back up the PostgreSQL database in DATABASE_URL with pg_dump's custom format (compressed, restorable
# table by table with pg_restore). Usage: scripts/backup.sh [FILE]  (default backups/kontaktplan-<UTC>.dump)
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to back up}"
case "$DATABASE_URL" in postgres://*|postgresql://*) ;; *) echo "backup: DATABASE_URL is not PostgreSQL" >&2; exit 2 ;; esac
file=${1:-backups/kontaktplan-$(date -u +%Y%m%dT%H%M%SZ).dump}
mkdir -p "$(dirname "$file")"
umask 077  # the dump holds CPR numbers: readable by this user only
pg_dump --format=custom --no-owner --no-privileges --file="$file.partial" "$DATABASE_URL"
mv "$file.partial" "$file"  # a backup that exists is complete
echo "backup: $file ($(du -h "$file" | cut -f1))"
