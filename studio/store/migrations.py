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



@migrations(name="0002_sync")
def m0002_sync(db: Database) -> None:
    """Publishing targets and the durable state of each upload and registration.

    No secret is ever stored here: tokens live in the system keyring only.
    """
    db.executescript(
        """
        CREATE TABLE sync_targets (
            name TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            location TEXT NOT NULL,
            account TEXT NOT NULL DEFAULT '',
            options TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        );
        CREATE TABLE sync_collections (
            target TEXT NOT NULL REFERENCES sync_targets(name) ON DELETE CASCADE,
            collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
            remote_id TEXT NOT NULL,
            registered_digest TEXT,
            revision TEXT,
            remote_status TEXT,
            remote_url TEXT,
            last_error TEXT,
            registered_at TEXT,
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            PRIMARY KEY (target, collection_id)
        );
        CREATE TABLE sync_items (
            target TEXT NOT NULL,
            collection_id TEXT NOT NULL,
            item TEXT NOT NULL,
            state TEXT NOT NULL
                CHECK (state IN ('pending', 'uploading', 'uploaded', 'registered')),
            file TEXT NOT NULL,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            upload_key TEXT NOT NULL,
            upload_url TEXT,
            upload_id TEXT,
            offset INTEGER NOT NULL DEFAULT 0,
            expires_at TEXT,
            remote_status TEXT,
            remote_reasons TEXT NOT NULL DEFAULT '[]',
            error TEXT,
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            PRIMARY KEY (target, collection_id, item),
            FOREIGN KEY (target, collection_id)
                REFERENCES sync_collections(target, collection_id) ON DELETE CASCADE
        );
        CREATE TABLE sync_intents (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            target TEXT NOT NULL,
            collection_id TEXT NOT NULL,
            item TEXT,
            action TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            FOREIGN KEY (target, collection_id)
                REFERENCES sync_collections(target, collection_id) ON DELETE CASCADE
        );
        CREATE INDEX sync_intents_owner ON sync_intents(target, collection_id);
        """
    )


@migrations(name="0003_sync_kept")
def m0003_sync_kept(db: Database) -> None:
    """What was published through a removed target, kept by the target's kind and location
    (JSON: the collection's sync record, items and intents): adding a target for the same
    folder or platform again takes it back, so a publish updates the same collection
    instead of making a second one."""
    db.executescript(
        """
        CREATE TABLE sync_kept (
            kind TEXT NOT NULL,
            location TEXT NOT NULL,
            collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
            state TEXT NOT NULL,
            kept_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            PRIMARY KEY (kind, location, collection_id)
        );
        """
    )


@migrations(name="0004_media_locations")
def m0004_media_locations(db: Database) -> None:
    """Every path where the library has seen a media's content (the file in use and its
    copies), so that an episode carries on with a copy when the file it used is gone.
    ``mtime`` is the file's time when last seen holding that content; ``seen`` orders the
    sightings (the higher, the later), ``seen_at`` says when."""
    db.executescript(
        """
        CREATE TABLE media_locations (
            fingerprint TEXT NOT NULL REFERENCES media(fingerprint) ON DELETE CASCADE,
            path TEXT NOT NULL,
            mtime REAL NOT NULL,
            seen INTEGER NOT NULL,
            seen_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            PRIMARY KEY (fingerprint, path)
        );
        CREATE INDEX media_locations_path ON media_locations(path);
        INSERT INTO media_locations (fingerprint, path, mtime, seen)
            SELECT fingerprint, path, mtime, 0 FROM media;
        """
    )
