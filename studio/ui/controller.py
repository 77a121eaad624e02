"""The open collection and every edit the window makes to it.

Widgets call these methods and listen to the signals; they hold no business
logic. Edits go through the undo stack (one committed transaction each);
imports run on the "db" lane with their own library connection, so the
window stays responsive and a crash loses only the file being added.
"""

from __future__ import annotations

import sqlite3
import traceback
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QUndoStack

from studio import actions, relink
from studio.app import AppContext
from studio.domain.errors import NotFound, UserError
from studio.domain.models import Collection, CollectionView, Episode
from studio.domain.profiles import load_profile
from studio.domain.rules import Problem, check
from studio.domain.timecode import TimeRange
from studio.editor.cut_points import snap_trim
from studio.store.library import Library
from studio.tasks import Progress
from studio.ui import commands
from studio.ui.operations import Op, Task, TaskManager


class StudioController(QObject):
    collectionsChanged = Signal()  # the list of collections (titles, counts)
    collectionOpened = Signal(object)  # CollectionView, or None when none is open
    collectionEdited = Signal(object)  # Collection metadata changed
    episodesChanged = Signal(object)  # CollectionView: order, count or any episode changed
    episodeEdited = Signal(str)  # one episode's fields (trim, title, flags)
    problemsChanged = Signal(list)  # list[Problem]
    importResult = Signal(object)  # actions.AddResult, one per file, as they come
    importFinished = Signal(int, int)  # added, failed
    newVersionAccepted = Signal(object)  # relink.NewVersion, once its episodes use it
    newVersionFailed = Signal(str, str)  # episode id, why the new version cannot be used

    def __init__(self, ctx: AppContext, tasks: TaskManager, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tasks = tasks
        self.undo = QUndoStack(self)
        self.view: CollectionView | None = None
        self.problems: list[Problem] = []
        self.import_task: Task | None = None
        self._file_check: Task | None = None  # the background look at the files
        # While files stream in, the list refreshes at most every 200 ms, not per file.
        self._refresh_timer = QTimer(self, singleShot=True, interval=200)
        self._refresh_timer.timeout.connect(self.episodes_edited)
        # Back from the editor where a clip was re-exported: look at the files again.
        app = QCoreApplication.instance()
        self._watching_app = isinstance(app, QGuiApplication)
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._application_state)
        # What the command line (or another window) commits to the library is shown
        # within two seconds: SQLite's data_version moves with every other connection's
        # commit, and reading it costs next to nothing.
        self._data_version = self._library_version()
        self._watch = QTimer(self, interval=2000)
        self._watch.timeout.connect(self.reload_if_changed_elsewhere)
        self._watch.start()

    # ------------------------------------------------------------ collections
    @property
    def collection(self) -> Collection | None:
        return self.view.collection if self.view else None

    def collections(self) -> list[Collection]:
        return self.ctx.library.collections()

    def open_collection(self, collection_id: str | None) -> None:
        if collection_id is None:
            self.view = None
        else:
            self.view = self.ctx.library.view(collection_id)
            if self._check_files(list(self.view.media)):  # once, when it opens
                self.view = self.ctx.library.view(collection_id)
        self.undo.clear()
        self.collectionOpened.emit(self.view)
        self._recheck()

    def new_collection(self, title: str) -> Collection:
        c = self.ctx.library.create_collection(title.strip() or self.tr("Untitled collection"))
        self.collectionsChanged.emit()
        self.open_collection(c.id)
        return c

    def duplicate_collection(self, collection_id: str) -> Collection:
        src = self.ctx.library.collection(collection_id)
        c = self.ctx.library.duplicate_collection(
            collection_id, self.tr("{0} (copy)").format(src.title))
        self.collectionsChanged.emit()
        self.open_collection(c.id)
        return c

    def delete_collection(self, collection_id: str) -> None:
        self.ctx.library.delete_collection(collection_id)
        if self.collection and self.collection.id == collection_id:
            self.open_collection(None)
        self.collectionsChanged.emit()

    # ------------------------------------------------------------ edits
    def _refresh_view(self) -> None:
        if self.view is not None:
            self.view = self.ctx.library.view(self.view.collection.id)

    def collection_edited(self) -> None:
        self._refresh_view()
        if self.view:
            self.collectionEdited.emit(self.view.collection)
        self.collectionsChanged.emit()
        self._recheck()

    def episodes_edited(self) -> None:
        self._refresh_view()
        self.episodesChanged.emit(self.view)
        self.collectionsChanged.emit()
        self._recheck()

    def episode_edited(self, episode_id: str) -> None:
        self._refresh_view()
        self.episodeEdited.emit(episode_id)
        self.collectionsChanged.emit()  # a trim changes the collection's length in the list
        self._recheck()

    def episode(self, episode_id: str) -> Episode:
        return self.ctx.library.episode(episode_id)

    def set_trim(self, episode_id: str, start: int, end: int) -> None:
        ep = self.episode(episode_id)
        media = self.ctx.library.media(ep.media_fingerprint)
        length = media.info.duration if media else end
        start, end = max(0, start), min(end, length)
        if end <= start:
            raise UserError(self.tr("The in point must come before the out point."))
        if media is not None and Path(media.path).is_file():
            snapped = snap_trim(media.path, media.info, TimeRange(start, end))
            start, end = snapped.start, snapped.end
        if (start, end) != (ep.trim.start, ep.trim.end):
            self.undo.push(commands.SetTrim(self, ep, TimeRange(start, end)))

    def set_in(self, episode_id: str, t: int) -> None:
        ep = self.episode(episode_id)
        self.set_trim(episode_id, t, ep.trim.end)

    def set_out(self, episode_id: str, t: int) -> None:
        ep = self.episode(episode_id)
        self.set_trim(episode_id, ep.trim.start, t)

    def set_episode_title(self, episode_id: str, title: str) -> None:
        ep = self.episode(episode_id)
        if title != ep.title:
            self.undo.push(commands.SetEpisodeFields(
                self, ep, self.tr("Rename episode {0}").format(ep.position), title=title))

    def set_free_preview(self, episode_id: str, free: bool) -> None:
        ep = self.episode(episode_id)
        if free != ep.free_preview:
            self.undo.push(commands.SetEpisodeFields(
                self, ep, self.tr("Change free preview"), free_preview=free))

    def set_collection_fields(self, **fields: str) -> None:
        """title / description / price / currency as typed; raises UserError when invalid."""
        old = self.collection
        if old is None:
            return
        new = actions.validated_collection(old, **fields)
        if new != old:
            self.undo.push(commands.SetCollection(self, old, new, self.tr("Edit collection")))

    def reorder(self, ids: list[str]) -> None:
        if self.view is None:
            return
        old = [e.id for e in self.view.episodes]
        if ids != old:
            self.undo.push(commands.Reorder(self, self.view.collection.id, old, ids))

    def move_episodes(self, ids: list[str], row: int) -> None:
        """Move the episodes ``ids`` (in their current order) to land before ``row``."""
        if self.view is None:
            return
        order = [e.id for e in self.view.episodes]
        moving = [i for i in order if i in set(ids)]
        before = sum(1 for i in order[:row] if i in set(ids))
        rest = [i for i in order if i not in set(ids)]
        at = max(0, min(len(rest), row - before))
        self.reorder(rest[:at] + moving + rest[at:])

    def remove_episodes(self, ids: list[str]) -> None:
        if not ids:
            return
        eps = [self.episode(i) for i in ids]
        self.undo.push(commands.RemoveEpisodes(self, eps))

    # ------------------------------------------------------------ media files
    def _check_files(self, fingerprints: list[str]) -> bool:
        """Flag those of the open collection's files that are gone or hold other content (a
        clip re-exported in place), so that no cache of the old content is used for the new
        one. One ``stat`` per file; a file is hashed only when its time changed. Runs here,
        on the GUI thread: give it one file, not the collection. Returns whether a flag
        changed."""
        if self.view is None:
            return False
        before = {fp: (self.view.media[fp].missing, self.view.media[fp].path)
                  for fp in fingerprints if fp in self.view.media}  # fmt: skip
        try:
            actions.refresh_media_status(self.ctx.library, before)
        except OSError:
            return False  # unreadable now; the file's own problem shows when it is used
        now = {fp: (m.missing, m.path) for fp in before
               if (m := self.ctx.library.media(fp)) is not None}  # fmt: skip
        return now != before

    def refresh_media(self, first: str | None = None) -> None:
        """Look at the open collection's files again; refresh the window if one changed.

        ``first`` (the selected episode's file) is looked at here and now, so that a file
        deleted a moment ago is said as the episode shows; the others on a worker (one
        ``stat`` each on a slow network share would stall the window), and the window is
        refreshed when that finds a change."""
        if self.view is None:
            return
        if first is not None and self._check_files([first]):
            self.episodes_edited()
        rest = [fp for fp in self.view.media if fp != first]
        if rest:
            self._check_in_background(rest)

    def _check_in_background(self, fingerprints: list[str]) -> None:
        if self._file_check is not None:
            self._file_check.cancel()  # a newer look replaces it
        assert self.view is not None
        path, collection_id = self.ctx.library_path, self.view.collection.id
        # The path too: the library may move a media onto a copy of the same clip.
        before = {fp: (self.view.media[fp].missing, self.view.media[fp].path)
                  for fp in fingerprints}  # fmt: skip

        def work(job) -> dict[str, tuple[bool, str]]:
            """On the "db" worker, with its own connection; never touches widgets."""
            now: dict[str, tuple[bool, str]] = {}
            with Library.open(path, check=False) as lib:
                for fp in fingerprints:
                    job.raise_if_cancelled()
                    try:
                        actions.refresh_media_status(lib, [fp])
                    except OSError:
                        continue  # unreadable now; its own problem shows when it is used
                    if (m := lib.media(fp)) is not None:
                        now[fp] = (m.missing, m.path)
            return now

        def done(now: dict[str, tuple[bool, str]]) -> None:
            self._file_check = None
            if self.view is None or self.view.collection.id != collection_id:
                return  # another collection is open now: this result is late
            if any(now[fp] != was for fp, was in before.items() if fp in now):
                self.episodes_edited()

        def failed(exc: BaseException) -> None:
            self._file_check = None  # e.g. the library file is busy: the next look retries

        self._file_check = Op(work, self.tr("Checking the files"), lane="db").success(
            done).failure(failed).run(self.tasks)

    def _application_state(self, state: Qt.ApplicationState) -> None:
        if self._watching_app and state == Qt.ApplicationState.ApplicationActive:
            self.reload_if_changed_elsewhere()
            self.refresh_media()

    # ------------------------------------------------------------ changes made elsewhere
    def _library_version(self) -> int | None:
        try:
            return self.ctx.library.conn.execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.Error:
            return None

    def reload_if_changed_elsewhere(self) -> bool:
        """Show what another connection committed (``studio add`` or ``studio set`` while
        the window is open, this app's own workers). Edits made here only ever write the
        fields they change (commands.py), so nothing typed elsewhere is overwritten."""
        version = self._library_version()
        if version is None or version == self._data_version:
            return False
        self._data_version = version
        if self.view is not None:
            try:
                self.view = self.ctx.library.view(self.view.collection.id)
            except NotFound:  # deleted elsewhere
                self.open_collection(None)
                self.collectionsChanged.emit()
                return True
            self.collectionEdited.emit(self.view.collection)
            self.episodesChanged.emit(self.view)
            self._recheck()
        self.collectionsChanged.emit()
        return True

    def accept_new_version(self, episode_id: str) -> Task:
        """Use the file now at the episode's path as its new version (undoable).

        The file is read on a worker; the edit is one transaction on this thread.
        Emits newVersionAccepted, or newVersionFailed with the reason."""
        path = self.ctx.library_path
        ep = self.episode(episode_id)
        media = self.ctx.library.media(ep.media_fingerprint)
        name = Path(media.path).name if media else ep.title

        def work(job) -> relink.NewVersion:
            with Library.open(path, check=False) as lib:
                return relink.plan_new_version(lib, lib.episode(episode_id))

        def done(plan: relink.NewVersion) -> None:
            self.undo.push(commands.AcceptNewVersion(self, plan))
            self.newVersionAccepted.emit(plan)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, UserError):
                self.newVersionFailed.emit(episode_id, str(exc))
            else:
                self.newVersionFailed.emit(episode_id, "")
                self.tasks.report(exc, "".join(traceback.format_exception(exc)))

        return Op(work, self.tr("Reading the new version of {0}").format(name)).success(
            done).failure(failed).run(self.tasks)

    # ------------------------------------------------------------ checks
    def _recheck(self) -> None:
        if self.view is None:
            self.problems = []
        else:
            self.problems = check(self.view, load_profile(self.view.collection.profile))
        self.problemsChanged.emit(self.problems)

    # ------------------------------------------------------------ import
    def import_paths(self, paths: list[str | Path]) -> Task | None:
        """Add files and folders to the open collection on a worker; results stream back."""
        if self.view is None or not paths:
            return None
        collection = self.view.collection
        library_path = self.ctx.library_path
        counts = {"added": 0, "failed": 0}

        def work(job) -> None:
            with Library.open(library_path, check=False) as lib:
                actions.add_files(lib, collection, paths, on_result=job.send,
                                  progress=job.progress, cancel=job.token)  # fmt: skip

        def on_result(r: actions.AddResult) -> None:
            counts["added" if r.ok else "failed"] += 1
            if r.ok and not self._refresh_timer.isActive():
                self._refresh_timer.start()
            self.importResult.emit(r)

        def finished(*_: object) -> None:
            self.import_task = None
            self._refresh_timer.stop()
            self.episodes_edited()
            self.importFinished.emit(counts["added"], counts["failed"])

        op = Op(work, self.tr("Importing clips"), lane="db").partial(on_result)
        self.import_task = op.success(finished).cancelled(finished).failure(
            lambda exc: (finished(), self.tasks.report(exc))).run(self.tasks)
        return self.import_task

    def shutdown(self) -> None:
        """The window is closing: no more refreshes from the library."""
        self._refresh_timer.stop()
        self._watch.stop()
        app = QCoreApplication.instance()
        if self._watching_app and isinstance(app, QGuiApplication):
            # a closed window no longer looks at the files when the app comes back
            app.applicationStateChanged.disconnect(self._application_state)
        self._watching_app = False

    def progress_label(self, p: Progress) -> str:
        return f"{int(p.done)}/{int(p.total or 0)} {p.label}"
