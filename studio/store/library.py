"""The library: one SQLite file holding collections, episodes and known media.

Only this package writes SQL. Every public method that changes data runs in
one transaction (``BEGIN IMMEDIATE``), so one user action is one commit, and
a second process (the CLI beside the GUI) waits its turn instead of failing.
A :class:`Library` is used from one thread at a time.
"""

from __future__ import annotations

import os
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from studio.domain.errors import NotFound, UserError
from studio.domain.models import Collection, CollectionView, Episode, MediaRecord
from studio.i18n import tr
from studio.store import rows
from studio.store.library_problems import (
    LibraryDamaged,
    LibraryDiskFull,
    LibraryError,
    LibraryReadOnly,
    NotALibrary,
    _error_name,
    _is_damage,
    _keep_copy,
    _starts_like_sqlite,
    _timestamp,
    _why_read_only,
    explain,
    read_only_message,
)
from studio.store.locations import Location
from studio.store.migrations import migrations

BUSY_TIMEOUT_S = 15.0


def is_position(ref: str) -> bool:
    """Whether an episode reference is a position (``3``) rather than an id prefix: at
    most three digits (a collection holds at most 80 episodes). An id's first eight
    characters are all digits about once in 43 episodes (``studio show`` prints them)."""
    return ref.isdigit() and len(ref) <= 3


class Library:
    """An open library file. Use :meth:`open`; close with :meth:`close` or ``with``.

    ``read_only`` (with ``read_only_reason``, a sentence naming the file) is set when the
    library sits on a read-only disk, in a folder or a file this user cannot write: it
    can be listed, shown, checked and exported, and a change raises
    :class:`LibraryReadOnly` saying why.
    """

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn
        self.db = Database(conn)
        self.read_only_reason: str | None = None
        self._checkpoint_on_close = False
        self._ro_connection = False

    @property
    def read_only(self) -> bool:
        return self.read_only_reason is not None

    # ----------------------------------------------------------------- opening
    @classmethod
    def open(cls, path: str | os.PathLike, *, check: bool = True) -> Library:
        """Open (creating if needed), check integrity, and migrate the library at ``path``.

        ``check=False`` skips the integrity check, for a second connection of a
        process that has already opened (and checked) the same file. A library this
        user cannot write opens read-only (see :attr:`read_only`). Raises
        :class:`NotALibrary` for a file that is not one (nothing is changed),
        :class:`LibraryDamaged` when SQLite finds it damaged (a copy is kept, once),
        :class:`LibraryDiskFull` and other :class:`LibraryError` with the path.
        """
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(tr("Cannot create the library folder {folder}: {error}.").format(
                folder=path.parent, error=exc.strerror or exc)) from exc
        if path.is_dir():
            raise NotALibrary(tr("{path} is a folder, not a Series Studio library: choose a "
                                 "library file, or a new file name to start one.").format(
                path=path))
        existed = path.exists() and path.stat().st_size > 0
        try:
            lib = cls._connect(path, existed, check, read_only=False)
        except sqlite3.Error as exc:
            problem = cls._problem(path, exc, check)
            if isinstance(problem, LibraryReadOnly) and not existed:
                raise LibraryReadOnly(tr("Cannot make a library at {path}: the folder cannot be "
                                         "written. Choose another place with --library.").format(
                    path=path)) from exc
            if not isinstance(problem, LibraryReadOnly):
                raise problem from exc
        else:
            lib._checkpoint_on_close = check
            reason = _why_read_only(path) if existed else None
            if reason is not None:  # SQLite opened a file it cannot write read-only
                lib.read_only_reason = read_only_message(path, reason)
            return lib
        # A library on a read-only disk, or in a folder this user cannot write.
        try:
            lib = cls._connect(path, existed, check, read_only=True)
        except sqlite3.Error as exc2:
            raise cls._problem(path, exc2, check) from exc2
        lib.read_only_reason = str(problem)
        return lib

    @classmethod
    def _problem(cls, path: Path, exc: sqlite3.Error, check: bool) -> LibraryError:
        """The error to show for ``exc``, raised while opening ``path`` (now closed)."""
        if not _is_damage(exc):
            return explain(path, exc)
        if not _starts_like_sqlite(path):
            return NotALibrary(tr(
                "{path} is not a Series Studio library (it is not an SQLite database); it was "
                "not changed. Choose a library file, or a new file name to start "
                "one.").format(path=path))
        return cls._damaged(path, str(exc))

    @staticmethod
    def _damaged(path: Path, reason: str) -> LibraryDamaged:
        try:
            backup: Path | None = _keep_copy(path, "damaged")
        except OSError:
            backup = None
        if backup is None:
            return LibraryDamaged(tr(
                "The library {path} is damaged ({reason}). No copy of it could be kept beside "
                "it: copy it somewhere safe, then move it away to start a new library, or "
                "open another one with --library.").format(path=path, reason=reason), None)
        return LibraryDamaged(tr(
            "The library {path} is damaged ({reason}). A copy was kept at {backup}. Move the "
            "damaged file away to start a new library, or open another one with "
            "--library.").format(path=path, reason=reason, backup=backup), backup)

    @classmethod
    def _connect(cls, path: Path, existed: bool, check: bool, *, read_only: bool) -> Library:
        if not read_only:
            conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                   check_same_thread=False)  # fmt: skip
        else:
            conn = cls._connect_read_only(path)
        lib = cls(path, conn)
        lib._ro_connection = read_only
        try:
            if check:
                lib._check_integrity(existed)
            lib._refuse_another_apps_database()
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            if not read_only:
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if mode.lower() != "wal":
                    raise LibraryError(tr("The library {path} cannot use write-ahead logging "
                                          "({mode}).").format(path=path, mode=mode))
                conn.execute("PRAGMA synchronous = NORMAL")
            lib._migrate(existed)
        except BaseException:
            conn.close()
            raise
        return lib

    @staticmethod
    def _connect_read_only(path: Path) -> sqlite3.Connection:
        """A read-only connection. SQLite needs to make the -shm file of a library in
        write-ahead mode; where it cannot, and no log is left over to read, the file is
        read as it is (``immutable``: nobody can change it there either)."""
        uri = path.absolute().as_uri()
        try:
            conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S,
                                   isolation_level=None, check_same_thread=False)  # fmt: skip
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.Error as exc:
            if _is_damage(exc):
                raise
            wal = Path(f"{path}-wal")
            if wal.exists() and wal.stat().st_size > 0:
                raise
        return sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, timeout=BUSY_TIMEOUT_S,
                               isolation_level=None, check_same_thread=False)  # fmt: skip

    def _check_integrity(self, existed: bool) -> None:
        """LibraryDamaged when SQLite reports damage; an error reaching the file (read-only
        disk, full disk) is raised as it is, for :meth:`open` to explain."""
        if not existed:
            return
        result = [r[0] for r in self.conn.execute("PRAGMA integrity_check").fetchall()]
        fk = self.conn.execute("PRAGMA foreign_key_check").fetchall()
        if result == ["ok"] and not fk:
            return
        reason = "; ".join(result[:3]) if result != ["ok"] else tr("broken links between tables")
        self.conn.close()
        raise self._damaged(self.path, reason)

    def _refuse_another_apps_database(self) -> None:
        """NotALibrary for an SQLite file with tables but not ours: never add our tables
        to it (nor turn on write-ahead logging, which changes its header)."""
        tables = self.db.table_names()
        if tables and "_sqlite_migrations" not in tables:
            raise NotALibrary(tr(
                "{path} is another application's database, not a Series Studio library; it "
                "was not changed. Choose a library file, or a new file name to start "
                "one.").format(path=self.path))

    def _migrate(self, existed: bool) -> None:
        known = {m.name for m in migrations._migrations}
        tables = self.db.table_names()
        if "_sqlite_migrations" in tables:
            applied = {m.name for m in migrations.applied(self.db)}
            newer = applied - known
            if newer:
                raise LibraryError(
                    tr("The library {path} was written by a newer Series Studio (schema "
                       "{schema}); update the app to open it.").format(
                        path=self.path, schema=sorted(newer)[-1])
                )
        pending = migrations.pending(self.db)
        if not pending:
            return
        if self._ro_connection:
            raise LibraryReadOnly(tr(
                "The library {path} was made by an older Series Studio and must be upgraded, "
                "which needs writing it: copy it to a folder you can write and open the "
                "copy.").format(path=self.path))
        if existed and tables:
            self._keep_copy_through_sqlite("before-upgrade")
        # Hold the write lock while migrating so that two processes opening a
        # new library at once cannot both run the ladder; each migration runs
        # in its own savepoint inside this transaction.
        with self.transaction():
            if migrations.pending(self.db):
                migrations.apply(self.db)

    def _keep_copy_through_sqlite(self, suffix: str) -> Path:
        """A copy of the open library made by SQLite's backup, which reads through this
        connection: copying the files would open them, and closing those descriptors
        would drop this process's locks (see :meth:`owns_file`)."""
        backup = self.path.with_name(f"{self.path.name}.{suffix}-{_timestamp()}")
        target = sqlite3.connect(str(backup))
        try:
            self.conn.backup(target)
        finally:
            target.close()
        return backup

    def close(self) -> None:
        """Close; the connection :meth:`open` checked (the app's own, not a worker's) first
        moves the write-ahead log into the library file if no one else is using it, so
        that a closed library is one complete file (a copy of it alone has every edit)."""
        if self._checkpoint_on_close and not self._ro_connection:
            try:
                self.conn.execute("PRAGMA busy_timeout = 0")  # never wait for another user
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            except sqlite3.Error:
                pass  # in use elsewhere, or a full disk: SQLite keeps the log, nothing is lost
        self.conn.close()

    def owns_file(self, path: str | os.PathLike) -> bool:
        """Whether ``path`` is this library's file or one of SQLite's beside it. This
        process must never open those itself: closing any descriptor of a file drops
        every POSIX lock the process holds on it, SQLite's included."""
        names = {self.path.name + suffix for suffix in ("", "-wal", "-shm", "-journal")}
        try:
            candidate = Path(path).resolve()
            return candidate.name in names and candidate.parent == self.path.resolve().parent
        except OSError:
            return False

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def integrity_ok(self) -> bool:
        rows_ = self.conn.execute("PRAGMA integrity_check").fetchall()
        return [r[0] for r in rows_] == ["ok"] and not self.conn.execute(
            "PRAGMA foreign_key_check"
        ).fetchall()

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """One user action: ``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any error.

        Nested calls join the outer transaction. A library that cannot be written, or
        whose disk is full, raises :class:`LibraryReadOnly` or :class:`LibraryDiskFull`
        (naming the file) instead of SQLite's own words.
        """
        if self.conn.in_transaction:
            yield self.db
            return
        if self.read_only_reason is not None:
            raise LibraryReadOnly(self.read_only_reason)
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                if self.conn.in_transaction:  # SQLite may have rolled back already
                    self.conn.execute("ROLLBACK")
                raise
            else:
                self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            problem = explain(self.path, exc)
            if isinstance(problem, (LibraryReadOnly, LibraryDiskFull)) or _error_name(
                    exc).startswith("SQLITE_BUSY"):
                raise problem from exc
            raise

    @contextmanager
    def _snapshot(self) -> Iterator[None]:
        """Reads that see one state of the library (a read-only library too)."""
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN")
        try:
            yield
        finally:
            if self.conn.in_transaction:
                self.conn.execute("COMMIT")

    # ------------------------------------------------------------- collections
    def create_collection(self, title: str, profile: str = "tiktok-series") -> Collection:
        c = Collection(id=str(uuid.uuid4()), title=title, profile=profile)
        with self.transaction() as db:
            db["collections"].insert(rows.collection_to_row(c))
        return c

    def collections(self) -> list[Collection]:
        return [
            rows.collection_from_row(r)
            for r in self.db.query("SELECT * FROM collections ORDER BY updated_at DESC, title")
        ]

    def collection(self, collection_id: str) -> Collection:
        found = list(self.db.query("SELECT * FROM collections WHERE id = ?", [collection_id]))
        if not found:
            raise NotFound(tr("No collection with id {id}.").format(id=collection_id))
        return rows.collection_from_row(found[0])

    def title_taken(self, title: str) -> bool:
        """Whether a collection already has this title (any case): commands name
        collections by title, so two with one title could only be told apart by id."""
        return bool(list(self.db.query(
            "SELECT 1 FROM collections WHERE title = ? COLLATE NOCASE LIMIT 1", [title.strip()])))

    def free_title(self, title: str) -> str:
        """``title``, or ``title (2)``, ``(3)``... the first one no collection has."""
        candidate, n = title, 1
        while self.title_taken(candidate):
            n += 1
            candidate = f"{title} ({n})"
        return candidate

    def find_collection(self, ref: str) -> Collection:
        """A collection named by id, id prefix (4+ characters) or title (any case)."""
        ref = ref.strip()
        exact = list(self.db.query("SELECT * FROM collections WHERE id = ?", [ref]))
        if exact:
            return rows.collection_from_row(exact[0])
        by_title = list(
            self.db.query("SELECT * FROM collections WHERE title = ? COLLATE NOCASE", [ref])
        )
        if len(by_title) == 1:
            return rows.collection_from_row(by_title[0])
        if len(by_title) > 1:
            raise UserError(tr("Several collections are called '{name}'; name one by its "
                               "id.").format(name=ref))
        if len(ref) >= 4:
            by_prefix = list(
                self.db.query("SELECT * FROM collections WHERE id LIKE ? || '%'", [ref.lower()])
            )
            if len(by_prefix) == 1:
                return rows.collection_from_row(by_prefix[0])
        raise NotFound(tr("No collection called '{name}'. 'studio list' shows them.").format(
            name=ref))

    def update_collection(self, c: Collection) -> Collection:
        with self.transaction() as db:
            self.collection(c.id)
            row = rows.collection_to_row(c)
            row["updated_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            db["collections"].update(c.id, row)
        return c

    def touch_collection(self, collection_id: str) -> None:
        self.conn.execute(
            "UPDATE collections SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
            "WHERE id = ?",
            [collection_id],
        )

    def delete_collection(self, collection_id: str) -> None:
        with self.transaction():
            self.collection(collection_id)
            self.conn.execute("DELETE FROM collections WHERE id = ?", [collection_id])

    # ------------------------------------------------------------------- media
    def put_media(self, record: MediaRecord) -> None:
        """Add or update a media row; a record not missing also remembers its path."""
        with self.transaction() as db:
            db["media"].upsert(rows.media_to_row(record), pk="fingerprint")
            if not record.missing:
                self.remember_location(record.fingerprint, record.path, record.mtime)

    def media(self, fingerprint: str) -> MediaRecord | None:
        found = list(self.db.query("SELECT * FROM media WHERE fingerprint = ?", [fingerprint]))
        return rows.media_from_row(found[0]) if found else None

    def all_media(self) -> list[MediaRecord]:
        return [rows.media_from_row(r) for r in self.db.query("SELECT * FROM media ORDER BY path")]

    def set_media_location(
        self, fingerprint: str, path: str, mtime: float, missing: bool = False
    ) -> None:
        """Make ``path`` the file the media's episodes use (remembered among its locations
        unless ``missing``)."""
        with self.transaction():
            self.conn.execute(
                "UPDATE media SET path = ?, mtime = ?, missing = ? WHERE fingerprint = ?",
                [path, mtime, int(missing), fingerprint],
            )
            if not missing:
                self.remember_location(fingerprint, path, mtime)

    def remember_location(self, fingerprint: str, path: str, mtime: float) -> None:
        """Note that ``path`` held this media's content (file time ``mtime``) just now,
        without changing the file its episodes use."""
        with self.transaction():
            self.conn.execute(
                "INSERT INTO media_locations (fingerprint, path, mtime, seen) "
                "SELECT fingerprint, ?, ?, "
                "(SELECT coalesce(max(seen), 0) + 1 FROM media_locations) "
                "FROM media WHERE fingerprint = ? "
                "ON CONFLICT (fingerprint, path) DO UPDATE SET mtime = excluded.mtime, "
                "seen = excluded.seen, seen_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
                [path, mtime, fingerprint],
            )

    def media_locations(self, fingerprint: str) -> list[Location]:
        """Every path where this media's content was seen, the latest seen first (the file
        in use among them). Not checked: see :mod:`studio.store.locations`."""
        return [
            Location(path, mtime)
            for path, mtime in self.conn.execute(
                "SELECT path, mtime FROM media_locations WHERE fingerprint = ? "
                "ORDER BY seen DESC, path",
                [fingerprint],
            )
        ]

    def set_media_missing(self, fingerprint: str, missing: bool) -> None:
        with self.transaction():
            self.conn.execute(
                "UPDATE media SET missing = ? WHERE fingerprint = ?", [int(missing), fingerprint]
            )

    def media_in_use(self, fingerprint: str) -> bool:
        """Whether an episode or a collection's cover frame still refers to this media."""
        return self.conn.execute(
            "SELECT EXISTS (SELECT 1 FROM episodes WHERE media = ?) "
            "OR EXISTS (SELECT 1 FROM collections WHERE cover_media = ?)",
            [fingerprint, fingerprint],
        ).fetchone()[0] == 1

    def forget_media(self, fingerprint: str) -> bool:
        """Remove the media row if nothing refers to it any more. Returns whether it went."""
        with self.transaction():
            if self.media_in_use(fingerprint):
                return False
            self.conn.execute("DELETE FROM media WHERE fingerprint = ?", [fingerprint])
        return True

    def episodes_using(self, fingerprint: str) -> list[Episode]:
        """Every episode of the library cut from this media, by collection then position."""
        return [
            rows.episode_from_row(r)
            for r in self.db.query(
                "SELECT * FROM episodes WHERE media = ? ORDER BY collection_id, position",
                [fingerprint],
            )
        ]

    def collections_with_cover_from(self, fingerprint: str) -> list[Collection]:
        """The collections whose cover is a frame of this media."""
        return [
            rows.collection_from_row(r)
            for r in self.db.query(
                "SELECT * FROM collections WHERE cover_media = ? ORDER BY title", [fingerprint]
            )
        ]

    # ---------------------------------------------------------------- episodes
    def episodes(self, collection_id: str) -> list[Episode]:
        return [
            rows.episode_from_row(r)
            for r in self.db.query(
                "SELECT * FROM episodes WHERE collection_id = ? ORDER BY position", [collection_id]
            )
        ]

    def episode_count(self, collection_id: str) -> int:
        return self.conn.execute(
            "SELECT count(*) FROM episodes WHERE collection_id = ?", [collection_id]
        ).fetchone()[0]

    def episode(self, episode_id: str) -> Episode:
        found = list(self.db.query("SELECT * FROM episodes WHERE id = ?", [episode_id]))
        if not found:
            raise NotFound(tr("No episode with id {id}.").format(id=episode_id))
        return rows.episode_from_row(found[0])

    def find_episode(self, ref: str, collection_id: str | None) -> Episode:
        """An episode named by position in ``collection_id``, by id, or by id prefix."""
        ref = ref.strip()
        if is_position(ref) and collection_id is not None:
            found = list(
                self.db.query(
                    "SELECT * FROM episodes WHERE collection_id = ? AND position = ?",
                    [collection_id, int(ref)],
                )
            )
            if not found:
                n = self.episode_count(collection_id)
                raise NotFound(tr("There is no episode {ref}; the collection has {n}.").format(
                    ref=ref, n=n))
            return rows.episode_from_row(found[0])
        found = list(self.db.query("SELECT * FROM episodes WHERE id = ?", [ref]))
        if not found and len(ref) >= 4:
            found = list(
                self.db.query("SELECT * FROM episodes WHERE id LIKE ? || '%'", [ref.lower()])
            )
            if len(found) > 1:
                raise UserError(tr("Several episodes have ids starting with '{ref}'; type "
                                   "more.").format(ref=ref))
        if not found:
            raise NotFound(tr("No episode '{ref}'. 'studio show COLLECTION' lists them.").format(
                ref=ref))
        episode = rows.episode_from_row(found[0])
        if collection_id is not None and episode.collection_id != collection_id:
            # Named by id in a command about one collection: never act on another's.
            raise NotFound(tr("Episode '{ref}' is not in '{title}'.").format(
                ref=ref, title=self.collection(collection_id).title))
        return episode

    def add_episode(self, episode: Episode) -> Episode:
        """Append ``episode`` (its position is set to the end of its collection)."""
        with self.transaction() as db:
            pos = self.episode_count(episode.collection_id) + 1
            episode = episode.with_(position=pos)
            db["episodes"].insert(rows.episode_to_row(episode))
            self.touch_collection(episode.collection_id)
        return episode

    def update_episode(self, episode: Episode) -> Episode:
        with self.transaction() as db:
            current = self.episode(episode.id)
            row = rows.episode_to_row(episode.with_(position=current.position))
            db["episodes"].update(episode.id, row)
            self.touch_collection(episode.collection_id)
        return self.episode(episode.id)

    def move_episode(self, episode_id: str, position: int) -> list[Episode]:
        """Move an episode to 1-based ``position``; the others close up. Returns the new order."""
        with self.transaction():
            ep = self.episode(episode_id)
            order = [e.id for e in self.episodes(ep.collection_id)]
            if not 1 <= position <= len(order):
                raise UserError(
                    tr("Position {position} is outside the collection (1 to {last}).").format(
                        position=position, last=len(order))
                )
            order.remove(ep.id)
            order.insert(position - 1, ep.id)
            self._write_order(order)
            self.touch_collection(ep.collection_id)
        return self.episodes(ep.collection_id)

    def reorder(self, collection_id: str, episode_ids: list[str]) -> list[Episode]:
        """Set the whole order at once (drag and drop of several episodes)."""
        with self.transaction():
            current = {e.id for e in self.episodes(collection_id)}
            if set(episode_ids) != current or len(episode_ids) != len(current):
                raise UserError(tr("The new order must name every episode of the collection "
                                   "once."))
            self._write_order(episode_ids)
            self.touch_collection(collection_id)
        return self.episodes(collection_id)

    def _write_order(self, ids: list[str]) -> None:
        self.conn.executemany(
            "UPDATE episodes SET position = ? WHERE id = ?",
            [(i + 1, eid) for i, eid in enumerate(ids)],
        )

    def restore_episodes(self, episodes: list[Episode]) -> list[Episode]:
        """Put removed episodes back, each at its recorded position (undo of a removal)."""
        if not episodes:
            return []
        cid = episodes[0].collection_id
        with self.transaction() as db:
            for e in episodes:
                db["episodes"].insert(rows.episode_to_row(e.with_(position=10_000 + e.position)))
            order = [e.id for e in self.episodes(cid) if e.position < 10_000]
            for e in sorted(episodes, key=lambda e: e.position):
                order.insert(min(e.position - 1, len(order)), e.id)
            self._write_order(order)
            self.touch_collection(cid)
        return self.episodes(cid)

    def duplicate_collection(self, collection_id: str, title: str) -> Collection:
        """A copy of the collection and its episodes (same media), under ``title``."""
        with self.transaction() as db:
            src = self.collection(collection_id)
            copy = src.with_(id=str(uuid.uuid4()), title=title)
            db["collections"].insert(rows.collection_to_row(copy))
            for e in self.episodes(collection_id):
                db["episodes"].insert(rows.episode_to_row(
                    e.with_(id=str(uuid.uuid4()), collection_id=copy.id)))
        return copy

    def remove_episode(self, episode_id: str) -> Episode:
        with self.transaction():
            ep = self.episode(episode_id)
            self.conn.execute("DELETE FROM episodes WHERE id = ?", [episode_id])
            rest = [e.id for e in self.episodes(ep.collection_id)]
            self._write_order(rest)
            self.touch_collection(ep.collection_id)
        return ep

    def view(self, collection_id: str) -> CollectionView:
        """The collection, its ordered episodes and their media, read in one snapshot."""
        with self._snapshot():
            c = self.collection(collection_id)
            eps = self.episodes(collection_id)
            media = {
                r["fingerprint"]: rows.media_from_row(r)
                for r in self.db.query(
                    "SELECT m.* FROM media m WHERE m.fingerprint IN "
                    "(SELECT media FROM episodes WHERE collection_id = ?)",
                    [collection_id],
                )
            }
        return CollectionView(c, eps, media)

    # ---------------------------------------------------------------- settings
    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            )
