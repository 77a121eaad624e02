"""Where a trim falls in a video's frames and keyframes, read from its packets.

``cut_points`` gives the planner (cut_plan.py, pure) the facts it needs: the
frames at the in and out points, the keyframes around them, whether frames are
reordered (B-frames), how far a copy can run into the last keyframe interval
(decode order), and whether the frames can be copied at all (open GOPs,
hidden pre-roll). ``snap_trim`` moves a trim onto frame boundaries.
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import av

from studio.domain.errors import UserError
from studio.domain.models import MediaInfo
from studio.domain.timecode import TimeRange
from studio.editor import keyframes
from studio.editor.cut_plan import CutPoints

US = 1_000_000


def cut_points(path: str | Path, info: MediaInfo, trim: TimeRange, *,
               decode_order: bool = True) -> CutPoints:  # fmt: skip
    """Read, from the packet index, where the trim falls relative to frames and keyframes.

    ``decode_order`` also reads, for a B-frame source, how far the copy can run
    into the last keyframe interval (``CutPoints.copyable_to``): one GOP demuxed.
    """
    rate = info.frame_rate or Fraction(30)
    fd = Fraction(US) / rate
    index = keyframes.default_index()
    around_in = index.frame_times_between(path, max(0, trim.start - 2 * US), trim.start + 1)
    in_frame = max((t for t in around_in if t <= trim.start), default=0)
    after_out = index.frame_times_between(path, trim.end, trim.end + 2 * US)
    if after_out:
        out_end = after_out[0]
    else:  # the trim runs to the end: the last frame lasts as long as its packet says
        before = index.frame_times_between(path, max(0, trim.end - 2 * US), trim.end)
        out_end = (before[-1] + _last_frame_length(path, before[-1], fd)) if before \
            else trim.end  # fmt: skip
        if before and info.duration > before[-1]:
            out_end = min(out_end, info.duration)  # µs rounding must not pass the end
    media_end = out_end if not after_out else max(info.duration, out_end)
    k_before_in = index.keyframe_at_or_before(path, in_frame).time_us
    k_after_in = index.keyframe_at_or_after(path, in_frame)
    k_before_out = index.keyframe_at_or_before(path, out_end - 1).time_us
    k_at_out = index.keyframe_at_or_after(path, out_end)
    out_on_keyframe = k_at_out is not None and k_at_out.time_us == out_end
    reordering = index.has_reordering(path)
    copyable_to = None
    if decode_order and reordering and after_out and not out_on_keyframe:
        copyable_to = _copyable_to(path, k_before_out, out_end)
    timeline = index.timeline(path)
    # A copy starts at the first keyframe at or after the in point.
    open_gop = bool(decode_order and info.video_codec == "h264" and k_after_in
                    and k_after_in.time_us < out_end and not _is_idr(path, k_after_in.time_us))
    decode_from = None
    if decode_order and info.video_codec == "h264" and k_before_in > 0 \
            and not _is_idr(path, k_before_in):  # fmt: skip
        decode_from = _recovering_keyframe(path, k_before_in, in_frame)
    return CutPoints(
        in_frame=in_frame, out_end=out_end, key_before_in=k_before_in,
        key_after_in=k_after_in.time_us if k_after_in and k_after_in.time_us < out_end else None,
        key_before_out=k_before_out, reordering=reordering,
        media_end=media_end, frame_duration=fd, out_on_keyframe=out_on_keyframe,
        copyable_to=copyable_to, open_gop=open_gop,
        pre_roll=timeline.first_pts < timeline.start_pts, decode_from=decode_from,
    )  # fmt: skip


def _last_frame_length(path: str | Path, last_us: int, fd: Fraction) -> int:
    """How long (µs) the last frame, shown at ``last_us``, lasts: its packet's duration.
    A variable-rate clip's last frame can be far from the average frame duration
    ``fd`` (a phone clip at 15 fps in the end, 19 on average); ``fd`` when the
    container does not say."""
    try:
        container, stream = keyframes.open_video(path)
    except UserError:
        return round(fd)
    timeline = keyframes.default_index().timeline(path)
    target = timeline.to_pts(last_us)
    last = None
    with container:
        try:
            _seek_before(container, stream, timeline, target)
            for packet in container.demux(stream):
                if packet.size and packet.pts is not None and packet.pts >= target:
                    if last is None or packet.pts > last.pts:
                        last = packet
        except av.error.FFmpegError:
            pass
    if last is None or not last.duration:
        return round(fd)
    return timeline.to_us(last.pts + last.duration) - timeline.to_us(last.pts)


def _is_idr(path: str | Path, time_us: int) -> bool:
    """Whether the H.264 keyframe shown at ``time_us`` is an IDR picture, after which
    no frame refers to an earlier one (an open-GOP I frame is not). True when unsure."""
    try:
        container, stream = keyframes.open_video(path)
    except UserError:
        return True
    timeline = keyframes.default_index().timeline(path)
    target = timeline.to_pts(time_us)
    with container:
        extra = stream.codec_context.extradata or b""
        length = (extra[4] & 3) + 1 if len(extra) > 4 and extra[0] == 1 else None  # avcC
        try:
            _seek_before(container, stream, timeline, target)
            for packet in container.demux(stream):
                if packet.pts == target and packet.size:
                    return 5 in _nal_types(bytes(packet), length)
                if packet.pts is not None and packet.pts > target + round(10 / timeline.time_base):
                    break  # 10 s past it: not found
        except av.error.FFmpegError:
            pass
    return True


def _recovering_keyframe(path: str | Path, key_us: int, frame_us: int) -> int | None:
    """The keyframe to decode from so that the frame at ``frame_us`` is shown, when the
    keyframe before it (``key_us``) is not an IDR; None when that one will do.

    After such a keyframe (x264's intra refresh flags each refresh start as one;
    an open GOP's I frame) FFmpeg's decoder, in the ffmpeg command as in PyAV,
    shows nothing until the picture has recovered: with intra refresh and
    B-frames, one or two keyframe intervals later. An encode starting there
    would fill the gap with the first frame it got. This decodes from each
    earlier keyframe, the nearest first, until the frame is shown.
    """
    index = keyframes.default_index()
    timeline = index.timeline(path)
    key = key_us
    for _ in range(_RECOVERY_TRIES):
        if key <= 0 or _first_frame_shown_from(path, timeline, key) <= frame_us:
            return None if key == key_us else key
        key = index.keyframe_at_or_before(path, key - 1).time_us
    return 0  # from the start: always right, slower


_RECOVERY_TRIES = 12  # keyframes to go back before decoding from the very start


def _first_frame_shown_from(path: str | Path, timeline, key_us: int) -> float:
    """Media time of the first frame the decoder shows after a seek to the keyframe at
    ``key_us`` (infinity when none): a late seek only makes it later, on the safe side."""
    try:
        container, stream = keyframes.open_video(path)
    except UserError:
        return math.inf
    with container:
        try:
            container.seek(timeline.to_pts(key_us), stream=stream, backward=True,
                           any_frame=False)  # fmt: skip
            for frame in container.decode(stream):
                if frame.pts is not None:
                    return timeline.to_us(frame.pts)
        except av.error.FFmpegError:
            pass
    return math.inf


def _nal_types(data: bytes, length: int | None) -> set[int]:
    """The NAL unit types in an H.264 packet: length-prefixed (MP4, Matroska: ``length``
    bytes per size) or with start codes (``length`` None, MPEG-TS)."""
    types = set()
    if length is None:
        i = data.find(b"\x00\x00\x01")
        while i != -1 and i + 3 < len(data):
            types.add(data[i + 3] & 0x1F)
            i = data.find(b"\x00\x00\x01", i + 3)
        return types
    i = 0
    while i + length < len(data):
        size = int.from_bytes(data[i:i + length], "big")
        types.add(data[i + length] & 0x1F)
        i += length + size
    return types


def _copyable_to(path: str | Path, key_us: int, out_end: int) -> int | None:
    """The end of the longest run of frames from the keyframe at ``key_us`` that are
    also the first packets in decode order (so they decode without any later frame),
    within ``[key_us, out_end)``; None when the packets cannot be read.

    With B-frames, a P frame is decoded before the B frames shown ahead of it: a
    run may end only where every frame decoded so far is shown before every
    frame still to come.
    """
    index = keyframes.default_index()
    shown = index.frame_times_between(path, key_us, out_end)
    timeline = index.timeline(path)
    try:
        container, stream = keyframes.open_video(path)
    except UserError:
        return None
    with container:
        try:
            return _longest_prefix(container, stream, timeline, key_us, out_end, shown)
        except av.error.FFmpegError:
            return None  # damaged: the render itself will say so; copy no further


def _longest_prefix(container, stream, timeline, key_us, out_end, shown) -> int | None:
    best = None
    _seek_before(container, stream, timeline, timeline.to_pts(key_us))
    started, count, latest = False, 0, -1
    for packet in container.demux(stream):
        if packet.pts is None or not packet.size or packet.is_discard:
            continue
        t = timeline.to_us(packet.pts)
        if not started:
            started = packet.is_keyframe and t == key_us
            if not started:
                if t > key_us + 10 * US:
                    return None
                continue
        if t < key_us or t >= out_end:
            break  # a leading frame of an open GOP, or one shown after the cut
        count, latest = count + 1, max(latest, t)
        if count > len(shown):
            break
        if latest == shown[count - 1]:  # the first `count` decoded = the first shown
            best = shown[count] if count < len(shown) else out_end
            if count == len(shown):
                break
    return best


def snap_trim(path: str | Path, info: MediaInfo, trim: TimeRange) -> TimeRange:
    """The trim moved onto frame boundaries, as the render will cut it.

    The in point becomes the start of the frame on screen at it; the out point
    the end of the frame on screen just before it. Storing snapped trims makes
    an episode's duration exactly that of its rendered file.
    """
    c = cut_points(path, info, trim, decode_order=False)
    return TimeRange(c.in_frame, c.out_end)


def _seek_before(container, stream, timeline, target: int) -> None:
    """Seek to a keyframe before ``target`` (pts): a second early, as MPEG-TS seeks land
    late; the callers read on to the packet they want."""
    early = target - round(1 / timeline.time_base)
    container.seek(early, stream=stream, backward=True, any_frame=False)
