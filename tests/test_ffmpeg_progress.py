"""The -progress parser, on output captured from the bundled ffmpeg and on odd input."""

from __future__ import annotations

import subprocess

import pytest

from studio.editor.ffmpeg_progress import ProgressParser, StderrTail
from studio.editor.synth import ffmpeg_exe

BLOCK = """frame=120
fps=59.91
stream_0_0_q=28.0
bitrate= 512.0kbits/s
total_size=262192
out_time_us=4000000
out_time_ms=4000000
out_time=00:00:04.000000
dup_frames=0
drop_frames=0
speed=1.99x
progress=continue
"""


def test_a_block_gives_one_progress_report():
    parser = ProgressParser()
    reports = [r for line in BLOCK.splitlines() if (r := parser.feed(line))]
    assert len(reports) == 1
    (r,) = reports
    assert (r.out_time_us, r.frame, r.speed, r.total_size, r.done) == (
        4_000_000, 120, 1.99, 262192, False,
    )  # fmt: skip


def test_na_values_and_negative_times_do_not_break_it():
    parser = ProgressParser()
    for line in ["frame=0", "out_time_us=N/A", "out_time=-00:00:00.023220", "speed=N/A"]:
        assert parser.feed(line) is None
    r = parser.feed("progress=continue")
    assert r is not None and r.out_time_us == 0 and r.speed is None
    parser.feed("out_time=00:01:02.500000")
    r = parser.feed("progress=end")
    assert r is not None and r.out_time_us == 62_500_000 and r.done


def test_real_ffmpeg_output_ends_with_done_at_the_full_duration(tmp_path):
    argv = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-f", "lavfi",
            "-i", "testsrc2=size=64x36:rate=10", "-t", "3", "-c:v", "libx264",
            "-preset", "ultrafast", "-progress", "pipe:1", "-nostats",
            str(tmp_path / "o.mp4")]  # fmt: skip
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    parser = ProgressParser()
    reports = [r for line in out.splitlines() if (r := parser.feed(line))]
    assert reports and reports[-1].done
    assert abs(reports[-1].out_time_us - 3_000_000) <= 100_000
    assert [r.out_time_us for r in reports] == sorted(r.out_time_us for r in reports)


def test_stderr_tail_keeps_the_last_lines_without_stats():
    tail = StderrTail(3)
    for line in ["a", "frame=  10 fps=0.0", "b", "", "c", "d"]:
        tail.feed(line)
    assert tail.text() == "b\nc\nd"


def test_a_full_disk_is_named_even_after_a_long_log(tmp_path):
    """ffmpeg said "No space left on device" after more than 10,000 lines of log (a noisy
    source warns at every frame): only the first 10,000 were looked at, so the export
    rendered, and failed, every remaining episode on the full disk."""
    from disks import small_disk

    from studio.editor.ffmpeg_run import DiskFull, run_ffmpeg
    from studio.editor.synth import ffmpeg_exe

    with small_disk(tmp_path / "small", "6m") as disk:
        argv = [ffmpeg_exe(), "-nostdin", "-debug_ts", "-y", "-f", "lavfi", "-i",
                "testsrc2=s=160x120:r=30", "-t", "600", "-c:v", "mpeg4", "-q:v", "2",
                "-f", "mp4", str(disk / "out.mp4")]  # fmt: skip
        with pytest.raises(DiskFull) as full:
            run_ffmpeg(argv, what="Rendering a test")
        assert full.value.folder == disk
        assert str(full.value) == f"Rendering a test: the disk holding {disk} is full."
