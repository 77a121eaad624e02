"""Probe a media file with PyAV: what it contains, or exactly why it cannot be used.

:func:`probe` opens the container, reads stream parameters and demuxes (does not
decode) the first video packets to tell constant from variable frame rate.
Before FFmpeg sees the file, a few cheap byte-level checks turn the common bad
inputs (empty, text or other non-media, an MP4 cut short) into a
:class:`ProbeError` with a message the creator can act on.

A frame rate may turn variable anywhere (a phone drops to 15 fps in low light
after a minute), so the first packets are not the whole answer. For ISO-BMFF
the sample durations of the whole video track are read from its ``stts`` box
(bytes already walked, no demuxing). Other containers have no such table:
:func:`probe` seeks to a few points across the file and to its end and demuxes
a few dozen packets at each, which also tells where the packets really end: a
Matroska/WebM (or other) file cut short keeps the duration its header states,
and is refused when its last packets end well before it. About 1-2 ms per
seek with an index; a Matroska file cut short has lost its index (the Cues are
written last), so FFmpeg walks its clusters to the end: ~0.1-0.4 s for 600 MB,
paid only by such a file.

Rotation: PyAV 18 exposes no stream side data, only ``VideoFrame.rotation``
(which needs a decode). For ISO-BMFF files (MP4/MOV/M4V/3GP) the display
matrix is read from the ``tkhd``/``mvhd`` boxes instead, exactly as FFmpeg's
mov demuxer combines them; Matroska/WebM decode one frame; others carry none.
"""

from __future__ import annotations

import math
import os
import stat
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import BinaryIO, Literal

import av
import av.error

from studio.domain.errors import UserError
from studio.domain.models import MediaInfo
from studio.domain.sizes import format_size
from studio.domain.timecode import format_duration
from studio.i18n import N_, tr

__all__ = ["ProbeError", "ProbeErrorKind", "probe"]

ProbeErrorKind = Literal[
    "missing", "unreadable", "empty", "not_media", "truncated", "damaged", "no_video",
    "unsupported_codec",
]

_AGAIN = N_("Export, download or copy it again.")
# Bump when probing learns something new: the library re-probes media whose
# stored facts come from an older version (see studio.actions.refresh_media_status).
PROBE_VERSION = 3  # 3: variable frame rate over the whole file; Matroska/WebM cut short
REORDER_DEPTH = 16  # the most frames a decoder may hold back (H.264/HEVC DPB)
VFR_PACKETS = 120  # video packets demuxed to decide constant vs variable frame rate
VFR_SAMPLES = 3  # further points across a non-MP4 file where the frame rate is checked
SAMPLE_PACKETS = 48  # video packets demuxed at each of them
TAIL_US = 3_000_000  # the end is read from this long before the stated duration
SHORT_US = 500_000  # packets ending this much before the stated duration: the file is cut
MAX_STTS = 1 << 20  # sample-duration entries read at most (a day of 10 fps changes)
_SNIFF_BYTES = 4096
_ISO_TOP = {
    b"ftyp", b"styp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot", b"uuid",
    b"sidx", b"moof", b"mfra", b"meta", b"pdin", b"prft", b"emsg", b"ssix", b"junk",
}
_MAGIC = {  # what a file starting with these bytes is, said before FFmpeg sees it
    b"%PDF": N_("a PDF document"), b"PK\x03\x04": N_("a ZIP archive"),
    b"\x89PNG\r\n\x1a\n": N_("a PNG image"), b"\xff\xd8\xff": N_("a JPEG image"),
}


class ProbeError(UserError):
    """A file that cannot be used as a video; ``kind`` says why (see ProbeErrorKind)."""

    def __init__(
        self, kind: ProbeErrorKind, message: str, *, path: str = "", hint: str | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.kind: ProbeErrorKind = kind
        self.path = path


@dataclass
class _IsoFacts:
    """What walking the ISO-BMFF boxes found."""

    missing_bytes: int | None = None  # a top-level box runs this far past the end
    cut_box: bytes = b""  # the type of that box
    complete: bool = False  # the top-level boxes tile the whole file
    has_moov: bool = False
    has_meta: bool = False
    video_fourcc: str | None = None
    rotation: int | None = None  # clockwise, first video track
    # (sample count, duration) runs of the first video track, in decode order (``stts``)
    sample_durations: list[tuple[int, int]] = field(default_factory=list)


def probe(path: str | Path) -> MediaInfo:
    """Describe the media file at ``path``; raise :class:`ProbeError` when it is unusable."""
    p = Path(path)
    name = p.name or str(p)
    st = _stat(p, name)
    iso = _check_bytes(p, name, st.st_size)
    try:
        container = av.open(str(p), metadata_errors="ignore")
    except av.error.PermissionError as exc:
        raise _unreadable(p, name, exc) from exc
    except av.error.InvalidDataError as exc:
        if iso is not None:
            raise ProbeError(
                "damaged", tr("'{name}' looks like an MP4/MOV file but its structure is damaged, "
                              "so it cannot be read.").format(name=name),
                path=str(p), hint=tr(_AGAIN),
            ) from exc
        raise ProbeError(
            "not_media", tr("'{name}' is not a video file: its contents are not a format "
                            "Series Studio (FFmpeg) recognises.").format(name=name), path=str(p),
        ) from exc
    except av.error.FFmpegError as exc:
        raise ProbeError(
            "damaged", tr("'{name}' could not be opened as a video ({error}).").format(
                name=name, error=exc.strerror), path=str(p)
        ) from exc
    with container:
        return _describe(container, p, name, st, iso)


def _stat(p: Path, name: str) -> os.stat_result:
    try:
        st = p.stat()
    except (FileNotFoundError, NotADirectoryError) as exc:
        where = p.parent if str(p.parent) not in ("", ".") else Path.cwd()
        raise ProbeError(
            "missing", tr("'{name}' does not exist (looked in {folder}).").format(
                name=name, folder=where), path=str(p),
            hint=tr("It may have been moved, renamed or deleted."),
        ) from exc
    except OSError as exc:
        raise _unreadable(p, name, exc) from exc
    if stat.S_ISDIR(st.st_mode):
        raise ProbeError("unreadable", tr("'{name}' is a folder, not a video file.").format(
            name=name), path=str(p))
    if st.st_size == 0:
        raise ProbeError(
            "empty", tr("'{name}' is empty (0 bytes).").format(name=name), path=str(p),
            hint=tr("A download or copy probably failed; get the file again."),
        )
    return st


def _unreadable(p: Path, name: str, exc: OSError) -> ProbeError:
    why, hint = exc.strerror or str(exc), None
    if isinstance(exc, PermissionError):
        why, hint = tr("permission denied"), tr("Check that your user account may read it.")
    return ProbeError("unreadable", tr("'{name}' cannot be read: {reason}.").format(
        name=name, reason=why), path=str(p), hint=hint)


def _check_bytes(p: Path, name: str, size: int) -> _IsoFacts | None:
    """Sniff the head of the file; walk its boxes if it is ISO-BMFF (returns the facts)."""
    try:
        with open(p, "rb") as f:
            head = f.read(_SNIFF_BYTES)
            iso = _walk_iso(f, size) if head[4:8] in _ISO_TOP else None
    except OSError as exc:
        raise _unreadable(p, name, exc) from exc
    if iso is None:
        looks = _looks_like(head)
        if looks:
            raise ProbeError("not_media", tr("'{name}' is not a video file: it looks like "
                                             "{what}.").format(name=name, what=looks),
                             path=str(p))
        return None
    if iso.missing_bytes is not None or (iso.complete and not (iso.has_moov or iso.has_meta)):
        if iso.missing_bytes:
            # moov may follow the box that was cut short: then more is missing
            detail = (tr("it ends after {size} and {missing} are missing")
                      if iso.has_moov or iso.cut_box == b"moov" else
                      tr("it ends after {size} and at least {missing} are missing")).format(
                size=format_size(size), missing=format_size(iso.missing_bytes))
        else:
            detail = tr("the index every MP4 needs (the 'moov' box) is missing")
        raise _incomplete(p, name, detail)
    return iso


def _incomplete(p: Path, name: str, detail: str) -> ProbeError:
    return ProbeError(
        "truncated", tr("'{name}' is incomplete: {detail}. This usually means an interrupted "
                        "download or copy.").format(name=name, detail=detail),
        path=str(p), hint=tr("Download or copy the file again."),
    )


def _looks_like(head: bytes) -> str | None:
    """What the file seems to be, said in the current language (None: maybe a video)."""
    for magic, what in _MAGIC.items():
        if head.startswith(magic):
            return tr(what)
    if b"\x00" in head:
        return None
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sniff
            return None
        text = head[: exc.start].decode("utf-8")
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    if not text or printable < 0.95 * len(text):
        return None
    lower = text.lstrip("\ufeff \r\n\t").lower()
    if lower.startswith(("<!doctype html", "<html", "<?xml", "<head")):
        return tr("a web page (HTML text), perhaps an error page saved instead of the video")
    first = text.strip().splitlines()[0][:40] if text.strip() else ""
    return tr("text ({start}…)").format(start=repr(first)) if first else tr("text")


# ISO-BMFF ---------------------------------------------------------------------------


def _boxes(f: BinaryIO, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """Yield (type, payload start, box end) for the boxes in [start, end)."""
    pos = start
    while pos + 8 <= end:
        f.seek(pos)
        hdr = f.read(16)
        size, kind = struct.unpack(">I4s", hdr[:8])
        header = 8
        if size == 1 and len(hdr) == 16:
            (size,) = struct.unpack(">Q", hdr[8:16])
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or not all(32 <= c < 127 for c in kind):
            return  # not a box: stop walking, FFmpeg will judge the rest
        yield kind, pos + header, pos + size
        pos += size


def _walk_iso(f: BinaryIO, size: int) -> _IsoFacts:
    facts = _IsoFacts()
    for kind, payload, end in _boxes(f, 0, size):
        if kind not in _ISO_TOP:  # trailing junk or an exotic box: let FFmpeg judge
            facts.complete = False
            break
        if end > size:
            facts.missing_bytes, facts.cut_box = end - size, kind
            break
        facts.complete = end == size
        if kind == b"moov":
            facts.has_moov = True
            _read_moov(f, payload, end, facts)
        elif kind == b"meta":
            facts.has_meta = True
    return facts


def _read_matrix(f: BinaryIO, at: int) -> list[float]:
    f.seek(at)
    raw = struct.unpack(">9i", f.read(36))
    # a, b, u, c, d, v, x, y, w: 16.16 fixed point except u, v, w (2.30)
    return [v / (1 << 30) if i % 3 == 2 else v / (1 << 16) for i, v in enumerate(raw)]


def _read_moov(f: BinaryIO, start: int, end: int, facts: _IsoFacts) -> None:
    movie = [1.0, 0, 0, 0, 1.0, 0, 0, 0, 1.0]
    for kind, payload, box_end in _boxes(f, start, end):
        if kind == b"mvhd" and box_end - payload >= 100:
            f.seek(payload)
            version = f.read(1)[0]
            movie = _read_matrix(f, payload + 4 + (28 if version == 1 else 16) + 16)
        elif kind == b"trak" and facts.video_fourcc is None:
            track, handler, fourcc, durations = None, None, None, []
            for k2, p2, e2 in _boxes(f, payload, box_end):
                if k2 == b"tkhd" and e2 - p2 >= 84:
                    f.seek(p2)
                    version = f.read(1)[0]
                    track = _read_matrix(f, p2 + 4 + (32 if version == 1 else 20) + 16)
                elif k2 == b"mdia":
                    handler, fourcc, durations = _read_mdia(f, p2, e2)
            if handler == b"vide":
                facts.video_fourcc = fourcc
                facts.sample_durations = durations
                if track is not None:
                    facts.rotation = _rotation(_mul3(track, movie))


def _read_mdia(
    f: BinaryIO, start: int, end: int
) -> tuple[bytes | None, str | None, list[tuple[int, int]]]:
    """The track's handler, sample entry fourcc and (count, duration) runs of samples."""
    handler, fourcc, durations = None, None, []
    for kind, payload, box_end in _boxes(f, start, end):
        if kind == b"hdlr":
            f.seek(payload + 8)  # version/flags, pre_defined
            handler = f.read(4)
        elif kind == b"minf":
            for k2, p2, e2 in _boxes(f, payload, box_end):
                if k2 == b"stbl":
                    for k3, p3, e3 in _boxes(f, p2, e2):
                        if k3 == b"stsd":
                            f.seek(p3 + 12)  # version/flags, entry count, entry size
                            fourcc = f.read(4).decode("latin-1")
                        elif k3 == b"stts" and e3 - p3 >= 8:
                            f.seek(p3 + 4)  # version/flags
                            (count,) = struct.unpack(">I", f.read(4))
                            count = min(count, (e3 - p3 - 8) // 8, MAX_STTS)
                            durations = list(struct.iter_unpack(">II", f.read(8 * count)))
    return handler, fourcc, durations


def _mul3(a: list[float], b: list[float]) -> list[float]:
    return [sum(a[i * 3 + e] * b[e * 3 + j] for e in range(3)) for i in range(3) for j in range(3)]


def _rotation(m: list[float]) -> int:
    """Clockwise display rotation of a 3x3 matrix (FFmpeg's av_display_rotation_get, negated)."""
    sx, sy = math.hypot(m[0], m[3]), math.hypot(m[1], m[4])
    if sx == 0 or sy == 0:
        return 0
    return _norm(math.degrees(math.atan2(m[1] / sy, m[0] / sx)))


def _norm(degrees: float) -> int:
    return int(round(degrees / 90.0)) * 90 % 360


# FFmpeg ------------------------------------------------------------------------------


def _describe(
    container: av.container.InputContainer, p: Path, name: str, st: os.stat_result,
    iso: _IsoFacts | None,
) -> MediaInfo:
    fmt = container.format.name
    videos = [
        s for s in container.streams.video if not s.disposition & av.stream.Disposition.attached_pic
    ]
    audios = container.streams.audio
    if fmt == "image2" or fmt.endswith("_pipe"):
        raise ProbeError("not_media", tr("'{name}' is a still image ({format}), not a "
                                         "video.").format(name=name,
                                                          format=fmt.removesuffix("_pipe")),
                         path=str(p))
    if not videos:
        if audios:
            codec = audios[0].codec_context.name if audios[0].codec_context else tr("unknown")
            raise ProbeError("no_video", tr("'{name}' has no video stream, only audio "
                                            "({codec}).").format(name=name, codec=codec),
                             path=str(p), hint=tr("Episodes must be video files."))
        if iso is not None:
            raise ProbeError("damaged", tr("'{name}' is an MP4/MOV file whose index lists no "
                                           "playable track; it is damaged.").format(name=name),
                             path=str(p), hint=tr(_AGAIN))
        raise ProbeError("not_media", tr("'{name}' is not a video file: it contains neither "
                                         "video nor audio.").format(name=name), path=str(p))
    video = videos[0]
    ctx = video.codec_context
    if ctx is None:
        codec = f"'{iso.video_fourcc}'" if iso and iso.video_fourcc else tr("an unknown codec")
        raise ProbeError(
            "unsupported_codec", tr("'{name}' uses a video codec that Series Studio cannot "
                                    "decode ({codec}).").format(name=name, codec=codec),
            path=str(p), hint=tr("Convert it to H.264 or HEVC with another tool first."),
        )

    need_rotation = iso is None and "matroska" in fmt
    packets, stamps, rotation = _scan_packets(container, video, need_rotation)
    if not packets:
        raise ProbeError("damaged", tr("'{name}' has a video track, but its picture data "
                                       "cannot be read; the file is damaged.").format(name=name),
                         path=str(p), hint=tr(_AGAIN))
    vfr = _is_variable(stamps)
    duration = _duration(container, video)
    if iso is not None and iso.sample_durations:
        vfr = vfr or _durations_vary(iso.sample_durations)
    else:  # not ISO-BMFF, or fragmented (the samples are listed in each fragment)
        samples, end_us = _sample_later(container, video, duration, vfr or packets < VFR_PACKETS)
        vfr = vfr or _is_variable(stamps, *samples)
        # ISO-BMFF cut short is found in its boxes (_check_bytes)
        if iso is None and end_us is not None and end_us < duration - SHORT_US:
            raise _incomplete(p, name, tr("it ends at {end} of {duration}").format(
                end=format_duration(end_us), duration=format_duration(duration)))
    if iso is not None and iso.rotation is not None:
        rotation = iso.rotation
    elif rotation is None:
        tag = video.metadata.get("rotate")
        rotation = _norm(float(tag)) if tag and tag.lstrip("-").isdigit() else 0

    rate = (video.average_rate or video.guessed_rate) if vfr else (
        video.guessed_rate or video.average_rate or video.base_rate
    )
    sar = video.sample_aspect_ratio or ctx.sample_aspect_ratio
    audio_ctx = next((a.codec_context for a in audios if a.codec_context is not None), None)
    return MediaInfo(
        path=str(p),
        container=fmt,
        duration=duration,
        size=st.st_size,
        mtime=st.st_mtime,
        bitrate=container.bit_rate or None,
        video_codec=ctx.name,
        video_profile=ctx.profile or None,
        pixel_format=ctx.pix_fmt,
        width=ctx.width or None,
        height=ctx.height or None,
        rotation=rotation,
        sample_aspect_ratio=Fraction(sar) if sar else Fraction(1),
        frame_rate=Fraction(rate) if rate else None,
        variable_frame_rate=vfr,
        audio_codec=audio_ctx.name if audio_ctx else None,
        audio_channels=audio_ctx.channels if audio_ctx else None,
        audio_sample_rate=audio_ctx.sample_rate if audio_ctx else None,
    )


def _duration(container: av.container.InputContainer, video: av.VideoStream) -> int:
    if container.duration is not None and container.duration > 0:
        return int(container.duration)  # AV_TIME_BASE is microseconds
    if video.duration and video.time_base:
        return int(video.duration * video.time_base * 1_000_000)
    return 0


def _scan_packets(
    container: av.container.InputContainer, video: av.VideoStream, need_rotation: bool
) -> tuple[int, list[int], int | None]:
    """Demux the first video packets: (how many, their timestamps, rotation if decoded)."""
    packets, stamps = 0, []
    rotation: int | None = None
    try:
        for packet in container.demux(video):
            packets += packet.size > 0
            ts = packet.pts if packet.pts is not None else packet.dts
            if ts is not None:
                stamps.append(ts)
            if need_rotation and rotation is None and packet.size:
                frames = packet.decode()
                if frames:
                    rotation = _norm(-frames[0].rotation)
            if packets >= VFR_PACKETS:
                break
    except av.error.FFmpegError:
        pass  # a damaged packet later in the file: judge on what was read
    return packets, stamps, rotation


def _sample_later(
    container: av.container.InputContainer, video: av.VideoStream, duration: int,
    rate_known: bool,
) -> tuple[list[list[int]], int | None]:
    """Seek across the file and to its end: (video timestamps read at each point, the
    media time in µs where the last packet ends, None when unknown).

    ``rate_known``: the frame rate is already judged (variable, or every packet
    was read), so only the end is read.
    """
    start = container.start_time or 0
    samples: list[list[int]] = []
    if duration <= 0:
        return samples, None
    if not rate_known:
        for i in range(1, VFR_SAMPLES + 1):
            samples.append(_stamps_at(container, video, start + duration * i // (VFR_SAMPLES + 1)))
    end: Fraction | None = None
    tail: list[int] = []
    try:
        container.seek(start + max(0, duration - TAIL_US))
        for packet in container.demux():  # every stream: the stated duration is their longest
            ts = packet.pts if packet.pts is not None else packet.dts
            if ts is None or not packet.size or packet.time_base is None:
                continue
            if packet.stream is video and (tail or packet.is_keyframe):
                tail.append(ts)
            stop = (ts + (packet.duration or 0)) * packet.time_base
            end = stop if end is None else max(end, stop)
    except av.error.FFmpegError:
        if end is None:  # could not seek there: say nothing about the end
            return samples, None
        # else: the file breaks off inside its last packet; what was read is what it has
    samples.append(tail)
    if end is None:
        return samples, None
    return samples, math.ceil(end * 1_000_000) - start


def _stamps_at(
    container: av.container.InputContainer, video: av.VideoStream, target_us: int
) -> list[int]:
    """Timestamps of the first video packets from the keyframe at or before ``target_us``.

    Some demuxers (MPEG-PS) land between keyframes, on packets whose times are
    guessed: the window starts at the first keyframe.
    """
    stamps: list[int] = []
    try:
        container.seek(target_us)
        for packet in container.demux(video):
            ts = packet.pts if packet.pts is not None else packet.dts
            if ts is not None and packet.size and (stamps or packet.is_keyframe):
                stamps.append(ts)
            if len(stamps) >= SAMPLE_PACKETS:
                break
    except av.error.FFmpegError:
        pass  # judge on what was read
    return stamps


def _durations_vary(runs: list[tuple[int, int]]) -> bool:
    """:func:`_is_variable` for a whole MP4 track, from its (count, duration) sample runs.

    The last sample's duration is the muxer's guess (nothing follows it): not judged.
    """
    if runs and runs[-1][0] == 1:
        runs = runs[:-1]
    counts: dict[int, int] = {}
    for n, d in runs:
        counts[d] = counts.get(d, 0) + n
    durations = sorted(d for d, n in counts.items() if n)
    if len(durations) < 2 or durations[-1] - durations[0] <= 2:
        return False
    half, seen, median = sum(counts.values()) // 2, 0, durations[-1]
    for d in durations:
        seen += counts[d]
        if seen > half:
            median = d
            break
    return durations[-1] - durations[0] > max(2, median / 10)


def _is_variable(*windows: list[int]) -> bool:
    """True when the pts deltas spread more than timestamp rounding explains.

    Each window holds the timestamps of consecutive packets (decode order) read
    from one point of the stream; deltas are taken within each window and judged
    together, so a rate that differs from one window to the next counts too.
    """
    deltas: list[int] = []
    for stamps in windows:
        pts = sorted(set(stamps))
        # Packets arrive in decode order: with B-frames, the frames shown just after
        # the last packet read are still to come, leaving holes at the end of the
        # sorted window. Judge only the part that no later packet can fill.
        if len(pts) > 2 * REORDER_DEPTH:
            pts = pts[:-REORDER_DEPTH]
        deltas += [b - a for a, b in zip(pts, pts[1:], strict=False)]
    if len(deltas) < 2:
        return False
    deltas.sort()
    median = deltas[len(deltas) // 2]
    return deltas[-1] - deltas[0] > max(2, median / 10)
