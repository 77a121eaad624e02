"""Filmstrips from keyframes, posters, the size-capped disk cache, and waveforms."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from studio.editor.frames import FrameGrabber
from studio.editor.keyframes import PacketIndex, media_key
from studio.editor.probe import ProbeError
from studio.editor.thumbnails import DiskCache, Thumbnailer
from studio.editor.waveform import waveform
from studio.tasks import Cancelled, CancelToken, Progress

US = 1_000_000


@pytest.fixture
def clip(make_clip: Callable[..., Path]) -> Path:
    """3 s at 24 fps, keyframe every 12 frames (0.5 s), sine audio."""
    return make_clip("strip.mp4", seconds=3, width=160, height=90, fps=24, gop=12)


@pytest.fixture
def cache(tmp_path: Path) -> DiskCache:
    return DiskCache(tmp_path / "thumbs")


def _files(cache: DiskCache) -> list[Path]:
    if not cache.folder.exists():
        return []
    return sorted(p for p in cache.folder.rglob("*") if p.is_file())


def test_filmstrip_is_keyframes_in_order_at_the_asked_height(clip: Path, cache: DiskCache) -> None:
    seen: list[Progress] = []
    thumbs = Thumbnailer(cache).filmstrip(clip, 8, 36, progress=seen.append)
    assert len(thumbs) == 8
    index = PacketIndex()
    keys = {k.time_us for k in index.keyframes_between(clip, 0, 10 * US)}
    times = [t.time_us for t in thumbs]
    assert times == sorted(times) and set(times) <= keys
    for i, thumb in enumerate(thumbs):  # target i: 3 s * i / 8 -> the keyframe at or before it
        assert thumb.time_us == index.keyframe_at_or_before(clip, 3 * US * i // 8).time_us
        assert thumb.rgb.shape == (36, 64, 3) and thumb.rgb.dtype == np.uint8
    assert seen[-1] == Progress(8, 8, "Filmstrip")


def test_filmstrip_range_and_rotation(clip_rotated: Path, clip: Path, cache: DiskCache) -> None:
    thumbs = Thumbnailer(cache).filmstrip(clip, 4, 30, start_us=1 * US, end_us=3 * US)
    assert [t.time_us for t in thumbs] == [1 * US, 1_500_000, 2 * US, 2_500_000]
    turned = Thumbnailer(cache).filmstrip(clip_rotated, 3, 64)
    assert all(t.rgb.shape == (64, 36, 3) for t in turned)  # portrait: taller than wide


def test_second_call_is_served_from_the_disk_cache(
    clip: Path, cache: DiskCache, tmp_path: Path
) -> None:
    maker = Thumbnailer(cache)
    first = maker.filmstrip(clip, 6, 40)
    decoded = maker.frames_decoded
    assert 0 < decoded <= 6
    key = media_key(clip)
    gone = tmp_path / "moved-away.mp4"
    shutil.move(clip, gone)  # the source cannot be read any more
    again = Thumbnailer(cache).filmstrip(clip, 6, 40, key=key)
    assert [t.time_us for t in again] == [t.time_us for t in first]
    assert all(a.rgb.shape == b.rgb.shape for a, b in zip(first, again, strict=True))
    assert maker.frames_decoded == decoded
    fresh = Thumbnailer(cache)
    fresh.filmstrip(gone, 6, 40)  # same content elsewhere: same fingerprint, no decode
    assert fresh.frames_decoded == 0


def test_poster_is_the_exact_frame_and_cached(clip: Path, cache: DiskCache) -> None:
    maker = Thumbnailer(cache, jpeg_quality=95)
    poster = maker.poster(clip, 1_234_567, (80, 80))
    with FrameGrabber() as grab:
        exact = grab.frame_at(clip, 1_234_567, max_size=(80, 80))
    assert poster.shape == (45, 80, 3) and np.array_equal(poster, exact.rgb)
    assert maker.frames_decoded == 1
    again = maker.poster(clip, 1_234_567, (80, 80))
    assert again.shape == poster.shape and maker.frames_decoded == 1
    other = maker.poster(clip, 0, (80, 80))
    # the JPEG of the same picture: close to it, much closer than to another frame
    near = np.abs(again.astype(int) - poster).mean()
    assert near < 0.5 * np.abs(other.astype(int) - poster).mean()


def test_eviction_keeps_the_cache_under_its_cap(
    make_clip: Callable[..., Path], tmp_path: Path
) -> None:
    cap = 40_000
    cache = DiskCache(tmp_path / "small", max_bytes=cap)
    maker = Thumbnailer(cache)
    clips = [make_clip(f"c{i}.mp4", seconds=1, width=160, height=90, fps=12, gop=3, audio=False,
                       crf=20 + i) for i in range(5)]
    for i, c in enumerate(clips):
        maker.filmstrip(c, 4, 90)
        maker.poster(c, 500_000, 160)
        assert cache.size_bytes() <= cap, i
    # the last strip was written last, so it survives; the first one was evicted
    before = maker.frames_decoded
    maker.filmstrip(clips[-1], 4, 90)
    assert maker.frames_decoded == before
    maker.filmstrip(clips[0], 4, 90)
    assert maker.frames_decoded > before
    files = _files(cache)
    victim = files[len(files) // 2]
    os.utime(victim, (1, 1))  # least recently accessed: the first to go
    cache.evict(cache.size_bytes() - 1)
    assert not victim.exists() and len(_files(cache)) == len(files) - 1
    cache.clear()
    assert cache.size_bytes() == 0 and _files(cache) == []


def test_cancel_raises_and_leaves_no_files(clip: Path, cache: DiskCache) -> None:
    token = CancelToken()

    def on_progress(p: Progress) -> None:
        if p.done >= 2:
            token.cancel()

    with pytest.raises(Cancelled):
        Thumbnailer(cache).filmstrip(clip, 6, 40, progress=on_progress, cancel=token)
    assert _files(cache) == []
    with pytest.raises(Cancelled):
        waveform(clip, cache=cache, cancel=token)
    assert _files(cache) == []


def test_waveform_of_a_sine(clip: Path, cache: DiskCache) -> None:
    peaks = waveform(clip, 100, cache=cache)
    assert peaks.dtype == np.float32 and peaks.shape == (300,)  # 3 s at 100 buckets/s
    assert peaks.min() > 0.05 and peaks.max() <= 1.0  # a steady 440 Hz tone
    assert np.ptp(peaks) < 0.05
    assert len(_files(cache)) == 1
    assert np.array_equal(waveform(clip, 100, cache=cache), peaks)  # from the cache
    assert waveform(clip, 10, cache=cache).shape == (30,)


def test_waveform_without_audio_is_empty(clip_no_audio: Path, cache: DiskCache) -> None:
    peaks = waveform(clip_no_audio, cache=cache)
    assert peaks.shape == (0,) and peaks.dtype == np.float32


def test_bad_files(tmp_path: Path, file_text: Path, cache: DiskCache) -> None:
    with pytest.raises(ProbeError) as err:
        Thumbnailer(cache).filmstrip(tmp_path / "none.mp4", 4, 40)
    assert err.value.kind == "missing"
    with pytest.raises(ProbeError):
        Thumbnailer(cache).filmstrip(file_text, 4, 40)
    with pytest.raises(ProbeError):
        waveform(file_text, cache=cache)
