"""Loads what the window shows about media off the GUI thread: posters, filmstrips,
waveforms and keyframes. Late results for something no longer shown are dropped."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from studio.app import cache_dir
from studio.domain.models import CollectionView, Episode, MediaRecord
from studio.editor import keyframes
from studio.editor.thumbnails import DiskCache, Thumbnailer
from studio.editor.waveform import waveform
from studio.ui.images import to_qimage
from studio.ui.operations import Op, Task, TaskManager

POSTER_SIZE = (72, 128)
WAVEFORM_RATE = 100  # buckets per second


class MediaLoader(QObject):
    posterReady = Signal(str, object)  # poster key, QImage
    timelineData = Signal(str, object)  # episode id, dict of keyframes/reordering/frame times
    filmstripReady = Signal(str, object)  # episode id, list[(time_us, QImage)]
    waveformReady = Signal(str, object, float)  # episode id, peaks, buckets per second

    def __init__(self, tasks: TaskManager, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.cache = DiskCache(cache_dir() / "thumbs")
        self.thumbnailer = Thumbnailer(self.cache)
        self._posters: Task | None = None
        self._episode_tasks: list[Task] = []
        self.current_episode: str | None = None

    def set_cache_limit(self, max_bytes: int) -> None:
        self.cache.max_bytes = max_bytes

    def load_posters(self, view: CollectionView) -> None:
        if self._posters is not None:
            self._posters.cancel()
        jobs = [(e, view.media[e.media_fingerprint]) for e in view.episodes
                if e.media_fingerprint in view.media]  # fmt: skip
        jobs = [(e, m) for e, m in jobs if not m.missing and Path(m.path).is_file()]
        if not jobs:
            return
        from studio.ui.episode_list import poster_key

        def work(job) -> None:
            for e, m in jobs:
                job.raise_if_cancelled()
                rgb = self.thumbnailer.poster(m.path, e.trim.start, POSTER_SIZE,
                                              key=m.fingerprint)  # fmt: skip
                job.send((poster_key(e), to_qimage(rgb)))

        self._posters = Op(work, self.tr("Loading posters")).partial(
            lambda kv: self.posterReady.emit(*kv)).run(self.tasks)

    def load_episode(self, episode: Episode, media: MediaRecord) -> None:
        """Keyframes first (fast), then the waveform and the filmstrip."""
        for t in self._episode_tasks:
            t.cancel()
        self._episode_tasks = []
        self.current_episode = episode.id
        if media.missing or not Path(media.path).is_file():
            return
        eid, path, duration = episode.id, media.path, media.info.duration
        key = media.fingerprint

        def index(job):
            idx = keyframes.default_index()
            kfs = [k.time_us for k in idx.keyframes_between(path, 0, duration + 1, key=key)]
            data = {"keyframes": kfs, "reordering": idx.has_reordering(path, key=key)}
            if media.info.variable_frame_rate:
                data["frame_times"] = idx.frame_times_between(path, 0, duration + 1, key=key)
            return data

        def strip(job):
            count = max(8, min(120, duration // 5_000_000))
            thumbs = self.thumbnailer.filmstrip(path, int(count), 72, key=key,
                                                progress=job.progress, cancel=job.token)
            return [(t.time_us, to_qimage(t.rgb)) for t in thumbs]

        def wave(job):
            return waveform(path, WAVEFORM_RATE, cache=self.cache, key=key, cancel=job.token)

        def mine(signal, *args):
            if self.current_episode == eid:
                signal.emit(eid, *args)

        self._episode_tasks = [
            Op(index, self.tr("Reading keyframes")).success(
                lambda d: mine(self.timelineData, d)).run(self.tasks),
            Op(wave, self.tr("Drawing the waveform")).success(
                lambda w: mine(self.waveformReady, w, float(WAVEFORM_RATE))).run(self.tasks),
            Op(strip, self.tr("Making the filmstrip")).success(
                lambda s: mine(self.filmstripReady, s)).run(self.tasks),
        ]

    def clear_episode(self) -> None:
        for t in self._episode_tasks:
            t.cancel()
        self._episode_tasks = []
        self.current_episode = None
