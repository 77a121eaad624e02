"""Run the bundled ffmpeg with progress, cancellation and a useful error.

Every process started here is registered, so the app can stop them all at
exit (``terminate_all``). Runs on the calling (worker) thread; a reader
thread drains ffmpeg's pipes so that it never blocks on a full pipe.
"""

from __future__ import annotations

import queue
import subprocess
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from studio.domain.errors import UserError
from studio.editor.ffmpeg_progress import FFmpegProgress, ProgressParser, StderrTail
from studio.editor.synth import ffmpeg_exe
from studio.i18n import tr
from studio.tasks import Cancelled, CancelToken

_running: set[subprocess.Popen] = set()
_lock = threading.Lock()

GLOBAL_ARGS = ("-hide_banner", "-nostdin", "-loglevel", "error", "-progress", "pipe:1", "-nostats")


class FFmpegError(UserError):
    """ffmpeg failed; the message carries its last lines."""

    def __init__(self, message: str, stderr_tail: str = "") -> None:
        super().__init__(message)
        self.stderr_tail = stderr_tail


class DiskFull(FFmpegError):
    """ffmpeg could not write its output: the disk holding ``folder`` is full."""

    def __init__(self, message: str, folder: Path, stderr_tail: str = "") -> None:
        super().__init__(message, stderr_tail)
        self.folder = folder


NO_SPACE = "No space left on device"


def fftime(us: float) -> str:
    """A time in µs as ffmpeg takes it: seconds with six decimals."""
    return f"{float(us) / 1_000_000:.6f}"


def compile_args(stream) -> list[str]:
    """argv for an ffmpeg-python graph, with our binary and global options first."""
    args = stream.compile(cmd=ffmpeg_exe(), overwrite_output=True)
    return [args[0], *GLOBAL_ARGS, *args[1:]]


def run_ffmpeg(
    argv: Sequence[str],
    *,
    what: str,
    on_progress: Callable[[FFmpegProgress], None] | None = None,
    cancel: CancelToken | None = None,
    cleanup: Sequence[Path] = (),
) -> list[str]:
    """Run ``argv`` to completion; return what ffmpeg wrote to stderr.

    On failure or cancel, delete ``cleanup`` paths and raise. ``what`` names
    the job in the error ("Rendering episode 3 'Intro'").
    """
    proc = subprocess.Popen(
        list(argv), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, errors="replace",
    )  # fmt: skip
    with _lock:
        _running.add(proc)
    lines: queue.Queue[tuple[str, str | None]] = queue.Queue()
    tail = StderrTail()
    stderr: list[str] = []

    def pump(name: str, stream) -> None:
        for line in stream:
            lines.put((name, line))
        lines.put((name, None))

    readers = [
        threading.Thread(target=pump, args=("out", proc.stdout), daemon=True),
        threading.Thread(target=pump, args=("err", proc.stderr), daemon=True),
    ]
    for r in readers:
        r.start()
    parser = ProgressParser()
    no_space = False  # seen anywhere, not only in the lines kept
    open_pipes = 2
    try:
        while open_pipes:
            if cancel is not None and cancel.cancelled:
                _stop(proc)
                raise Cancelled()
            try:
                name, line = lines.get(timeout=0.1)
            except queue.Empty:
                continue
            if line is None:
                open_pipes -= 1
            elif name == "err":
                tail.feed(line)
                no_space = no_space or NO_SPACE in line
                if len(stderr) < 10_000:
                    stderr.append(line.rstrip("\n"))
            elif (p := parser.feed(line)) is not None and on_progress is not None:
                on_progress(p)
        code = proc.wait()
        if code != 0 and no_space:
            # One line naming the folder, not ffmpeg's muxer log once per packet.
            folder = _output_folder(argv)
            raise DiskFull(tr("{what}: the disk holding {folder} is full.").format(
                what=what, folder=folder), folder, tail.text())
        if code != 0:
            raise FFmpegError(
                f"{what} failed (ffmpeg exit code {code}): {tail.text() or 'no message'}",
                tail.text(),
            )
        return stderr
    except BaseException:
        _stop(proc)
        for path in cleanup:
            _remove(path)
        raise
    finally:
        with _lock:
            _running.discard(proc)
        for r in readers:  # they end at EOF, which the process's exit brings
            r.join(timeout=10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def _output_folder(argv: Sequence[str]) -> Path:
    """The folder of ffmpeg's output: its last argument, but for a trailing -y or -n."""
    for arg in reversed(list(argv)[1:]):
        if arg in ("-y", "-n"):
            continue
        return Path(arg).absolute().parent if not arg.startswith("-") else Path.cwd()
    return Path.cwd()


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _remove(path: Path) -> None:
    if path.is_dir():
        for child in path.iterdir():
            _remove(child)
        path.rmdir()
    else:
        path.unlink(missing_ok=True)


def terminate_all() -> None:
    """Stop every ffmpeg this process started (app exit)."""
    with _lock:
        procs = list(_running)
    for proc in procs:
        _stop(proc)


def running_count() -> int:
    with _lock:
        return sum(1 for p in _running if p.poll() is None)
