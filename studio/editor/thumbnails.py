"""Poster frames and keyframe filmstrips, cached on disk as JPEG files.

:meth:`Thumbnailer.filmstrip` seeks to each of ``count`` evenly spaced times and
decodes only the keyframe it lands on (the keyframe at or before the time,
PyAV ``skip_frame = "NONKEY"``), so a 20-minute 1080p file gives 20 thumbnails
in a fraction of a second. Neighbouring targets inside one GOP land on the same
keyframe: the strip then repeats that thumbnail (decoded once). A thumb's
``time_us`` is its keyframe's media time (convention of
:mod:`studio.editor.keyframes`). :meth:`Thumbnailer.poster` is the exact frame
on screen at a time (through :class:`~studio.editor.frames.FrameGrabber`).

:class:`DiskCache` keeps the files under ``<folder>/<fingerprint>/``; the
default folder is ``studio.app.cache_dir() / "thumbs"``. Its total size is
capped (512 MiB by default): when a write passes the cap, the least recently
*accessed* files (atime, set explicitly on every read so that ``noatime``
mounts do not matter) are deleted until it is back under 90 % of the cap.
Every file is written to a temporary name and renamed, and a strip's files are
written only once all its thumbnails exist, so a cancelled or crashed run
leaves nothing behind; a strip is found again through a small JSON manifest.

Threading: :class:`DiskCache` and :class:`Thumbnailer` are safe to share
between threads (the cache has a lock; every call opens its own decoder).
Several processes may share one folder: writes are atomic renames and the
eviction tolerates files that vanish under it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import av.error
import numpy as np

from studio.editor.frames import (
    FrameGrabber,
    MaxSize,
    clockwise,
    decode_image,
    encode_jpeg,
    to_display,
)
from studio.editor.keyframes import PacketIndex, media_key, open_video, read_timeline, unusable
from studio.tasks import CancelToken, Progress, ProgressCallback

__all__ = ["DEFAULT_MAX_BYTES", "DiskCache", "Thumb", "Thumbnailer", "default_folder"]

DEFAULT_MAX_BYTES = 512 * 1024 * 1024
LOW_WATER = 0.9  # eviction goes down to this fraction of the cap
STALE_TMP_S = 3600  # temporary files older than this are leftovers of a crash
_SAFE = re.compile(r"[^A-Za-z0-9._-]")


def default_folder() -> Path:
    """``studio.app.cache_dir() / "thumbs"`` (imported lazily: app is the composition root)."""
    from studio.app import cache_dir

    return cache_dir() / "thumbs"


class DiskCache:
    """Files grouped by media fingerprint, with a total size cap and LRU eviction."""

    def __init__(self, folder: str | os.PathLike | None = None, *,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.folder = Path(folder) if folder is not None else default_folder()
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._total: int | None = None  # running estimate; rescanned on eviction

    def path(self, key: str, name: str) -> Path:
        return self.folder / _SAFE.sub("_", key) / _SAFE.sub("_", name)

    def read(self, key: str, name: str) -> bytes | None:
        """The file's bytes (marking it as just used), or None when it is not cached."""
        p = self.path(key, name)
        try:
            data = p.read_bytes()
            st = p.stat()
            os.utime(p, ns=(time.time_ns(), st.st_mtime_ns))
        except OSError:
            return None
        return data

    def write(self, key: str, name: str, data: bytes) -> None:
        self.write_many(key, [(name, data)])

    def write_many(self, key: str, items: Iterable[tuple[str, bytes]]) -> None:
        """Write each file atomically (temporary name, then rename), then evict if over the cap."""
        added = 0
        for name, data in items:
            p = self.path(key, name)
            p.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=p.parent)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                try:
                    added -= p.stat().st_size
                except OSError:
                    pass
                os.replace(tmp, p)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            added += len(data)
        with self._lock:
            if self._total is None:
                self._total = self._scan_total()
            else:
                self._total += added
            if self._total > self.max_bytes:
                self._evict(int(self.max_bytes * LOW_WATER))

    def size_bytes(self) -> int:
        """Total size of the cached files (walks the folder)."""
        with self._lock:
            self._total = self._scan_total()
            return self._total

    def clear(self) -> None:
        """Delete every cached file."""
        with self._lock:
            if self.folder.exists():
                for child in self.folder.iterdir():
                    if child.is_dir():
                        shutil.rmtree(child, ignore_errors=True)
                    else:
                        child.unlink(missing_ok=True)
            self._total = 0

    def evict(self, target_bytes: int | None = None) -> None:
        """Delete least recently used files until the total is at most ``target_bytes``."""
        with self._lock:
            self._evict(self.max_bytes if target_bytes is None else target_bytes)

    # internals ----------------------------------------------------------------------

    def _files(self) -> list[tuple[float, int, Path]]:
        out: list[tuple[float, int, Path]] = []
        if not self.folder.exists():
            return out
        now = time.time()
        for group in os.scandir(self.folder):
            if not group.is_dir(follow_symlinks=False):
                continue
            for entry in os.scandir(group.path):
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                if entry.name.endswith(".tmp"):
                    if now - st.st_mtime > STALE_TMP_S:
                        Path(entry.path).unlink(missing_ok=True)
                        continue
                out.append((st.st_atime, st.st_size, Path(entry.path)))
        return out

    def _scan_total(self) -> int:
        return sum(size for _, size, _ in self._files())

    def _evict(self, target: int) -> None:
        files = sorted(self._files(), key=lambda f: f[0])
        total = sum(size for _, size, _ in files)
        for _, size, p in files:
            if total <= target:
                break
            if p.name.endswith(".tmp"):
                continue  # another writer's file in flight
            try:
                p.unlink()
            except FileNotFoundError:
                pass
            except OSError:
                continue
            total -= size
            try:
                p.parent.rmdir()  # only succeeds once the group is empty
            except OSError:
                pass
        self._total = total


@dataclass(frozen=True, eq=False)
class Thumb:
    """One filmstrip image: the keyframe's media time and its RGB picture (HxWx3 uint8)."""

    time_us: int
    rgb: np.ndarray


class Thumbnailer:
    """Posters and filmstrips of media files, cached in a :class:`DiskCache`."""

    def __init__(
        self,
        cache: DiskCache | None = None,
        *,
        index: PacketIndex | None = None,
        jpeg_quality: int = 85,
        apply_sar: bool = True,
    ) -> None:
        self.cache = cache if cache is not None else DiskCache()
        self.index = index
        self.jpeg_quality = jpeg_quality
        self.apply_sar = apply_sar
        self.frames_decoded = 0  # pictures decoded from media (not served from the cache)
        self._count_lock = threading.Lock()

    def clear(self) -> None:
        self.cache.clear()

    def size_bytes(self) -> int:
        return self.cache.size_bytes()

    def poster(
        self, path: str | os.PathLike, t_us: int, size: MaxSize, *, key: str | None = None
    ) -> np.ndarray:
        """The exact frame on screen at ``t_us``, fitted inside ``size`` (never enlarged)."""
        key = key or media_key(path)
        w, h = (size, size) if isinstance(size, int) else size
        name = f"poster-{t_us}-{w}x{h}.jpg"
        data = self.cache.read(key, name)
        if data is not None:
            return decode_image(data)
        with FrameGrabber(self.index, max_open=1, history=1, apply_sar=self.apply_sar) as grab:
            rgb = grab.frame_at(path, t_us, max_size=(w, h)).rgb
        self._count(1)
        self.cache.write(key, name, encode_jpeg(rgb, self.jpeg_quality))
        return rgb

    def filmstrip(
        self,
        path: str | os.PathLike,
        count: int,
        height: int,
        *,
        start_us: int = 0,
        end_us: int | None = None,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
        key: str | None = None,
    ) -> list[Thumb]:
        """``count`` keyframe thumbnails ``height`` pixels tall over ``[start_us, end_us)``.

        Target ``i`` is ``start + i * (end - start) / count``; its thumb is the keyframe at
        or before it (the first keyframe for targets before it). ``end_us`` defaults to
        the video's duration. Raises :class:`~studio.tasks.Cancelled` when ``cancel`` is
        set; nothing is written to the cache then.
        """
        if count <= 0:
            return []
        if height <= 0:
            raise ValueError(f"thumbnail height must be positive, not {height}")
        key = key or media_key(path)
        manifest = f"strip-{count}-h{height}-{start_us}-{'end' if end_us is None else end_us}.json"
        cached = self._cached_strip(key, manifest)
        if cached is not None:
            if progress:
                progress(Progress(count, count, "Filmstrip"))
            return cached
        thumbs = self._make_strip(path, count, height, start_us, end_us, progress, cancel)
        if cancel is not None:
            cancel.raise_if_cancelled()
        files: dict[str, bytes] = {}
        names = []
        for thumb in thumbs:
            name = f"kf-{thumb.time_us}-h{height}.jpg"
            if name not in files:
                files[name] = encode_jpeg(thumb.rgb, self.jpeg_quality)
            names.append(name)
        body = json.dumps({"times": [t.time_us for t in thumbs], "files": names}).encode()
        self.cache.write_many(key, [*files.items(), (manifest, body)])  # manifest last
        return thumbs

    # internals ----------------------------------------------------------------------

    def _count(self, n: int) -> None:
        with self._count_lock:
            self.frames_decoded += n

    def _cached_strip(self, key: str, manifest: str) -> list[Thumb] | None:
        raw = self.cache.read(key, manifest)
        if raw is None:
            return None
        try:
            spec = json.loads(raw)
            images: dict[str, np.ndarray] = {}
            out = []
            for t, name in zip(spec["times"], spec["files"], strict=True):
                if name not in images:
                    data = self.cache.read(key, name)
                    if data is None:
                        return None  # evicted: make the strip again
                    images[name] = decode_image(data)
                out.append(Thumb(int(t), images[name]))
            return out
        except (ValueError, KeyError, TypeError):
            return None

    def _make_strip(
        self, path: str | os.PathLike, count: int, height: int, start_us: int,
        end_us: int | None, progress: ProgressCallback | None, cancel: CancelToken | None,
    ) -> list[Thumb]:
        container, stream = open_video(path)
        try:
            tl = read_timeline(container, stream)
            if end_us is None:
                end_us = _duration_us(container, stream, tl.start_us_in_container, tl.time_base)
            end_us = max(end_us, start_us + 1)
            ctx = stream.codec_context
            ctx.skip_frame = "NONKEY"
            sar = stream.sample_aspect_ratio or ctx.sample_aspect_ratio
            sar = Fraction(sar) if (sar and self.apply_sar) else Fraction(1)
            thumbs: list[Thumb] = []
            last: Thumb | None = None
            last_pts: int | None = None
            for i in range(count):
                if cancel is not None:
                    cancel.raise_if_cancelled()
                t = start_us + (end_us - start_us) * i // count
                frame, pts = self._keyframe(container, stream, tl.to_pts(t), last_pts)
                if frame is None and last is not None:
                    thumbs.append(last)  # the same keyframe as the previous target
                elif frame is not None:
                    rgb = to_display(frame.to_ndarray(format="rgb24"),
                                     rotation=clockwise(frame.rotation), sar=sar, height=height)
                    self._count(1)
                    last, last_pts = Thumb(tl.to_us(pts), rgb), pts
                    thumbs.append(last)
                else:
                    raise unusable(path, ValueError("no keyframe could be decoded"))
                if progress:
                    progress(Progress(i + 1, count, "Filmstrip"))
            return thumbs
        except av.error.FFmpegError as exc:
            raise unusable(path, exc) from exc
        finally:
            container.close()

    @staticmethod
    def _keyframe(
        container: av.container.InputContainer, stream: av.VideoStream, target: int,
        reuse_pts: int | None,
    ) -> tuple[av.VideoFrame | None, int]:
        """Seek to ``target`` and decode the keyframe landed on.

        Returns (None, pts) when that keyframe's pts is ``reuse_pts`` (already decoded).
        """
        container.seek(target, backward=True, any_frame=False, stream=stream)
        ctx = stream.codec_context
        for packet in container.demux(stream):
            if not packet.size or not packet.is_keyframe or packet.pts is None:
                continue
            if packet.pts == reuse_pts:
                return None, packet.pts
            frames = ctx.decode(packet) or ctx.decode(None)  # drain a decoder holding it back
            if frames:
                return frames[0], frames[0].pts if frames[0].pts is not None else packet.pts
        return None, -1


def _duration_us(
    container: av.container.InputContainer, stream: av.VideoStream, start_in_container: int,
    time_base: Fraction,
) -> int:
    if stream.duration:
        return int(stream.duration * time_base * 1_000_000)
    if container.duration:
        return int(container.duration) - start_in_container
    return 1
