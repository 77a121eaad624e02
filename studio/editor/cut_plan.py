"""Decide how to render each episode: COPY, SMART or REENCODE. Pure code.

- COPY: the in point falls on a keyframe and the streams already suit the
  platform: packets are copied, nothing is decoded.
- SMART: the streams suit the platform but the cut falls inside a GOP: only
  the partial GOP at the in point (and, for sources with B-frames, the frames
  after the last complete run of B-frames before the out point) is
  re-encoded; everything between is copied from the exact keyframe.
- REENCODE: the source cannot be made compliant by copying (codec, variable
  frame rate, rotation, size, frame rate, 9:16 reframe): the whole range is
  encoded, and the reason and the expected time say why it is slow.

All times are integer microseconds on the media's timeline (0 = first frame).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from functools import reduce
from typing import Literal

from studio.domain.models import MediaInfo
from studio.domain.profiles import PublishProfile
from studio.domain.timecode import format_duration
from studio.i18n import N_, decimal, tr

# Speeds measured on a 2-core machine (see research/editing.md); used for estimates only.
COPY_BYTES_PER_S = 380e6  # measured: 10 min of 1080p copied in 0.42 s from the page cache
ENCODE_SPEED_1080P30 = 1.8  # x realtime, libx264 veryfast
AUDIO_ENCODE_SPEED = 80.0  # x realtime, AAC with loudness filter
LOUDNESS_MEASURE_SPEED = 450.0  # x realtime, ebur128 pass
PROCESS_OVERHEAD_S = 0.15
STANDARD_RATES = (Fraction(24), Fraction(25), Fraction(30), Fraction(50), Fraction(60))

ReframeMode = Literal["none", "pad_blur", "center_crop", "follow_faces"]
_REFRAME_NAMES = {"pad_blur": N_("pad blur"), "center_crop": N_("center crop"),
                  "follow_faces": N_("follow faces")}


class Strategy(StrEnum):
    COPY = "copy"
    SMART = "smart"
    REENCODE = "reencode"


@dataclass(frozen=True)
class RenderSettings:
    """What the creator chose for the export (per episode where it matters)."""

    reframe: ReframeMode = "none"
    reencode: bool = False  # re-encode everything, even what could be copied
    normalize_loudness: bool = False
    target_lufs: float = -14.0
    true_peak_db: float = -1.0
    crf: int = 20
    preset: str = "veryfast"
    audio_bitrate: str = "192k"

    def key(self) -> str:
        return (f"{self.reframe}|{self.reencode}|{self.normalize_loudness}|{self.target_lufs}|"
                f"{self.true_peak_db}|{self.crf}|{self.preset}|{self.audio_bitrate}")  # fmt: skip


@dataclass(frozen=True)
class CutPoints:
    """Facts about the cut read from the media's packet index (see keyframes.py).

    ``in_frame`` is the start of the frame on screen at the in point; ``out_end``
    the start of the first frame not included (or the media's end).
    ``key_before_in`` is the keyframe at or before ``in_frame``, ``key_after_in``
    the first keyframe at or after it (None when there is none before
    ``out_end``), ``key_before_out`` the last keyframe before ``out_end``.
    """

    in_frame: int
    out_end: int
    key_before_in: int
    key_after_in: int | None
    key_before_out: int
    reordering: bool
    media_end: int
    frame_duration: Fraction  # microseconds per frame (constant-rate sources)
    out_on_keyframe: bool = False  # the first frame after the range is a keyframe
    copyable_to: int | None = None
    # Frames that cannot be copied at all (see uncopyable_reasons):
    open_gop: bool = False  # the first keyframe to copy is not an IDR: later frames refer back
    pre_roll: bool = False  # the file starts between keyframes (an edit list hides frames)
    # Where to start decoding when the keyframe before the in point is not a clean
    # start (an intra-refresh recovery point, an open-GOP I frame): an earlier
    # keyframe, from which the picture has recovered by the in point (see
    # cut_points._recovering_keyframe). None: the keyframe before the in point.
    decode_from: int | None = None

    def frames(self, start: int, end: int) -> int:
        return max(0, round(Fraction(end - start) / self.frame_duration))


@dataclass(frozen=True)
class Segment:
    mode: Literal["copy", "encode"]
    start: int
    end: int
    frames: int
    start_on_keyframe: bool = False  # an encode that starts on a keyframe (a smart cut's tail)


@dataclass(frozen=True)
class OutputFormat:
    width: int
    height: int
    frame_rate: Fraction
    reframe: ReframeMode = "none"


@dataclass(frozen=True)
class CutPlan:
    strategy: Strategy
    reason: str
    start: int
    end: int
    frames: int
    segments: tuple[Segment, ...]
    audio: Literal["copy", "encode", "none"]
    output: OutputFormat
    estimate_s: float
    notes: tuple[str, ...] = field(default=())
    decode_from: int | None = None  # see CutPoints.decode_from; for what starts at the in point

    @property
    def duration(self) -> int:
        return round(self.frames * Fraction(1_000_000) / self.output.frame_rate)

    @property
    def encoded_us(self) -> int:
        return sum(s.end - s.start for s in self.segments if s.mode == "encode")

    def summary(self) -> str:
        return tr("{strategy}: {reason} (about {time})").format(
            strategy=strategy_name(self.strategy), reason=self.reason,
            time=_say_seconds(self.estimate_s))


def strategy_name(strategy: Strategy) -> str:
    """``copy``, ``smart`` or ``reencode``, in the current language."""
    if strategy is Strategy.COPY:
        return tr("copy", context="render strategy")
    if strategy is Strategy.SMART:
        return tr("smart", context="render strategy")
    return tr("reencode", context="render strategy")


def _say_seconds(s: float) -> str:
    if s < 60:
        return f"{max(1, math.ceil(s))} s"
    return f"{format_duration(int(s * 1_000_000))} min" if s < 3600 else \
        f"{decimal(f'{s / 3600:.1f}')} h"  # fmt: skip


def _even(n: float) -> int:
    return max(2, int(round(n / 2)) * 2)


def output_format(
    info: MediaInfo, profile: PublishProfile, settings: RenderSettings
) -> OutputFormat:
    """The size and frame rate the rendered file will have."""
    w, h = info.display_size or (info.width or 0, info.height or 0)
    rate = info.frame_rate or Fraction(30)
    if info.variable_frame_rate:
        rate = min(STANDARD_RATES, key=lambda r: abs(r - rate))
    if not profile.frame_rate_accepted(rate):
        rate = Fraction(30) if rate < profile.min_frame_rate else profile.max_frame_rate
        if rate > 30 and rate % 30:
            rate = Fraction(30)
    reframe = settings.reframe if w > h * 0.75 else "none"
    if reframe != "none":
        tw, th = profile.recommended_size
        return OutputFormat(tw, th, rate, reframe)
    short, long_ = min(w, h), max(w, h)
    scale = 1.0
    if short < profile.min_side:
        scale = profile.min_side / short
    if long_ * scale > profile.max_side:
        scale = profile.max_side / long_
    return OutputFormat(_even(w * scale), _even(h * scale), rate, "none")


def reencode_reasons(
    info: MediaInfo, profile: PublishProfile, settings: RenderSettings, out: OutputFormat
) -> list[str]:
    """Why the video cannot be stream-copied; empty when it can (current language)."""
    reasons = []
    if settings.reencode:
        reasons.append(tr("re-encoding everything was asked for"))
    if info.video_codec != "h264":
        reasons.append(tr("the video is {codec}, not H.264").format(
            codec=(info.video_codec or tr("unknown")).upper()))
    elif info.pixel_format not in ("yuv420p", "yuvj420p"):
        reasons.append(tr("the pixel format {format} is not 4:2:0").format(
            format=info.pixel_format))
    if info.variable_frame_rate:
        reasons.append(tr("it has a variable frame rate"))
    if info.rotation:
        reasons.append(tr("it is stored rotated by {degrees}°").format(degrees=info.rotation))
    if info.sample_aspect_ratio != 1:
        reasons.append(tr("its pixels are not square"))
    if info.frame_rate is None or out.frame_rate != info.frame_rate:
        reasons.append(tr("its frame rate becomes {rate} fps").format(
            rate=decimal(f"{float(out.frame_rate):g}")))
    if out.reframe != "none":
        mode = _REFRAME_NAMES.get(out.reframe)
        reasons.append(tr("it is reframed to 9:16 ({mode})").format(
            mode=tr(mode) if mode else out.reframe))
    elif (out.width, out.height) != (info.width, info.height) and not info.rotation:
        reasons.append(tr("it is resized to {width}x{height}").format(
            width=out.width, height=out.height))
    return reasons


def plan_cut(
    info: MediaInfo,
    cuts: CutPoints,
    profile: PublishProfile,
    settings: RenderSettings = RenderSettings(),
) -> CutPlan:
    """Choose COPY, SMART or REENCODE for one episode and say why and how long."""
    out = output_format(info, profile, settings)
    audio = _audio_mode(info, settings)
    reasons = reencode_reasons(info, profile, settings, out) + uncopyable_reasons(cuts)
    start, end = cuts.in_frame, cuts.out_end
    if reasons:
        frames = max(1, round(Fraction(end - start, 1_000_000) * out.frame_rate))
        seg = (Segment("encode", start, end, frames),)
        reason = reduce(lambda a, b: tr("{reasons}; {reason}").format(reasons=a, reason=b),
                        reasons)
        return CutPlan(Strategy.REENCODE, reason[0].upper() + reason[1:], start, end, frames,
                       seg, audio, out, _estimate(info, seg, out, audio, settings),
                       decode_from=cuts.decode_from)  # fmt: skip

    segments = _smart_segments(cuts)
    frames = sum(s.frames for s in segments)
    if all(s.mode == "copy" for s in segments):
        strategy, reason = Strategy.COPY, tr("The in point is on a keyframe and the streams "
                                             "suit the platform: copied without re-encoding")
    else:
        head = next((s for s in segments if s.mode == "encode"), None)
        encoded = sum(s.frames for s in segments if s.mode == "encode")
        at_in = head is not None and head.start == start
        if len(segments) == 1:
            reason = tr("The whole range lies inside one keyframe interval: re-encoded")
        else:
            both = sum(1 for s in segments if s.mode == "encode") == 2
            template = (
                tr("The cut falls between keyframes: {frames} frames re-encoded at both ends, "
                   "the rest copied") if both else
                tr("The cut falls between keyframes: {frames} frames re-encoded at the in "
                   "point, the rest copied") if at_in else
                tr("The cut falls between keyframes: {frames} frames re-encoded at the out "
                   "point, the rest copied"))  # fmt: skip
            reason = template.format(frames=encoded)
        strategy = Strategy.SMART
    if audio == "encode":
        note = tr("the sound is re-encoded to normalise its loudness") \
            if settings.normalize_loudness else tr("the sound is re-encoded to AAC")  # fmt: skip
        reason = tr("{reason}; {note}").format(reason=reason, note=note)
    return CutPlan(strategy, reason, start, end, frames, tuple(segments), audio, out,
                   _estimate(info, tuple(segments), out, audio, settings),
                   decode_from=cuts.decode_from)  # fmt: skip


def uncopyable_reasons(cuts: CutPoints) -> list[str]:
    """Why the frames of this source cannot be cut by copying, read from its packets."""
    reasons = []
    if cuts.open_gop:
        reasons.append(tr("its keyframes are open (the frames after them refer to earlier "
                          "ones), so they cannot be copied"))  # fmt: skip
    if cuts.pre_roll:
        reasons.append(tr("it starts between keyframes (it was cut without re-encoding), so "
                          "its frames cannot be copied"))  # fmt: skip
    return reasons


def _audio_mode(info: MediaInfo, settings: RenderSettings) -> Literal["copy", "encode", "none"]:
    if not info.has_audio:
        return "none"
    if settings.normalize_loudness or info.audio_codec != "aac":
        return "encode"
    return "copy"


def _smart_segments(c: CutPoints) -> list[Segment]:
    start, end = c.in_frame, c.out_end
    k_in = c.key_after_in
    if k_in is None or k_in >= end:
        return [Segment("encode", start, end, c.frames(start, end))]
    out_on_boundary = (end >= c.media_end or c.out_on_keyframe or not c.reordering
                       or c.copyable_to == end)  # fmt: skip
    k_out = end if out_on_boundary else max(c.key_before_out, c.copyable_to or 0)
    if k_out < k_in:  # no whole GOP between the two cuts: encode it all
        k_out = k_in
    segments = []
    if start < k_in:
        segments.append(Segment("encode", start, k_in, c.frames(start, k_in)))
    if k_in < k_out:
        segments.append(Segment("copy", k_in, k_out, c.frames(k_in, k_out)))
    if k_out < end:
        # From a keyframe, or from inside a GOP where a run of B-frames ends.
        on_key = k_out > start and k_out in (c.key_before_out, k_in)
        segments.append(Segment("encode", k_out, end, c.frames(k_out, end),
                                start_on_keyframe=on_key))
    return _merge(segments)


def _merge(segments: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for s in segments:
        if merged and merged[-1].mode == s.mode == "encode":
            last = merged.pop()
            s = Segment("encode", last.start, s.end, last.frames + s.frames,
                        start_on_keyframe=last.start_on_keyframe)
        merged.append(s)
    return merged


def _estimate(
    info: MediaInfo,
    segments: tuple[Segment, ...],
    out: OutputFormat,
    audio: str,
    settings: RenderSettings,
) -> float:
    total_us = sum(s.end - s.start for s in segments)
    copied_us = sum(s.end - s.start for s in segments if s.mode == "copy")
    encoded_us = total_us - copied_us
    bytes_per_us = info.size / max(1, info.duration)
    seconds = PROCESS_OVERHEAD_S * (len(segments) + 1)
    passes = 1 if len(segments) == 1 else 2  # a smart cut copies, then joins
    seconds += copied_us * bytes_per_us * passes / COPY_BYTES_PER_S
    pixel_rate = out.width * out.height * float(out.frame_rate)
    speed = ENCODE_SPEED_1080P30 * (1920 * 1080 * 30) / max(1.0, pixel_rate)
    seconds += encoded_us / 1e6 / speed
    if audio == "encode":
        seconds += total_us / 1e6 / AUDIO_ENCODE_SPEED
        if settings.normalize_loudness:
            seconds += total_us / 1e6 / LOUDNESS_MEASURE_SPEED
    return seconds
