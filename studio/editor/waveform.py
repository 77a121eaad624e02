"""The audio peak envelope of a whole clip, for drawing under the trim timeline.

:func:`waveform` decodes the first audio stream once with PyAV and returns one
peak per bucket: ``float32`` values in ``[0, 1]``, the largest absolute sample
of any channel inside the bucket (no resampling: a downmix or a lower rate
would hide peaks, and decoding dominates the cost anyway). Bucket ``k`` covers
media time ``[k, k + 1) / buckets_per_second`` seconds in the convention of
:mod:`studio.editor.keyframes` (0 = the first video frame), so audio that
starts before the video is cut and audio that starts later is padded with
silence. The array has ``ceil(audio end * buckets_per_second)`` entries.
Media without audio gives an empty array, not an error.

Results are cached as ``.npy`` files in the thumbnail cache
(:class:`~studio.editor.thumbnails.DiskCache`), keyed by fingerprint and rate.

Threading: safe to call from any worker thread; each call opens its own decoder.
"""

from __future__ import annotations

import io
import math
import os
from fractions import Fraction
from pathlib import Path

import av
import av.error
import numpy as np

from studio.editor.keyframes import media_key, unusable
from studio.editor.thumbnails import DiskCache
from studio.tasks import CancelToken, Progress, ProgressCallback

__all__ = ["waveform"]

US = 1_000_000


def waveform(
    path: str | os.PathLike,
    buckets_per_second: int = 100,
    *,
    cache: DiskCache | None = None,
    key: str | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> np.ndarray:
    """Peaks of the audio of ``path``, shape ``(n,)``, float32 in [0, 1] (empty: no audio)."""
    if buckets_per_second <= 0:
        raise ValueError(f"buckets_per_second must be positive, not {buckets_per_second}")
    cache = cache if cache is not None else DiskCache()
    key = key or media_key(path)
    name = f"wave-{buckets_per_second}.npy"
    data = cache.read(key, name)
    if data is not None:
        try:
            return np.load(io.BytesIO(data), allow_pickle=False).astype(np.float32, copy=False)
        except (ValueError, OSError):
            pass  # damaged cache file: compute again
    peaks = _compute(path, buckets_per_second, progress, cancel)
    buf = io.BytesIO()
    np.save(buf, peaks, allow_pickle=False)
    cache.write(key, name, buf.getvalue())
    return peaks


def _compute(
    path: str | os.PathLike, bps: int, progress: ProgressCallback | None,
    cancel: CancelToken | None,
) -> np.ndarray:
    try:
        container = av.open(os.fspath(path), metadata_errors="ignore")
    except (av.error.FFmpegError, OSError) as exc:
        raise unusable(path, exc) from exc
    with container:
        if not container.streams.audio:
            return np.zeros(0, np.float32)
        audio = container.streams.audio[0]
        origin = _origin_seconds(container, audio)
        total = container.duration / US if container.duration else None
        peaks = _Peaks(bps)
        resampler = av.AudioResampler(format="fltp")  # same layout and rate, float planes
        try:
            for n, frame in enumerate(container.decode(audio)):
                if cancel is not None and n % 64 == 0:
                    cancel.raise_if_cancelled()
                rate = frame.sample_rate
                if peaks.rate is None:
                    start = frame.time if frame.time is not None else 0.0
                    end = _end_seconds(audio)
                    peaks.start(rate, round((start - origin) * rate),
                                None if end is None else round((end - origin) * rate))
                for out in resampler.resample(frame):
                    peaks.add(np.abs(out.to_ndarray()).max(axis=0))
                if progress and total and n % 256 == 0 and frame.time is not None:
                    progress(Progress(min(frame.time - origin, total), total, "Waveform"))
        except av.error.FFmpegError as exc:
            raise unusable(Path(path), exc) from exc
        if cancel is not None:
            cancel.raise_if_cancelled()
        return peaks.result()


def _end_seconds(audio: av.AudioStream) -> float | None:
    """Where the container says the audio ends (decoders leave the last frame's padding)."""
    if audio.duration and audio.time_base:
        start = audio.start_time or 0
        return float((start + audio.duration) * Fraction(audio.time_base))
    return None


def _origin_seconds(container: av.container.InputContainer, audio: av.AudioStream) -> float:
    """Media time 0 in seconds on the container clock: the video's start, else the audio's."""
    for video in container.streams.video:
        if video.start_time is not None and video.time_base:
            return float(video.start_time * Fraction(video.time_base))
    if audio.start_time is not None and audio.time_base:
        return float(audio.start_time * Fraction(audio.time_base))
    return 0.0


class _Peaks:
    """Streams per-sample peaks into per-bucket maxima."""

    def __init__(self, bps: int) -> None:
        self.bps = bps
        self.rate: int | None = None
        self.pos = 0  # media-time index of the next sample
        self.limit: int | None = None  # media-time index where the audio ends
        self.out = np.zeros(1024, np.float32)

    def start(self, rate: int, first_sample: int, end_sample: int | None) -> None:
        self.rate, self.pos, self.limit = rate, first_sample, end_sample

    def add(self, x: np.ndarray) -> None:
        assert self.rate is not None
        if self.limit is not None:
            x = x[: max(0, self.limit - self.pos)]
        if self.pos < 0:  # samples before media time 0 are not shown
            skip = -self.pos
            if skip >= len(x):
                self.pos += len(x)
                return
            x, self.pos = x[skip:], 0
        if len(x) == 0:
            return
        rate, bps, pos = self.rate, self.bps, self.pos
        b0, b1 = pos * bps // rate, (pos + len(x) - 1) * bps // rate
        buckets = np.arange(b0, b1 + 1, dtype=np.int64)
        starts = np.maximum(0, -(-(buckets * rate) // bps) - pos)  # ceil(b * rate / bps) - pos
        values = np.maximum.reduceat(x.astype(np.float32, copy=False), starts)
        if b1 + 1 > len(self.out):
            grown = np.zeros(max(b1 + 1, 2 * len(self.out)), np.float32)
            grown[: len(self.out)] = self.out
            self.out = grown
        self.out[b0 : b1 + 1] = np.maximum(self.out[b0 : b1 + 1], values)
        self.pos = pos + len(x)

    def result(self) -> np.ndarray:
        if self.rate is None:
            return np.zeros(0, np.float32)
        n = math.ceil(self.pos * self.bps / self.rate)
        return np.minimum(self.out[:n], 1.0).astype(np.float32)
