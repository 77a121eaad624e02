"""Publishing targets and their adapters, behind one interface.

A target (name, kind, location, account label) is stored in the library;
its credentials only in the keyring. Each kind has an :class:`Adapter` that
offers the same primitives to the engine: upload sessions that resume
(create, offset, send, discard) and the registration of a desired state
(register, fetch). Kinds today:

- ``folder``: publishes the kit into a folder, offline. An upload is a
  resumable copy into ``.series-studio/uploads`` (temporary ``.part`` file,
  then rename); registering places each file under its kit name (a hard link,
  or a copy through a temporary file and a rename) and writes ``manifest.json``
  last. Repeating it changes nothing. A folder that holds another collection,
  or a file the publish would write over that Series Studio did not write, is
  refused before anything is written there: a refused publish leaves the
  folder as it was.
- ``series-api``: the Series Platform API over HTTP (tus uploads + ``PUT``).

TikTok (Content Posting API drafts), Vimeo (On Demand series) and YouTube
(playlists) fit the same shape: their resumable upload protocols map to the
session primitives and their collection objects to register/fetch; add a
class to :data:`KINDS`.

Threading: adapters are used by the engine's upload threads at once; they
are thread-safe (the folder adapter's sessions are distinct files, the HTTP
ones share thread-safe httpx clients). All calls block their caller.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import ClassVar, Protocol

import httpx

from studio.i18n import tr
from studio.store.sync_state import TargetRecord
from studio.sync.api import SeriesApi
from studio.sync.auth import TargetAuth, discover, refresh_tokens
from studio.sync.credentials import Vault
from studio.sync.errors import FolderTaken, ServerRejected, SyncError, UploadGone
from studio.sync.kit import (
    COVER,
    KIT_FORMAT,
    MANIFEST,
    DesiredCollection,
    Kit,
    KitItem,
    RemoteCollection,
    RemoteEpisode,
    plain_file_name,
    sha256_file,
)
from studio.sync.retry import (
    ProgressFn,
    RetryPolicy,
    SpeedMeter,
    Throttle,
    TransferProgress,
    WaitFn,
)
from studio.sync.tus import MiB, TusClient
from studio.tasks import CancelToken

SERIES_API = "series-api"
FOLDER = "folder"


@dataclass(frozen=True)
class SyncSettings:
    """How to publish: parallel uploads, PATCH size, a bandwidth cap, retries, timeouts."""

    concurrency: int = 2
    chunk_size: int | None = None  # bytes per PATCH; None: the tus client's choice
    bandwidth: float | None = None  # bytes per second for all uploads together
    checksum: bool = True  # sha1 per PATCH when the server supports it
    retry: RetryPolicy = RetryPolicy()
    timeout: float = 30.0  # seconds without progress on a connection
    connect_timeout: float = 10.0  # seconds to open a connection (at most ``timeout``)
    # told before a long pause between attempts (e.g. the server's Retry-After), from any
    # upload thread; the engine sets it to emit a note
    on_wait: WaitFn | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Session:
    """An upload session: where the bytes go, and the id the registration names."""

    url: str
    upload_id: str
    offset: int = 0
    expires_at: str | None = None


class Adapter(Protocol):
    kind: ClassVar[str]
    idempotent_create: ClassVar[bool]  # a replayed create_session(key) returns the same session

    def prepare(self, remote_id: str, kit: Kit, cancel: CancelToken | None) -> None:
        """Check that publishing ``kit`` under ``remote_id`` can start (signed in, folder
        writable and not another's); raise SyncError. A refusal changes nothing."""

    def create_session(self, item: KitItem, sha256: str, key: str,
                       cancel: CancelToken | None) -> Session: ...  # fmt: skip

    def offset(self, session: Session, cancel: CancelToken | None) -> int:
        """How many bytes the target holds; :class:`UploadGone` if the session is gone."""

    def send(self, session: Session, item: KitItem, progress: ProgressFn,
             cancel: CancelToken | None) -> int:  # fmt: skip
        """Send the rest of the file; return the final offset."""

    def discard(self, session: Session, cancel: CancelToken | None) -> None: ...

    def register(self, remote_id: str, desired: DesiredCollection,
                 cancel: CancelToken | None) -> RemoteCollection: ...  # fmt: skip

    def fetch(self, remote_id: str, cancel: CancelToken | None) -> RemoteCollection | None: ...

    def close(self) -> None: ...


def safe_name(text: str, limit: int = 60) -> str:
    text = re.sub(r'[<>:"/\\|?*\x00-\x1f]', " ", text)
    text = re.sub(r"\s+", " ", text).strip().strip(".")
    return text[:limit].rstrip() or "Episode"


def episode_file_names(titles: list[str]) -> list[str]:
    """The names the folder target gives the episodes, in order: ``01 - Title.mp4``."""
    width = max(2, len(str(len(titles))))
    return [f"{n:0{width}d} - {safe_name(t)}.mp4" for n, t in enumerate(titles, 1)]


@dataclass(frozen=True)
class _Placed:
    """A file the folder target places: its name, item key, upload copy and content."""

    name: str
    key: str
    upload_id: str
    size: int | None  # None for the cover (not in the desired state)
    sha256: str | None


def _intact(path: Path, size: int | None, sha256: str | None, since_ns: int | None) -> bool:
    """Whether ``path`` holds the published bytes: the same size, and the same sha256 when it
    was modified after ``since_ns`` (when manifest.json was written), when there is no
    manifest yet, or when it is the cover (small, no size recorded).

    Hashing costs about 1 s per 300 MB (a 20-minute 1080p episode), so hashing every
    file at every publish would add a minute for a season with nothing to do. A file
    damaged in place (an editor saving, a sync tool) gets a newer mtime than the
    manifest; only bit rot that keeps size and mtime goes unseen.
    """
    try:
        st = path.stat()
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode) or (size is not None and st.st_size != size):
        return False
    if sha256 and (size is None or since_ns is None or st.st_mtime_ns > since_ns):
        return sha256_file(path) == sha256
    return True


class FolderAdapter:
    """Publish into a folder (see the module docstring)."""

    kind: ClassVar[str] = FOLDER
    idempotent_create: ClassVar[bool] = True

    def __init__(self, folder: str | Path, throttle: Throttle | None = None) -> None:
        self.folder = Path(folder).expanduser()
        self.store = self.folder / ".series-studio" / "uploads"
        # The names a registration is placing, until its manifest.json is written: a
        # registration stopped midway left them, and the next one may replace them.
        self.journal = self.folder / ".series-studio" / "placing.json"
        self.throttle = throttle or Throttle(None)

    def prepare(self, remote_id: str, kit: Kit, cancel: CancelToken | None) -> None:
        """Refuse the folder before writing anything in it, then make the uploads folder."""
        names = episode_file_names([e.title for e in kit.episodes])
        self._check(remote_id, names + (["cover.jpg"] if kit.cover else []))
        made: list[Path] = []  # the folders made here, removed again if a later one fails
        try:
            for folder in reversed((self.store, *self.store.parents)):
                if not folder.is_dir():
                    folder.mkdir()
                    made.append(folder)
            if not os.access(self.folder, os.W_OK) or not os.access(self.store, os.W_OK):
                raise PermissionError(13, os.strerror(13))
        except OSError as exc:
            for folder in reversed(made):
                folder.rmdir()
            raise SyncError(tr("Cannot write to the folder {folder}: {error}.").format(
                folder=self.folder, error=exc.strerror or exc)) from None

    def _check(self, remote_id: str, names: list[str]) -> None:
        """SyncError when publishing would take over another collection's folder, or
        write over a file (or a manifest.json) that Series Studio did not put there."""
        if self.folder.exists() and not self.folder.is_dir():
            raise SyncError(tr("{folder} is a file, not a folder; add a target with a "
                               "folder.").format(folder=self.folder))
        blocking = file_in_the_way(self.folder)
        if blocking is not None:
            raise SyncError(tr("{file} is a file, so the folder {folder} cannot be made inside "
                               "it; add a target with another folder.").format(
                file=blocking, folder=self.folder))
        old = self._manifest()
        if old is not None and old["remote_id"] != remote_id:
            title = old.get("collection", {}).get("title", "?")
            raise FolderTaken(tr("The folder {folder} already holds another collection "
                                 "('{title}'); add a target with another folder.").format(
                folder=self.folder, title=title), remote_id=str(old["remote_id"]),
                title=str(title), folder=str(self.folder))  # fmt: skip
        ours = self._placing(remote_id)  # what a stopped registration was placing
        if old is not None:
            files = [old.get("cover"), *(e.get("file") for e in old.get("episodes", [])
                                         if isinstance(e, dict))]  # fmt: skip
            ours |= {MANIFEST, *(str(f) for f in files if f)}
        for name in [MANIFEST, *names]:  # a manifest.json not ours may be a kit, or anything
            target = self.folder / name
            if (target.exists() or target.is_symlink()) and name not in ours:
                raise SyncError(tr("{folder} already has a file '{name}' that Series Studio did "
                                   "not write; publish to an empty folder, or move that "
                                   "file.").format(folder=self.folder, name=name))

    def _placing(self, remote_id: str) -> set[str]:
        try:
            data = json.loads(self.journal.read_text(encoding="utf-8"))
            if data["remote_id"] == remote_id:
                return {str(name) for name in data["files"]}
        except (OSError, ValueError, KeyError, TypeError):
            pass
        return set()

    def create_session(self, item: KitItem, sha256: str, key: str,
                       cancel: CancelToken | None) -> Session:  # fmt: skip
        done = self.store / key
        if not done.exists():
            Path(f"{done}.part").touch()
        return Session(str(done), key)

    def offset(self, session: Session, cancel: CancelToken | None) -> int:
        done, part = Path(session.url), Path(f"{session.url}.part")
        for path in (done, part):
            if path.exists():
                return path.stat().st_size
        raise UploadGone(tr("The partial copy in the folder is gone."))

    def send(self, session: Session, item: KitItem, progress: ProgressFn,
             cancel: CancelToken | None) -> int:  # fmt: skip
        done, part = Path(session.url), Path(f"{session.url}.part")
        if done.exists():
            return done.stat().st_size
        offset = self.offset(session, cancel)
        meter = SpeedMeter()
        with item.path.open("rb") as src, part.open("r+b") as dst:
            src.seek(offset)
            dst.seek(offset)
            dst.truncate()
            while block := src.read(MiB):
                if cancel is not None:
                    cancel.raise_if_cancelled()
                self.throttle.take(len(block), cancel)
                dst.write(block)
                offset += len(block)
                progress(TransferProgress(offset, item.size, meter.add(offset)))
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(part, done)
        return offset

    def discard(self, session: Session, cancel: CancelToken | None) -> None:
        for path in (Path(session.url), Path(f"{session.url}.part")):
            path.unlink(missing_ok=True)

    def _place(self, source: Path, dest: Path) -> None:
        if dest.exists() and os.path.samefile(source, dest):
            return
        tmp = dest.with_name(f".{dest.name}.tmp")
        tmp.unlink(missing_ok=True)
        try:
            os.link(source, tmp)
        except OSError:
            with source.open("rb") as src, tmp.open("wb") as dst:
                while block := src.read(MiB):
                    dst.write(block)
                dst.flush()
                os.fsync(dst.fileno())
        os.replace(tmp, dest)

    def register(self, remote_id: str, desired: DesiredCollection,
                 cancel: CancelToken | None) -> RemoteCollection:  # fmt: skip
        names = episode_file_names([ep.title for ep in desired.episodes])
        cover = ["cover.jpg"] if desired.cover_upload_id else []
        self._check(remote_id, names + cover)  # again: the folder may have changed meanwhile
        old = self._manifest() or {}
        entries = []
        for n, (name, ep) in enumerate(zip(names, desired.episodes, strict=True), 1):
            entries.append({"position": n, "id": ep.id, "title": ep.title, "file": name,
                            "duration_us": ep.duration_us, "size": ep.size,
                            "sha256": ep.sha256, "free_preview": ep.free_preview})  # fmt: skip
        files = self._files(desired, names)
        layout = {f.name: f.upload_id for f in files}  # file name -> upload id
        # The upload copies must hold the bytes the registration names: a placed file is
        # a hard link of its copy, so a file damaged in the folder damaged its copy too.
        since = self._manifest_mtime()
        bad = [f for f in files if not _intact(self.store / f.upload_id, f.size, f.sha256, since)]
        if bad:
            raise ServerRejected(
                tr("The copy of {file} kept in the folder is missing or damaged.").format(
                    file=bad[0].name),
                problems=[{"code": "checksum_mismatch", "episode": f.key} for f in bad])
        journal = self.journal.with_name(f".{self.journal.name}.tmp")
        journal.write_text(json.dumps({"remote_id": remote_id, "files": list(layout)}), "utf-8")
        os.replace(journal, self.journal)
        for name, upload_id in layout.items():
            if cancel is not None:
                cancel.raise_if_cancelled()
            self._place(self.store / upload_id, self.folder / name)
        for entry in old.get("episodes", []):
            name = entry.get("file") if isinstance(entry, dict) else None
            if plain_file_name(name) and name not in layout:  # never ../x, /home/...
                (self.folder / name).unlink(missing_ok=True)
        if old.get("cover") and "cover.jpg" not in layout:
            (self.folder / "cover.jpg").unlink(missing_ok=True)
        revision = desired.digest()[:16]
        manifest = {
            "format": KIT_FORMAT, "version": 1, "remote_id": remote_id, "revision": revision,
            "collection": {"id": remote_id, "title": desired.title,
                           "description": desired.description,
                           "price": (None if desired.price_minor is None else
                                     {"minor": desired.price_minor,
                                      "currency": desired.currency})},
            "cover": "cover.jpg" if desired.cover_upload_id else None,
            "episodes": entries, "desired": desired.to_json(),
        }  # fmt: skip
        tmp = self.folder / f".{MANIFEST}.tmp"
        tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
        os.replace(tmp, self.folder / MANIFEST)
        self.journal.unlink(missing_ok=True)
        return self._remote(manifest)

    def _manifest(self) -> dict | None:
        try:
            data = json.loads((self.folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) and data.get("remote_id") else None

    def _remote(self, manifest: dict) -> RemoteCollection:
        desired = DesiredCollection.from_json(manifest["desired"])
        return RemoteCollection(
            manifest["remote_id"], manifest["revision"], "ready", desired,
            tuple(RemoteEpisode(e.id, "ready") for e in desired.episodes),
            self.folder.as_uri())  # fmt: skip

    def fetch(self, remote_id: str, cancel: CancelToken | None) -> RemoteCollection | None:
        """What the folder holds; a file of it missing or damaged makes it ``damaged``
        (with no desired state, so that the engine registers, that is places, again)."""
        manifest = self._manifest()
        if manifest is None or manifest["remote_id"] != remote_id:
            return None
        remote = self._remote(manifest)
        assert remote.desired is not None
        names = [str(e.get("file", "")) for e in manifest.get("episodes", [])
                 if isinstance(e, dict)]  # fmt: skip
        if len(names) != len(remote.desired.episodes) or not all(map(plain_file_name, names)):
            return replace(remote, status="damaged", desired=None)
        since = self._manifest_mtime()
        bad = {f.key: f.name for f in self._files(remote.desired, names)
               if not _intact(self.folder / f.name, f.size, f.sha256, since)}  # fmt: skip
        if not bad:
            return remote
        return replace(remote, status="damaged", desired=None, episodes=tuple(
            RemoteEpisode(e.id, "damaged", (tr("{file} is missing from the folder or damaged; "
                                               "publish again to place it again.").format(
                file=bad[e.id]),)) if e.id in bad else e for e in remote.episodes))

    @staticmethod
    def _files(desired: DesiredCollection, names: list[str]) -> list[_Placed]:
        files = [_Placed(name, ep.id, ep.upload_id, ep.size, ep.sha256)
                 for name, ep in zip(names, desired.episodes, strict=True)]  # fmt: skip
        if desired.cover_upload_id:
            files.append(_Placed("cover.jpg", COVER, desired.cover_upload_id, None,
                                 desired.cover_sha256))  # fmt: skip
        return files

    def _manifest_mtime(self) -> int | None:
        try:
            return (self.folder / MANIFEST).stat().st_mtime_ns if self._manifest() else None
        except OSError:
            return None

    def close(self) -> None:
        pass


class SeriesApiAdapter:
    """The Series Platform API: tus uploads and desired-state registration."""

    kind: ClassVar[str] = SERIES_API
    idempotent_create: ClassVar[bool] = True  # the API honours Idempotency-Key

    def __init__(self, api: SeriesApi, tus: TusClient, http: httpx.Client) -> None:
        self.api, self.tus, self.http = api, tus, http

    def prepare(self, remote_id: str, kit: Kit, cancel: CancelToken | None) -> None:
        self.api.me(cancel)
        self.tus.capabilities(self.api.uploads_url, cancel)

    def create_session(self, item: KitItem, sha256: str, key: str,
                       cancel: CancelToken | None) -> Session:  # fmt: skip
        meta = {"filename": item.path.name, "filetype": item.content_type, "sha256": sha256,
                "item": item.key}  # fmt: skip
        up = self.tus.create(self.api.uploads_url, item.size, meta, idempotency_key=key,
                             cancel=cancel)  # fmt: skip
        expires = up.expires.isoformat() if up.expires else None
        return Session(up.url, up.url.rstrip("/").rsplit("/", 1)[-1], up.offset, expires)

    def offset(self, session: Session, cancel: CancelToken | None) -> int:
        return self.tus.head(session.url, cancel).offset

    def send(self, session: Session, item: KitItem, progress: ProgressFn,
             cancel: CancelToken | None) -> int:  # fmt: skip
        return self.tus.send(session.url, item.path, progress=progress, cancel=cancel).offset

    def discard(self, session: Session, cancel: CancelToken | None) -> None:
        self.tus.terminate(session.url, cancel)

    def register(self, remote_id: str, desired: DesiredCollection,
                 cancel: CancelToken | None) -> RemoteCollection:  # fmt: skip
        return self.api.put_collection(remote_id, desired, cancel)

    def fetch(self, remote_id: str, cancel: CancelToken | None) -> RemoteCollection | None:
        return self.api.get_collection(remote_id, cancel)

    def close(self) -> None:
        self.http.close()


def series_api_auth(target: TargetRecord, vault: Vault, http: httpx.Client) -> TargetAuth:
    """The target's token source, refreshing through the server's token endpoint."""
    client_id = (target.options or {}).get("client_id") or "series-studio-desktop"
    config: list = []

    def refresher(refresh_token: str):
        if not config:
            config.append(discover(http, target.location, client_id, target.name))
        return refresh_tokens(http, config[0], refresh_token)

    return TargetAuth(vault, target.name, refresher)


def http_client(settings: SyncSettings) -> httpx.Client:
    t = settings.timeout
    return httpx.Client(timeout=httpx.Timeout(t, connect=min(t, settings.connect_timeout)),
                        limits=httpx.Limits(max_connections=8, max_keepalive_connections=4),
                        follow_redirects=False)  # fmt: skip


def _open_folder(target: TargetRecord, vault: Vault, settings: SyncSettings) -> Adapter:
    return FolderAdapter(target.location, Throttle(settings.bandwidth))


def _open_series_api(target: TargetRecord, vault: Vault, settings: SyncSettings) -> Adapter:
    vault.check()
    http = http_client(settings)
    auth = series_api_auth(target, vault, http)
    api = SeriesApi(target.location, http, auth, settings.retry, settings.on_wait)
    tus = TusClient(http, auth=auth, chunk_size=settings.chunk_size, checksum=settings.checksum,
                    throttle=Throttle(settings.bandwidth), retry=settings.retry,
                    on_wait=settings.on_wait)  # fmt: skip
    return SeriesApiAdapter(api, tus, http)


KINDS: dict[str, Callable[[TargetRecord, Vault, SyncSettings], Adapter]] = {
    FOLDER: _open_folder,
    SERIES_API: _open_series_api,
}


def open_adapter(target: TargetRecord, vault: Vault, settings: SyncSettings) -> Adapter:
    try:
        opener = KINDS[target.kind]
    except KeyError:
        raise SyncError(tr("Target '{name}' is of an unknown kind '{kind}'.").format(
            name=target.name, kind=target.kind)) from None
    return opener(target, vault, settings)


def check_target(kind: str, location: str) -> str:
    """The location normalised for ``kind``; SyncError when it cannot be right."""
    if kind not in KINDS:
        raise SyncError(tr("Unknown target kind '{kind}'; use one of: {kinds}.").format(
            kind=kind, kinds=", ".join(sorted(KINDS))))
    if kind == SERIES_API:
        url = httpx.URL(location)
        loopback = url.host in ("127.0.0.1", "localhost", "::1")
        if url.scheme not in ("https", "http") or not url.host or (
                url.scheme == "http" and not loopback):  # fmt: skip
            raise SyncError(tr("The address must start with https:// (plain http only for "
                               "127.0.0.1): {url}").format(url=location))
        return str(url).rstrip("/")
    path = Path(location).expanduser().resolve()
    if path.exists() and not path.is_dir():
        raise SyncError(tr("{path} is a file, not a folder; give a folder to publish into (it "
                           "is made if it does not exist yet).").format(path=path))
    blocking = file_in_the_way(path)
    if blocking is not None:
        raise SyncError(tr("{file} is a file, so there can be no folder {path} inside it; give "
                           "another folder.").format(file=blocking, path=path))
    return str(path)


def check_target_name(name: str) -> None:
    """SyncError when ``name`` cannot name a target (blank: nothing could select it)."""
    if not name.strip():
        raise SyncError(tr("A target needs a name, e.g. studio targets add usb "
                           "/media/usb/Walks."))


def file_in_the_way(folder: Path) -> Path | None:
    """The nearest existing parent of ``folder`` when it is a file (so that ``folder`` can
    never be made), else None."""
    for parent in folder.parents:
        if parent.exists():
            return None if parent.is_dir() else parent
    return None


def same_folder(kind: str, location: str, targets: list[TargetRecord],
                name: str | None = None) -> TargetRecord | None:  # fmt: skip
    """Another folder target (not called ``name``) that publishes into ``location``.

    A folder holds one collection: two targets on it would take turns refusing each
    other's publishes. Platform targets may share an address (two accounts)."""
    if kind != FOLDER:
        return None
    here = Path(location).expanduser().resolve()
    for t in targets:
        if t.kind == FOLDER and t.name != name and \
                Path(t.location).expanduser().resolve() == here:  # fmt: skip
            return t
    return None
