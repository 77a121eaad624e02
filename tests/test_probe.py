"""probe(): every MediaInfo field on real clips, and one clear error per kind of bad file."""

from __future__ import annotations

import os
import subprocess
from fractions import Fraction
from pathlib import Path

import av
import av.error
import media
import pytest

from studio.domain.errors import UserError
from studio.domain.models import MediaInfo
from studio.editor.probe import VFR_PACKETS, ProbeError, probe

US = 1_000_000


def _frame_us(fps: int) -> int:
    return US // fps + 1


def _check_common(info: MediaInfo, path: Path) -> None:
    st = path.stat()
    assert info.path == str(path)
    assert "mp4" in info.container_names and "mov" in info.container_names
    assert info.size == st.st_size
    assert info.mtime == st.st_mtime
    assert info.video_codec == "h264"
    assert info.video_profile == "Constrained Baseline"  # what libx264 ultrafast makes
    assert info.pixel_format == "yuv420p"
    assert info.sample_aspect_ratio == Fraction(1)
    assert isinstance(info.duration, int)
    # the container's overall bitrate: size over duration, give or take the headers
    assert info.bitrate == pytest.approx(st.st_size * 8 * US / info.duration, rel=0.05)


def test_landscape_every_field(clip_landscape: Path) -> None:
    info = probe(clip_landscape)
    _check_common(info, clip_landscape)
    assert abs(info.duration - 31 * US) <= _frame_us(24)
    assert (info.width, info.height) == (640, 360)
    assert info.display_size == (640, 360)
    assert info.rotation == 0
    assert info.frame_rate == Fraction(24)
    assert info.variable_frame_rate is False
    assert (info.audio_codec, info.audio_channels, info.audio_sample_rate) == ("aac", 2, 48000)
    assert info.has_video and info.has_audio


def test_vertical(clip_vertical: Path) -> None:
    info = probe(str(clip_vertical))  # str paths work as well as Path
    _check_common(info, clip_vertical)
    assert abs(info.duration - 31 * US) <= _frame_us(30)
    assert (info.width, info.height, info.display_size) == (360, 640, (360, 640))
    assert info.frame_rate == Fraction(30)
    assert info.variable_frame_rate is False
    assert info.rotation == 0
    assert (info.audio_codec, info.audio_channels, info.audio_sample_rate) == ("aac", 2, 48000)


def test_no_audio(clip_no_audio: Path) -> None:
    info = probe(clip_no_audio)
    _check_common(info, clip_no_audio)
    assert abs(info.duration - 5 * US) <= _frame_us(25)
    assert info.frame_rate == Fraction(25)
    assert not info.has_audio
    assert (info.audio_codec, info.audio_channels, info.audio_sample_rate) == (None, None, None)
    assert info.variable_frame_rate is False


def test_vfr_clip_is_really_variable(clip_vfr: Path) -> None:
    with av.open(str(clip_vfr)) as c:
        stream = c.streams.video[0]
        pts = sorted(p.pts for p in c.demux(stream) if p.pts is not None)
    deltas = {b - a for a, b in zip(pts, pts[1:], strict=False)}
    assert len(deltas) == 2 and max(deltas) == 2 * min(deltas)  # 1/30 s and 1/15 s frames


def test_vfr(clip_vfr: Path) -> None:
    info = probe(clip_vfr)
    _check_common(info, clip_vfr)
    assert info.variable_frame_rate is True
    assert abs(info.duration - 4 * US) <= _frame_us(15)
    # the average rate: 60 frames in 2 s then 30 in 2 s
    assert info.frame_rate is not None and Fraction(15) < info.frame_rate < Fraction(30)
    assert (info.width, info.height) == (320, 180)


def test_rotated(clip_rotated: Path) -> None:
    info = probe(clip_rotated)
    _check_common(info, clip_rotated)
    assert info.rotation == 90
    assert (info.width, info.height) == (320, 180)  # stored pixels
    assert info.display_size == (180, 320)  # as the player shows them
    assert info.variable_frame_rate is False
    # PyAV's own reading (needs a decode): counter-clockwise degrees from the display matrix
    with av.open(str(clip_rotated)) as c:
        frame = next(c.decode(video=0))
    assert (-frame.rotation) % 360 == info.rotation


def test_rotation_in_matroska(make_clip, tmp_path: Path) -> None:
    """Outside ISO-BMFF the rotation comes from a decoded frame's display matrix."""
    source = make_clip("src.mp4", seconds=1, width=160, height=90, fps=10, audio=False)
    mkv = tmp_path / "rotated.mkv"
    subprocess.run(
        [media.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
         "-display_rotation", "-270", "-i", str(source), "-c", "copy", str(mkv)],
        check=True,
    )
    info = probe(mkv)
    assert info.container == "matroska,webm"
    assert info.rotation == 270
    assert info.display_size == (90, 160)


def test_long(clip_long: Path) -> None:
    info = probe(clip_long)
    _check_common(info, clip_long)
    assert info.duration > 20 * 60 * US
    assert abs(info.duration - (20 * 60 + 30) * US) <= _frame_us(2)
    assert info.frame_rate == Fraction(2)
    assert (info.width, info.height) == (64, 36)
    assert (info.audio_codec, info.audio_channels, info.audio_sample_rate) == ("aac", 1, 8000)
    assert info.variable_frame_rate is False


def test_extra_clip_from_fixture(make_clip) -> None:
    path = make_clip("gop.mp4", seconds=2, width=160, height=90, fps=24, gop=12)
    info = probe(path)
    assert abs(info.duration - 2 * US) <= _frame_us(24)
    with av.open(str(path)) as c:
        keys = sum(p.is_keyframe for p in c.demux(video=0) if p.size)
    assert keys == 4  # 48 frames, a keyframe every 12


# bad files -----------------------------------------------------------------------------


def _error(path: Path) -> ProbeError:
    with pytest.raises(ProbeError) as info:
        probe(path)
    err = info.value
    assert isinstance(err, UserError)
    assert path.name in err.message  # every message names the file
    return err


def test_missing(tmp_path: Path) -> None:
    err = _error(tmp_path / "gone.mp4")
    assert err.kind == "missing"
    assert "does not exist" in err.message and str(tmp_path) in err.message


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "clips.mp4"
    folder.mkdir()
    err = _error(folder)
    assert err.kind == "unreadable"
    assert "is a folder" in err.message


def test_permission_denied(clip_no_audio: Path, tmp_path: Path, monkeypatch) -> None:
    locked = tmp_path / "locked.mp4"
    locked.write_bytes(clip_no_audio.read_bytes())
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):  # root reads anything: make open() refuse instead

            def refuse(*args: object, **kwargs: object) -> None:
                raise PermissionError(13, "Permission denied", str(locked))

            monkeypatch.setattr("studio.editor.probe.open", refuse, raising=False)
        err = _error(locked)
        assert err.kind == "unreadable"
        assert "cannot be read: permission denied" in err.message
    finally:
        locked.chmod(0o644)


def test_empty(file_empty: Path) -> None:
    err = _error(file_empty)
    assert err.kind == "empty"
    assert "is empty (0 bytes)" in err.message


def test_text(file_text: Path) -> None:
    err = _error(file_text)
    assert err.kind == "not_media"
    assert "is not a video file" in err.message
    assert "looks like text" in err.message and "Episode notes" in err.message


def test_html_page(tmp_path: Path) -> None:
    page = tmp_path / "episode.mp4"
    page.write_text("<!DOCTYPE html>\n<html><body>403 Forbidden</body></html>\n")
    err = _error(page)
    assert err.kind == "not_media"
    assert "web page" in err.message


def test_binary_junk(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(bytes(range(256)) * 64)
    err = _error(junk)
    assert err.kind == "not_media"
    assert "is not a video file" in err.message and "looks like" not in err.message


def test_truncated(file_truncated: Path) -> None:
    err = _error(file_truncated)
    assert err.kind == "truncated"
    assert "is incomplete" in err.message and "interrupted download" in err.message
    assert "missing" in err.message and "kB" in err.message  # how much, when known


def test_truncated_after_mdat_without_moov(clip_no_audio: Path, tmp_path: Path) -> None:
    """Cut exactly where the moov box starts: every box is whole, the index is not there."""
    data = clip_no_audio.read_bytes()
    cut = tmp_path / "no_moov.mp4"
    cut.write_bytes(data[: data.rfind(b"moov") - 4])
    err = _error(cut)
    assert err.kind == "truncated"
    assert "'moov' box" in err.message


def test_truncated_moov_first_says_exactly_how_much(make_clip, tmp_path: Path) -> None:
    whole = make_clip("whole.mp4", seconds=2, width=160, height=90, fps=24, faststart=True)
    data = whole.read_bytes()
    assert data.find(b"moov") < data.find(b"mdat")
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) - 12_345])
    err = _error(cut)
    assert err.kind == "truncated"
    assert "12.3 kB are missing" in err.message and "at least" not in err.message


def test_truncated_inside_moov(clip_no_audio: Path, tmp_path: Path) -> None:
    data = clip_no_audio.read_bytes()
    cut = tmp_path / "half_moov.mp4"
    cut.write_bytes(data[:-500])  # the moov box is last: exactly 500 bytes are missing
    err = _error(cut)
    assert err.kind == "truncated"
    assert "500 bytes are missing" in err.message and "at least" not in err.message


def test_trailing_junk_is_not_truncation(clip_no_audio: Path, tmp_path: Path) -> None:
    padded = tmp_path / "padded.mp4"
    padded.write_bytes(clip_no_audio.read_bytes() + b"\x00" * 100 + b"JUNKjunk" * 10)
    assert probe(padded).duration == probe(clip_no_audio).duration


@pytest.mark.parametrize(
    ("box", "offset", "patch", "says"),
    [
        (b"trak", 0, b"xxxx", "index lists no playable track"),  # the track box unrecognisable
        (b"stco", 8, b"\xff" * 8, "picture data cannot be read"),  # chunk offsets past the end
    ],
)
def test_damaged(
    clip_no_audio: Path, tmp_path: Path, box: bytes, offset: int, patch: bytes, says: str
) -> None:
    data = bytearray(clip_no_audio.read_bytes())
    at = data.find(box, data.rfind(b"moov")) + offset
    data[at : at + len(patch)] = patch
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(bytes(data))
    err = _error(broken)
    assert err.kind == "damaged"
    assert says in err.message


def test_audio_only(clip_audio_only: Path) -> None:
    err = _error(clip_audio_only)
    assert err.kind == "no_video"
    assert "has no video stream, only audio" in err.message


def test_unsupported_codec(file_unsupported_codec: Path) -> None:
    # the fixture is real: FFmpeg reads the container but has no decoder for the track
    with av.open(str(file_unsupported_codec)) as c:
        stream = c.streams.video[0]
        assert stream.codec_context is None
        with pytest.raises(av.error.DecoderNotFoundError):
            next(c.decode(stream))
    err = _error(file_unsupported_codec)
    assert err.kind == "unsupported_codec"
    assert "cannot decode" in err.message and "'qqv9'" in err.message


def test_every_bad_file_has_its_own_kind_and_message(
    tmp_path: Path, file_empty: Path, file_text: Path, file_truncated: Path,
    clip_audio_only: Path, file_unsupported_codec: Path,
) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    damaged = tmp_path / "damaged.mp4"
    data = clip_audio_only.read_bytes()
    damaged.write_bytes(data.replace(b"trak", b"xxxx"))
    bad = [tmp_path / "missing.mp4", folder, file_empty, file_text, file_truncated,
           damaged, clip_audio_only, file_unsupported_codec]
    errors = [_error(path) for path in bad]
    kinds = [e.kind for e in errors]
    assert len(set(kinds)) == len(kinds)
    messages = [e.message.replace(path.name, "FILE") for e, path in zip(errors, bad, strict=True)]
    assert len(set(messages)) == len(messages)


def test_b_frames_do_not_look_like_a_variable_frame_rate(tmp_path):
    """veryfast x264 reorders frames; the packet window must not read that as VFR."""
    from studio.editor.synth import make_sample_clip

    clip = make_sample_clip(tmp_path / "bframes.mp4", seconds=6, width=160, height=288,
                            pattern="smptehdbars")  # fmt: skip
    with av.open(str(clip)) as c:
        pts = [p.pts for p, _ in zip(c.demux(c.streams.video[0]), range(40), strict=False)]
    assert pts != sorted(pts), "the clip should have B-frames for this test to mean anything"
    info = probe(clip)
    assert not info.variable_frame_rate
    assert info.frame_rate == 24


# a rate that turns variable late; Matroska/WebM cut short -------------------------------


def _deltas(pts: list[int]) -> set[int]:
    pts = sorted(pts)
    return {b - a for a, b in zip(pts, pts[1:], strict=False)}


@pytest.mark.parametrize("suffix", [".mp4", ".mkv"])
def test_a_rate_that_turns_variable_after_the_first_packets(tmp_path: Path, suffix: str) -> None:
    """30 fps for 5 s (150 packets, more than the first ones probe demuxes), then 15 fps.

    MP4: the sample durations of the whole track (stts); Matroska: packets read at
    points across the file.
    """
    clip = media.make_late_vfr_clip(tmp_path / f"phone{suffix}", seconds=8, steady=5,
                                    width=160, height=90)  # fmt: skip
    with av.open(str(clip)) as c:
        pts = [p.pts for p in c.demux(video=0) if p.size]
    assert len(pts) == 150 + 45
    assert max(_deltas(pts[:VFR_PACKETS])) - min(_deltas(pts[:VFR_PACKETS])) <= 1  # ms rounding
    assert max(_deltas(pts)) >= 2 * min(_deltas(pts))
    info = probe(clip)
    assert info.variable_frame_rate is True
    assert abs(info.duration - 8 * US) <= _frame_us(15) + 25_000
    assert info.frame_rate is not None and Fraction(15) < info.frame_rate <= Fraction(30)


def test_b_frames_in_matroska_do_not_look_like_a_variable_frame_rate(tmp_path: Path) -> None:
    """Packets read at points across a Matroska file: millisecond times, B-frames."""
    from studio.editor.synth import make_sample_clip

    clip = make_sample_clip(tmp_path / "bframes.mp4", seconds=12, width=160, height=288,
                            pattern="smptehdbars")  # fmt: skip
    mkv = tmp_path / "bframes.mkv"
    subprocess.run([media.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-i",
                    str(clip), "-c", "copy", str(mkv)], check=True)  # fmt: skip
    info = probe(mkv)
    assert not info.variable_frame_rate
    assert info.frame_rate == 24


def _packets_end_s(path: Path) -> float:
    """Where the packets of ``path`` really end, in seconds (read by a full demux)."""
    end = 0.0
    with av.open(str(path)) as c:
        try:
            for p in c.demux():
                if p.size and p.pts is not None:
                    end = max(end, float((p.pts + (p.duration or 0)) * p.time_base))
        except av.error.FFmpegError:
            pass  # the packet cut in the middle
    return end


@pytest.mark.parametrize("webm", [False, True], ids=["mkv", "webm"])
def test_a_matroska_file_cut_short_is_refused_and_says_where_it_ends(
    tmp_path: Path, webm: bool
) -> None:
    whole = media.make_matroska_clip(tmp_path / ("whole.webm" if webm else "whole.mkv"),
                                     seconds=6, webm=webm)  # fmt: skip
    info = probe(whole)  # the whole file is fine
    assert info.container == "matroska,webm"
    assert (info.video_codec, info.audio_codec) == (("vp9", "opus") if webm else ("h264", "aac"))
    assert abs(info.duration - 6 * US) <= _frame_us(30)
    assert info.frame_rate == 30 and not info.variable_frame_rate
    half = media.make_cut_short(whole, tmp_path / f"half{whole.suffix}")
    with av.open(str(half)) as c:
        assert c.duration is not None and c.duration >= 6 * US  # the header still says 0:06
    end = _packets_end_s(half)
    assert 1 < end < 5
    err = _error(half)
    assert err.kind == "truncated"
    assert f"is incomplete: it ends at 0:0{int(end)} of 0:06. " in err.message
    assert "interrupted download" in err.message and err.hint


def test_matroska_sound_longer_than_the_picture_is_not_cut_short(
    make_clip, tmp_path: Path
) -> None:
    picture = make_clip("picture.mp4", seconds=3, width=160, height=90, fps=30, audio=False)
    mkv = tmp_path / "long_sound.mkv"
    subprocess.run(
        [media.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-i", str(picture),
         "-f", "lavfi", "-i", "sine=d=6:sample_rate=48000", "-c:v", "copy", "-c:a", "aac",
         str(mkv)], check=True,
    )  # fmt: skip
    info = probe(mkv)
    assert abs(info.duration - 6 * US) <= 50_000
    assert not info.variable_frame_rate
