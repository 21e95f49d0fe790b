"""Backup and restore (scripts/backup.sh, scripts/restore.sh): the demo data goes through pg_dump and
pg_restore into a fresh database with every table's rows, every sequence and every media file."""

from __future__ import annotations

import hashlib
import os
import subprocess
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)

pytestmark = [pytest.mark.postgres, pytest.mark.demo]


def _url(settings_dict, name: str) -> str:
    user = quote(settings_dict.get("USER") or "postgres", safe="")
    password = settings_dict.get("PASSWORD")
    auth = f"{user}:{quote(password, safe='')}" if password else user
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgresql://{auth}@{host}:{port}/{name}"


def _snapshot(url: str) -> tuple[dict[str, int], dict[str, int]]:
    """Row count of every table of the public schema, and every sequence's last value."""
    with psycopg.connect(url, autocommit=True) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
            )
        ]
        counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        sequences = dict(
            conn.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
        )
    return counts, sequences


def _files(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def restore_database():
    """A fresh, empty database for the restore, dropped afterwards whatever happens."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump / pg_restore need PostgreSQL: set DATABASE_URL=postgres://… (CI does)")
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    admin_url = _url(connection.settings_dict, "postgres")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield _url(connection.settings_dict, name)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_demo_data_is_backed_up_and_restored_whole(transactional_db, restore_database, demo, tmp_path):
    # The demo data is committed (a copy of the session demo database): pg_dump sees it from elsewhere.
    media, restored_media, backups = demo.media, tmp_path / "restored-media", tmp_path / "backups"
    connection.close()
    source_url = _url(connection.settings_dict, connection.settings_dict["NAME"])
    before_counts, before_sequences = _snapshot(source_url)
    before_files = _files(media)

    env = {**os.environ, "DATABASE_URL": source_url, "DJANGO_MEDIA_ROOT": str(media)}
    backup = subprocess.run(
        ["bash", ROOT / "scripts" / "backup.sh", str(backups)], env=env, capture_output=True, text=True
    )
    assert backup.returncode == 0, backup.stderr
    backup_dir = Path(backup.stdout.split()[-1])
    assert sorted(p.name for p in backup_dir.iterdir()) == ["SHA256SUMS", "database.dump", "media.tar.gz"]
    listing = subprocess.run(
        ["pg_restore", "--list", backup_dir / "database.dump"], capture_output=True, text=True, check=True
    )
    assert "TABLE DATA public complaints_correspondence" in listing.stdout  # custom format, with the data

    env = {**os.environ, "DATABASE_URL": restore_database, "DJANGO_MEDIA_ROOT": str(restored_media)}
    restore = subprocess.run(
        ["bash", ROOT / "scripts" / "restore.sh", str(backup_dir)], env=env, capture_output=True, text=True
    )
    assert restore.returncode == 0, restore.stderr

    after_counts, after_sequences = _snapshot(restore_database)
    assert after_counts == before_counts
    assert after_sequences == before_sequences
    assert _files(restored_media) == before_files
    # The demo really was there: people, complaints, audits, measurements, and the documents' files.
    for table in ("sites_user", "complaints_correspondence", "audits_audit", "indicators_measurement"):
        assert before_counts[table] > 0, table
    assert sum(before_counts.values()) > 1000
    assert before_files


def test_a_damaged_backup_is_refused_and_restores_nothing(transactional_db, restore_database, tmp_path):
    backup_dir = tmp_path / "qualipref-damaged"
    backup_dir.mkdir()
    (backup_dir / "database.dump").write_bytes(b"PGDMP not really")
    subprocess.run(["tar", "-czf", backup_dir / "media.tar.gz", "--files-from=/dev/null"], check=True)
    subprocess.run(
        "sha256sum database.dump media.tar.gz > SHA256SUMS", shell=True, cwd=backup_dir, check=True
    )
    (backup_dir / "database.dump").write_bytes(b"PGDMP changed after the checksum")
    env = {**os.environ, "DATABASE_URL": restore_database, "DJANGO_MEDIA_ROOT": str(tmp_path / "m")}
    restore = subprocess.run(
        ["bash", ROOT / "scripts" / "restore.sh", str(backup_dir)], env=env, capture_output=True, text=True
    )
    assert restore.returncode != 0
    assert "FAILED" in restore.stdout + restore.stderr
    assert _snapshot(restore_database) == ({}, {})
    assert not (tmp_path / "m").exists()
