"""The library schema as a ladder of numbered migrations.

Each migration runs in its own transaction (sqlite-utils records it in
``_sqlite_migrations`` in the same transaction), so a failed upgrade leaves
the library as it was. Never edit a released migration: add a new one.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("series-studio")


@migrations(name="0001_initial")
def m0001_initial(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE collections (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            price_minor INTEGER CHECK (price_minor IS NULL OR price_minor >= 0),
            currency TEXT NOT NULL DEFAULT 'USD',
            cover_media TEXT REFERENCES media(fingerprint) ON DELETE SET NULL,
            cover_time_us INTEGER,
            cover_image TEXT,
            profile TEXT NOT NULL DEFAULT 'tiktok-series',
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        );
        CREATE TABLE media (
            fingerprint TEXT PRIMARY KEY,
            path TEXT NOT NULL,
            size INTEGER NOT NULL,
            mtime REAL NOT NULL,
            info TEXT NOT NULL,
            missing INTEGER NOT NULL DEFAULT 0,
            added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        );
        CREATE INDEX media_path ON media(path);
        CREATE TABLE episodes (
            id TEXT PRIMARY KEY,
            collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
            media TEXT NOT NULL REFERENCES media(fingerprint),
            title TEXT NOT NULL DEFAULT '',
            in_us INTEGER NOT NULL CHECK (in_us >= 0),
            out_us INTEGER NOT NULL,
            position INTEGER NOT NULL CHECK (position >= 1),
            free_preview INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            CHECK (out_us > in_us)
        );
        CREATE INDEX episodes_collection ON episodes(collection_id, position);
        CREATE INDEX episodes_media ON episodes(media);
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """
    )

