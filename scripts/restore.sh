#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into the database of DATABASE_URL and the media
# directory DJANGO_MEDIA_ROOT. Usage:
#
#   DATABASE_URL=postgres://user@host:5432/qualipref_restored DJANGO_MEDIA_ROOT=/srv/qualipref/media \
#       scripts/restore.sh /var/backups/qualipref/qualipref-20261127T070000Z
#
# The database must exist (createdb it first) and should be empty: objects the dump contains are
# dropped and recreated (--clean --if-exists), all in one transaction, so a failure restores nothing.
# The media files are extracted over DJANGO_MEDIA_ROOT (created if missing). Stop the web, worker and
# beat processes before restoring over a live database.
set -euo pipefail

source_dir=${1:?usage: scripts/restore.sh <backup directory made by scripts/backup.sh>}
: "${DATABASE_URL:?set DATABASE_URL (postgres://user@host:port/name) of the database to restore into}"
media_root=${DJANGO_MEDIA_ROOT:-$(cd "$(dirname "$0")/.." && pwd)/media}

(cd "$source_dir" && sha256sum --check --quiet SHA256SUMS)
pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error \
    --dbname="$DATABASE_URL" "$source_dir/database.dump"
mkdir -p "$media_root"
tar --extract --gzip --file="$source_dir/media.tar.gz" --directory="$media_root"
echo "Restored $source_dir into the database and $media_root"
