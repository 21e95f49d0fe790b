#!/usr/bin/env bash
# Back up Qualipref: the PostgreSQL database (pg_dump, custom format) and the media files (uploads,
# generated reports) into one new directory. Usage:
#
#   DATABASE_URL=postgres://user@host:5432/qualipref DJANGO_MEDIA_ROOT=/srv/qualipref/media \
#       scripts/backup.sh /var/backups/qualipref
#
# Creates <destination>/qualipref-<UTC timestamp>/ with database.dump, media.tar.gz and SHA256SUMS,
# and prints its path on the last line. The dump is consistent (one snapshot) and taken while the
# application runs; media files written during the backup may or may not be included.
set -euo pipefail

destination=${1:-backups}
: "${DATABASE_URL:?set DATABASE_URL (postgres://user@host:port/name), as for the application}"
media_root=${DJANGO_MEDIA_ROOT:-$(cd "$(dirname "$0")/.." && pwd)/media}

stamp=$(date -u +%Y%m%dT%H%M%SZ)
target="$destination/qualipref-$stamp"
mkdir -p "$target"
# pg_dump and psql read postgres:// and postgresql:// URLs alike.
pg_dump --format=custom --compress=6 --no-owner --no-privileges --file="$target/database.dump" \
    --dbname="$DATABASE_URL"
if [ -d "$media_root" ]; then
    tar --create --gzip --file="$target/media.tar.gz" --directory="$media_root" .
else
    echo "No media directory at $media_root: empty media archive" >&2
    tar --create --gzip --file="$target/media.tar.gz" --files-from=/dev/null
fi
(cd "$target" && sha256sum database.dump media.tar.gz >SHA256SUMS)
echo "$target"
