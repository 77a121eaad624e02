"""The main window: library, episode list, player, trim timeline, inspector, checks.

Composition and wiring only: edits go to the controller, long work to the
task manager, media data to the media loader.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from studio import __version__, actions, covers, relink
from studio.app import AppContext
from studio.domain.errors import UserError
from studio.domain.rules import Problem
from studio.domain.timecode import format_timecode
from studio.store.library import Library
from studio.ui import commands, file_dialogs
from studio.ui.checks_panel import ChecksPanel
from studio.ui.controller import StudioController
from studio.ui.episode_list import EpisodeList, EpisodeModel
from studio.ui.import_panel import ImportProblemsPanel
from studio.ui.inspector import Inspector, InspectorScroll
from studio.ui.library_panel import LibraryPanel
from studio.ui.media_loader import MediaLoader
from studio.ui.operations import Op, TaskManager
from studio.ui.player import Player
from studio.ui.sync_badges import SyncBadges
from studio.ui.task_view import TaskIndicator
from studio.ui.timeline import TrimTimeline

VIDEO_FILTER = "*.mp4 *.m4v *.mov *.mkv *.webm *.avi *.mts *.m2ts *.ts *.3gp *.mpg *.mpeg *.wmv"


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, *, use_multimedia: bool | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.tasks = TaskManager(self)
        self.controller = StudioController(ctx, self.tasks, self)
        self.loader = MediaLoader(self.tasks, self)
        self._shown: tuple | None = None  # (episode, fingerprint, path, playable) on screen
        self._quiet = False  # the selection is being put back after a model reset
        self.setObjectName("MainWindow")
        self.setAcceptDrops(True)
        self.resize(1400, 900)

        # widgets
        self.library = LibraryPanel(self.controller)
        self.model = EpisodeModel(self)
        self.badges = SyncBadges(ctx.library, ctx.library_path, self.tasks, self.model, self)
        self.badges.collectionChanged.connect(self._collection_changed_here)
        self.episodes = EpisodeList()
        self.episodes.setModel(self.model)
        self.player = Player(use_multimedia=use_multimedia)
        self.timeline = TrimTimeline()
        self.inspector = Inspector(self.controller)
        self.checks = ChecksPanel()
        self.import_problems = ImportProblemsPanel()
        self.ready = QLabel()
        self.ready.setAccessibleName(self.tr("Publishing status"))
        self.task_indicator = TaskIndicator(self.tasks)

        top = QSplitter(Qt.Orientation.Horizontal)
        top.setObjectName("TopSplitter")
        top.addWidget(self.episodes)
        top.addWidget(self.player)
        top.setStretchFactor(1, 2)
        top.setSizes([380, 700])
        center = QSplitter(Qt.Orientation.Vertical)
        center.setObjectName("CenterSplitter")
        center.addWidget(top)
        center.addWidget(self.timeline)
        center.setStretchFactor(0, 3)
        center.setSizes([600, 190])
        self.splitters = [top, center]
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(center)
        self.setCentralWidget(holder)
        self.library_dock = self._dock(self.tr("Library"), "LibraryDock", self.library,
                                       Qt.DockWidgetArea.LeftDockWidgetArea)  # fmt: skip
        self.inspector_dock = self._dock(self.tr("Inspector"), "InspectorDock",
                                         InspectorScroll(self.inspector),
                                         Qt.DockWidgetArea.RightDockWidgetArea)  # fmt: skip
        self.bottom_tabs = QTabWidget()
        self.bottom_tabs.addTab(self.checks, self.tr("Checks"))
        self.bottom_tabs.addTab(self.import_problems, self.tr("Import problems"))
        self.checks_dock = self._dock(self.tr("Checks"), "ChecksDock", self.bottom_tabs,
                                      Qt.DockWidgetArea.BottomDockWidgetArea)  # fmt: skip
        self.statusBar().addPermanentWidget(self.task_indicator)
        self.read_only_badge = QLabel(self.tr("Read-only"))
        self.read_only_badge.setObjectName("ReadOnlyBadge")
        self.read_only_badge.setStyleSheet("QLabel#ReadOnlyBadge { color: #c62828; "
                                           "font-weight: bold; padding: 0 6px; }")
        self.statusBar().addPermanentWidget(self.read_only_badge)
        self.statusBar().addPermanentWidget(self.ready)
        self.resizeDocks([self.checks_dock], [170], Qt.Orientation.Vertical)
        self.resizeDocks([self.library_dock, self.inspector_dock], [240, 330],
                         Qt.Orientation.Horizontal)  # fmt: skip
        self._make_actions()
        self._wire()
        self._update_title()
        problem = Player.backend_problem() if use_multimedia is not False else None
        read_only = self.controller.ctx.library.read_only_reason
        self.read_only_badge.setVisible(read_only is not None)
        self.read_only_badge.setToolTip(read_only or "")
        if read_only:
            self.statusBar().showMessage(read_only)  # until something else is said
            self._make_read_only(read_only)
        elif problem:
            self.statusBar().showMessage(problem)
        self.restore_state()

    # ------------------------------------------------------------------ layout
    def _dock(self, title: str, name: str, widget: QWidget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable |
                         QDockWidget.DockWidgetFeature.DockWidgetClosable)  # fmt: skip
        self.addDockWidget(area, dock)
        return dock

    def _action(self, text: str, slot, shortcut=None, tip: str | None = None) -> QAction:
        a = QAction(text, self)
        if shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        label = tip or text.replace("&", "").rstrip("…")
        if shortcut is not None:
            label = f"{label} ({a.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
        a.setToolTip(label)
        a.setStatusTip(label)
        a.triggered.connect(slot)
        self.addAction(a)
        return a

    def _make_actions(self) -> None:
        m = self.menuBar()
        file = m.addMenu(self.tr("&File"))
        self.new_action = self._action(self.tr("&New collection…"), self.library.new_collection,
                                       QKeySequence.StandardKey.New)  # fmt: skip
        self.import_action = self._action(self.tr("&Import clips…"), self.import_dialog,
                                          "Ctrl+I")  # fmt: skip
        self.import_folder_action = self._action(self.tr("Import a &folder…"),
                                                 self.import_folder_dialog, "Ctrl+Shift+I")
        self.archive_action = self._action(self.tr("Import an &archive…"),
                                           self.import_archive_dialog, "Ctrl+Shift+A",
                                           self.tr("Import a YouTube Takeout or an Instagram "
                                                   "export"))  # fmt: skip
        self.export_action = self._action(self.tr("&Export…"), self.export_dialog, "Ctrl+E")
        self.publish_action = self._action(self.tr("&Publish…"), self.publish_dialog,
                                           "Ctrl+Shift+P",
                                           self.tr("Upload the collection to a platform"))
        self.settings_action = self._action(self.tr("&Settings…"), self.settings_dialog,
                                            QKeySequence.StandardKey.Preferences)  # fmt: skip
        self.quit_action = self._action(self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit)
        for a in (self.new_action, self.import_action, self.import_folder_action,
                  self.archive_action, None, self.export_action, self.publish_action, None,
                  self.settings_action, None, self.quit_action):
            file.addSeparator() if a is None else file.addAction(a)  # fmt: skip
        edit = m.addMenu(self.tr("&Edit"))
        self.undo_action = self.controller.undo.createUndoAction(self, self.tr("&Undo"))
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.controller.undo.createRedoAction(self, self.tr("&Redo"))
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        self.remove_action = self._action(self.tr("&Remove episodes"), self.remove_selected)
        edit.addAction(self.undo_action)
        edit.addAction(self.redo_action)
        edit.addSeparator()
        edit.addAction(self.remove_action)
        play = m.addMenu(self.tr("&Playback"))
        p = self.player
        self.set_in_action = self._action(self.tr("Set in point"), self.set_in_here, "I")
        self.set_out_action = self._action(self.tr("Set out point"), self.set_out_here, "O")
        self.cover_action = self._action(self.tr("Use this frame as the cover"),
                                         self.cover_from_playhead)  # fmt: skip
        self.play_actions = [
            self._action(self.tr("Play / pause"), p.toggle_play, "Space"),
            self._action(self.tr("Play backwards"), lambda: p.shuttle(-1), "J"),
            self._action(self.tr("Pause"), lambda: p.shuttle(0), "K"),
            self._action(self.tr("Play forwards"), lambda: p.shuttle(1), "L"),
            self._action(self.tr("Previous frame"), lambda: p.step(-1), "Left"),
            self._action(self.tr("Next frame"), lambda: p.step(1), "Right"),
            self._action(self.tr("Back one second"), lambda: self._jump(-1_000_000), "Shift+Left"),
            self._action(self.tr("Forward one second"), lambda: self._jump(1_000_000),
                         "Shift+Right"),  # fmt: skip
            self._action(self.tr("Go to start"), lambda: self._seek(0), "Home"),
            self._action(self.tr("Go to end"), self._go_end, "End"),
            None,
            self.set_in_action,
            self.set_out_action,
            self._action(self.tr("Go to in point"), self.go_to_in, "Shift+I"),
            self._action(self.tr("Go to out point"), self.go_to_out, "Shift+O"),
            self._action(self.tr("Play the trimmed range"), self.play_range, "/"),
            None,
            self.cover_action,
        ]
        for a in self.play_actions:
            play.addSeparator() if a is None else play.addAction(a)  # fmt: skip
        view = m.addMenu(self.tr("&View"))
        for dock in (self.library_dock, self.inspector_dock, self.checks_dock):
            view.addAction(dock.toggleViewAction())
        view.addSeparator()
        view.addAction(self._action(self.tr("Zoom timeline in"), self.timeline.zoom_in, "+"))
        view.addAction(self._action(self.tr("Zoom timeline out"), self.timeline.zoom_out, "-"))
        view.addAction(self._action(self.tr("Fit the timeline"), self.timeline.zoom_to_fit))
        help_ = m.addMenu(self.tr("&Help"))
        help_.addAction(self._action(self.tr("&Keyboard shortcuts"), self.show_shortcuts, "F1"))
        help_.addAction(self._action(self.tr("&About Series Studio"), self.show_about))

    def _wire(self) -> None:
        c = self.controller
        self.library.collectionChosen.connect(c.open_collection)
        c.collectionOpened.connect(self._collection_opened)
        c.episodesChanged.connect(self._episodes_changed)
        c.episodeEdited.connect(self._episode_edited)
        c.collectionEdited.connect(self._collection_edited)
        c.problemsChanged.connect(self._problems)
        c.importResult.connect(self.import_problems.add)
        c.importFinished.connect(self._import_finished)
        self.episodes.selectionModel().selectionChanged.connect(self._selection_changed)
        self.episodes.removeRequested.connect(c.remove_episodes)
        self.model.reorderRequested.connect(c.move_episodes)
        self.loader.posterReady.connect(self._poster)
        self.loader.timelineData.connect(self._timeline_data)
        self.loader.filmstripReady.connect(self._filmstrip)
        self.loader.waveformReady.connect(self._waveform)
        self.player.positionChanged.connect(self.timeline.set_playhead)
        self.player.statusMessage.connect(lambda m: self.statusBar().showMessage(m, 8000))
        self.timeline.seekRequested.connect(self.player.seek)
        self.timeline.trimEdited.connect(self._trim_from_timeline)
        self.checks.problemActivated.connect(self.go_to_problem)
        self.tasks.errorOccurred.connect(self.show_error)
        ci = self.inspector.collection_page
        self.inspector.episode_page.coverFromPlayhead.connect(self.cover_from_playhead)
        ci.coverFromImage.connect(self.cover_from_image)
        ci.coverSuggest.connect(self.cover_suggest)
        self.inspector.episode_page.relinkRequested.connect(self.relink)
        self._save_timer = QTimer(self, singleShot=True, interval=500)
        self._save_timer.timeout.connect(self.save_state)
        self.player.positionChanged.connect(lambda _t: self._save_timer.start())

    # ------------------------------------------------------------------ state
    def _update_title(self) -> None:
        c = self.controller.collection
        title = f"{c.title} — Series Studio" if c else f"Series Studio {__version__}"
        if self.controller.ctx.library.read_only:
            title += " " + self.tr("(read-only)")
        self.setWindowTitle(title)
        has = c is not None
        writable = not self.controller.ctx.library.read_only
        for a in (self.import_action, self.import_folder_action, self.archive_action,
                  self.publish_action):  # fmt: skip
            a.setEnabled(has and writable)
        self.export_action.setEnabled(has)  # an export only reads the library

    def _make_read_only(self, why: str) -> None:
        """The library cannot be written (a read-only disk): everything that would write to
        it is off, with why in its tooltip; watching, playing and exporting stay."""
        tip = self.tr("The library is read-only: {0}").format(why)
        for a in (self.new_action, self.import_action, self.import_folder_action,
                  self.archive_action, self.publish_action, self.remove_action,
                  self.set_in_action, self.set_out_action, self.cover_action):  # fmt: skip
            a.setEnabled(False)
            a.setToolTip(tip)
            a.setStatusTip(tip)
        self.setAcceptDrops(False)
        self.library.set_read_only(tip)
        self.inspector.set_read_only(tip)
        self.episodes.set_read_only(True)
        self.timeline.editable = False

    def _collection_opened(self, view) -> None:
        self.model.set_view(view)
        self._show_current()
        self._update_title()
        self.library.select(view.collection.id if view else None)
        if view is None:
            return
        self.loader.load_posters(view)
        self.refresh_sync_badges()
        self.save_state()

    def _update_model(self, view) -> None:
        """The rows follow ``view``; the selection stays, without a selection signal."""
        selected = self.episodes.selected_ids()
        if self.model.update_view(view):
            return
        self._quiet = True
        try:
            self.episodes.select_ids(selected)
        finally:
            self._quiet = False

    def _episodes_changed(self, view) -> None:
        self._update_model(view)
        self.badges.compare(view)
        self.model.set_problems(self.controller.problems)
        if view is not None:
            self.loader.load_posters(view)
        self._show_current()

    def _episode_edited(self, episode_id: str) -> None:
        view = self.controller.view
        self._update_model(view)
        self.badges.compare(view)
        self.model.set_problems(self.controller.problems)
        self._show_current()
        if view is not None:
            self.loader.load_posters(view)

    def _collection_edited(self, collection) -> None:
        self.inspector.collection_page.show_collection(collection)
        self._update_title()
        self.badges.compare(self.controller.view)

    def _problems(self, problems: list[Problem]) -> None:
        self.checks.set_problems(problems, collection_open=self.controller.view is not None)
        self.model.set_problems(problems)
        text = self.checks.summary_text(problems)
        ok = not any(p.severity == "error" for p in problems)
        color = "#2e7d32" if ok else "#c62828"
        self.ready.setText(f"<b style='color:{color}'>{text}</b>" if self.controller.view else "")

    def current_episode_id(self) -> str | None:
        ids = self.episodes.selected_ids()
        return ids[0] if len(ids) == 1 else None

    def _selection_changed(self, *_args) -> None:
        if self._quiet:
            return
        eid, view = self.current_episode_id(), self.controller.view
        ep = next((e for e in view.episodes if e.id == eid), None) if view and eid else None
        if ep is not None:
            # A file deleted or exported again since the last look is said now, not at
            # the next start (refreshes the window through episodesChanged when it was):
            # the selected episode's file at once, the others' on a worker.
            self.controller.refresh_media(first=ep.media_fingerprint)
        self._show_current()

    def _show_current(self) -> None:
        """Inspector, player and timeline follow the selection. The clip is loaded again only
        when the episode or its file changed: an edit of its trim or fields (here, by undo or
        from the command line) keeps the playhead, playback and the timeline's zoom."""
        eid = self.current_episode_id()
        view = self.controller.view
        ep = next((e for e in view.episodes if e.id == eid), None) if view else None
        if ep is None:
            if self._shown is not None:
                self._shown = None
                self.loader.clear_episode()
                self.player.unload()
                self.timeline.set_media(0, None)
            if view is None:
                self.inspector.setCurrentWidget(self.inspector.empty)
            else:
                self.inspector.collection_page.show_collection(view.collection)
                self.inspector.setCurrentWidget(self.inspector.collection_page)
            return
        media = view.media.get(ep.media_fingerprint)
        self.inspector.episode_page.show_episode(ep, media, view.collection.profile)
        self.inspector.setCurrentWidget(self.inspector.episode_page)
        playable = media is not None and not media.missing and Path(media.path).is_file()
        self.inspector.episode_page.cover_here.setEnabled(
            playable and not self.controller.ctx.library.read_only)
        shown = (ep.id, ep.media_fingerprint, media.path if media else "", playable)
        if shown == self._shown:  # the same clip: only the trim (or a field) changed
            self.timeline.set_trim(ep.trim.start, ep.trim.end)
            self.player.set_range(ep.trim.start, ep.trim.end)
            return
        self._shown = shown
        self.loader.clear_episode()
        if media is None:
            self.player.unload(self.tr("This episode's media is unknown."))
            self.timeline.set_media(0, None)
            return
        fd = 1e6 / float(media.info.frame_rate) if media.info.frame_rate else None
        self.timeline.set_media(media.info.duration, fd)
        self.timeline.set_trim(ep.trim.start, ep.trim.end)
        if playable:
            self.player.load(media.path, media.info.duration, fd or 33_333.3)
            self.player.set_range(ep.trim.start, ep.trim.end)
            self.player.seek(ep.trim.start)
        else:
            self.player.unload(self._why_not_playable(media))
        self.timeline.set_playhead(ep.trim.start)
        self.loader.load_episode(ep, media)
        self.save_state()

    def _why_not_playable(self, media) -> str:
        """Two lines: what is wrong, then what to do (the status bar shows the first)."""
        name = Path(media.path).name
        if relink.replaced_in_place(media):
            return "\n".join([
                self.tr("File changed: {0} is not the version this episode was cut "
                        "from.").format(name),
                self.tr("Use the new version, or find the old one, in the Inspector.")])
        return "\n".join([self.tr("File missing: {0}").format(name),
                          self.tr("Find it with “Find the missing file…” in the Inspector.")])

    def _episode_on_screen(self) -> str | None:
        """The selected episode when its clip is in the player; otherwise says why not."""
        eid = self.current_episode_id()
        if eid is not None and self.player.path() is None:
            self.statusBar().showMessage(self.player.message().split("\n")[0] or self.tr(
                "This episode's clip is not in the player."), 8000)  # fmt: skip
            return None
        return eid

    def _poster(self, key: str, image) -> None:
        from PySide6.QtGui import QPixmap

        self.model.set_poster(key, QPixmap.fromImage(image))

    def _timeline_data(self, eid: str, data: dict) -> None:
        self.timeline.set_keyframes(data["keyframes"])
        self.timeline.set_reordering(data["reordering"])
        if "frame_times" in data:
            self.timeline.set_frame_times(data["frame_times"])

    def _filmstrip(self, eid: str, thumbs) -> None:
        self.timeline.set_filmstrip(thumbs)

    def _waveform(self, eid: str, peaks, rate: float) -> None:
        self.timeline.set_waveform(peaks, rate)

    # ------------------------------------------------------------------ editing
    def _guard(self, fn, *args) -> None:
        try:
            fn(*args)
        except UserError as exc:
            self.statusBar().showMessage(str(exc), 8000)

    def _trim_from_timeline(self, start: int, end: int) -> None:
        eid = self.current_episode_id()
        if eid:
            self._guard(self.controller.set_trim, eid, start, end)

    def set_in_here(self) -> None:
        """At the playhead, once the frame steps on their way have landed."""
        eid = self._episode_on_screen()
        if eid:
            self.player.when_settled(lambda t: self._guard(self.controller.set_in, eid, t))

    def set_out_here(self) -> None:
        """The out point goes after the frame at the playhead, so that frame is included."""
        eid = self._episode_on_screen()
        if eid:
            self.player.when_settled(
                lambda t: self._guard(self.controller.set_out, eid, t + 1))

    def go_to_in(self) -> None:
        eid = self.current_episode_id()
        if eid:
            self._seek(self.controller.episode(eid).trim.start)

    def go_to_out(self) -> None:
        eid = self.current_episode_id()
        if eid:
            self._seek(self.controller.episode(eid).trim.end - 1)

    def play_range(self) -> None:
        if self.current_episode_id():
            self.player.play_range()

    def _seek(self, t: int) -> None:
        self.player.seek(max(0, t))
        self.timeline.set_playhead(max(0, t))

    def _jump(self, delta: int) -> None:
        self._seek(self.player.position_us() + delta)

    def _go_end(self) -> None:
        eid = self.current_episode_id()
        if eid:
            ep = self.controller.episode(eid)
            media = self.controller.ctx.library.media(ep.media_fingerprint)
            if media:
                self._seek(media.info.duration - 1)

    def remove_selected(self) -> None:
        self.controller.remove_episodes(self.episodes.selected_ids())

    def go_to_problem(self, problem: Problem) -> None:
        if problem.episode_id:
            self.episodes.clearSelection()
            self.episodes.select_id(problem.episode_id)
            page = self.inspector.episode_page
            target = {"title": page.title, "trim": page.out_point}.get(problem.field or "")
        else:
            self.episodes.clearSelection()
            page = self.inspector.collection_page
            target = {"title": page.title, "description": page.description,
                      "price": page.price, "cover": page.cover_image}.get(problem.field or "")
        self.inspector_dock.show()
        if target is not None:
            target.setFocus()

    # ------------------------------------------------------------------ import
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls() and self.controller.view is not None:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths)

    def import_paths(self, paths: list[str]) -> None:
        if self.controller.view is None:
            self.show_error(self.tr("Open or create a collection first."), "")
            return
        self.bottom_tabs.setCurrentWidget(self.import_problems)
        self.controller.import_paths(paths)

    def import_dialog(self) -> None:
        files = file_dialogs.open_file_names(
            self, self.tr("Import clips"), str(Path.home()),
            self.tr("Videos ({0})").format(VIDEO_FILTER))  # fmt: skip
        if files:
            self.import_paths(files)

    def import_folder_dialog(self) -> None:
        folder = file_dialogs.existing_directory(self, self.tr("Import a folder"),
                                                 str(Path.home()))  # fmt: skip
        if folder:
            self.import_paths([folder])

    def import_archive_dialog(self, paths: list[str] | None = None) -> None:
        """Choose ZIP parts (or a folder with the unpacked export), preview, then import."""
        from studio.ui.archive_dialog import ArchiveImportDialog

        if self.controller.view is None:
            return
        if not paths:
            files = file_dialogs.open_file_names(
                self, self.tr("Import an archive"), str(Path.home()),
                self.tr("Archives (*.zip);;All files (*)"))  # fmt: skip
            if not files:
                folder = file_dialogs.existing_directory(
                    self, self.tr("Or choose the unpacked archive's folder"), str(Path.home()))
                files = [folder] if folder else []
            paths = files
        if paths:
            self.archive_dialog = ArchiveImportDialog(self, paths)
            self.archive_dialog.open()

    def _import_finished(self, added: int, failed: int) -> None:
        msg = self.tr("Imported 1 clip.") if added == 1 else \
            self.tr("Imported {0} clips.").format(added)  # fmt: skip
        if failed:
            msg += " " + (self.tr("1 file was not added: see Import problems.") if failed == 1
                          else self.tr("{0} files were not added: see Import "
                                       "problems.").format(failed))  # fmt: skip
            self.checks_dock.show()
        self.statusBar().showMessage(msg, 10000)

    # ------------------------------------------------------------------ cover, relink
    def _set_cover(self, fn, *args, done: str = "") -> None:
        """Set the cover; a refusal is shown, then any warning about it, else ``done``."""
        c = self.controller.collection
        if c is None:
            return
        try:
            with Library.open(self.ctx.library_path, check=False) as lib:
                new = fn(lib, c, *args)
            self.controller.undo.push(commands.SetCollection(self.controller, c, new,
                                                             self.tr("Change the cover")))
        except UserError as exc:
            self.show_error(str(exc), "")
            return
        warnings = covers.image_warnings(new)
        if warnings:  # also in the checks; said now, while the choice is fresh
            self.statusBar().showMessage(" ".join(warnings), 20000)
        elif done:
            self.statusBar().showMessage(done, 8000)

    def cover_from_playhead(self) -> None:
        """The frame on screen becomes the cover (the episode page's button, Playback menu)."""
        eid = self.current_episode_id()
        if eid is None:
            self.show_error(self.tr("Select an episode and put the playhead on the frame."), "")
            return
        if self._episode_on_screen() is None:
            return  # its file is missing: said in the status bar
        ep, t = self.controller.episode(eid), self.player.position_us()
        self._set_cover(covers.set_cover_frame, ep, t, done=self.tr(
            "The cover is now the frame at {0} of episode {1}.").format(
            format_timecode(t), ep.position))  # fmt: skip

    def cover_from_image(self) -> None:
        path = file_dialogs.open_file_name(self, self.tr("Cover image"), str(Path.home()),
                                           self.tr("Images (*.jpg *.jpeg *.png *.webp)"))
        if path:
            self._set_cover(covers.set_cover_image, path)

    def cover_suggest(self) -> None:
        from studio.ui.cover_dialog import CoverSuggestions

        c = self.controller.collection
        if c is not None:
            CoverSuggestions(self, c).open()

    def relink(self) -> None:
        folder = file_dialogs.existing_directory(self, self.tr("Where are the files now?"),
                                                 str(Path.home()))  # fmt: skip
        if not folder:
            return
        path = self.ctx.library_path

        def work(job):
            with Library.open(path, check=False) as lib:
                return actions.relink(lib, folder, progress=job.progress, cancel=job.token)

        def done(result) -> None:
            found, missing = result
            self.controller.episodes_edited()
            text = self.tr("Found 1 file") if len(found) == 1 else \
                self.tr("Found {0} files").format(len(found))  # fmt: skip
            text += "; " + self.tr("{0} still missing.").format(len(missing))
            self.statusBar().showMessage(text, 10000)

        Op(work, self.tr("Looking for missing files"), lane="db").success(done).run(self.tasks)

    # ------------------------------------------------------------------ dialogs
    def export_dialog(self) -> None:
        from studio.ui.export_dialog import ExportDialog

        if self.controller.collection is None:
            return
        self.export = ExportDialog(self.controller, self)
        self.export.open()

    def publish_dialog(self) -> None:
        from studio.ui.publish_dialog import PublishDialog

        if self.controller.collection is None:
            return
        self.publish = PublishDialog(self)
        self.publish.open()

    def refresh_sync_badges(self) -> None:
        """Each episode's state on the first target it was published to (see SyncBadges)."""
        statuses = self.badges.refresh(self.controller.view)
        if any(s.pending_work for s in statuses):
            self.statusBar().showMessage(self.tr(
                "A publish of this collection was interrupted: File > Publish resumes "
                "it."), 15000)  # fmt: skip

    def _collection_changed_here(self, target: str, changes: list[str]) -> None:
        self.statusBar().showMessage(self.tr(
            "Changed here since the last publish to '{0}': {1}. File > Publish sends the "
            "changes.").format(target, ", ".join(changes)), 15000)  # fmt: skip

    def settings_dialog(self) -> None:
        from studio.ui.settings import SettingsDialog

        dialog = SettingsDialog(self.loader.cache.size_bytes(), self)
        dialog.cacheCleared.connect(self.loader.cache.clear)
        if dialog.exec():
            limit = int(QSettings().value("cache/limit_mb", 512))
            self.loader.set_cache_limit(limit * 1_000_000)

    def show_shortcuts(self) -> None:
        from studio.ui.help import ShortcutsDialog

        ShortcutsDialog(self).open()

    def show_about(self) -> None:
        from studio.ui.help import about_text

        QMessageBox.about(self, self.tr("About Series Studio"), about_text())

    def show_error(self, message: str, details: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "Series Studio", message,
                          QMessageBox.StandardButton.Ok, self)  # fmt: skip
        if details:
            box.setDetailedText(details)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.open()
        self.statusBar().showMessage(message.splitlines()[0], 10000)

    # ------------------------------------------------------------------ persistence
    def save_state(self) -> None:
        s = QSettings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        for sp in self.splitters:
            s.setValue(f"window/{sp.objectName()}", sp.saveState())
        c = self.controller.collection
        s.setValue("session/collection", c.id if c else "")
        s.setValue("session/episode", self.current_episode_id() or "")
        s.setValue("session/playhead", self.player.position_us())

    def restore_state(self) -> None:
        s = QSettings()
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = s.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        for sp in self.splitters:
            v = s.value(f"window/{sp.objectName()}")
            if isinstance(v, QByteArray):
                sp.restoreState(v)
        # Read everything first: opening a collection saves the session again.
        cid = s.value("session/collection", "")
        eid = s.value("session/episode", "")
        t = int(s.value("session/playhead", 0) or 0)
        known = {c.id for c in self.controller.collections()}
        if not cid or cid not in known:
            cid = next(iter(self.controller.collections()), None)
            cid = cid.id if cid else None
        if cid:
            self.controller.open_collection(cid)
            if eid:
                self.episodes.select_id(eid)
                if self.current_episode_id() == eid and t:
                    self._seek(t)

    def closeEvent(self, event: QCloseEvent) -> None:
        publishing = [t for t in self.tasks.tasks() if t.kind == "publish"]
        if publishing:
            answer = QMessageBox.question(
                self, self.tr("Quit"),
                self.tr("Episodes are being uploaded. Pause the upload and quit? The next "
                        "Publish resumes where it stopped."))  # fmt: skip
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
            if getattr(self, "publish", None) is not None:
                self.publish.pause()
        exporting = [t for t in self.tasks.tasks() if t.kind == "export"]
        if exporting:
            answer = QMessageBox.question(
                self, self.tr("Quit"),
                self.tr("An export is running. Stop it and quit? Finished episodes are kept."))
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self.save_state()
        self.player.unload()
        self.tasks.shutdown(wait=True)
        self.controller.shutdown()
        self.player.close()
        super().closeEvent(event)
