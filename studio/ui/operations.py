"""One way to run background work from the GUI (after Anki's ``CollectionOp``).

    Op(lambda job: actions.add_files(..., progress=job.progress, cancel=job.token),
       label=tr("Importing")).success(on_done).failure(on_error).run(tasks)

``fn`` runs on a worker thread of its lane: ``"db"`` has one worker, so
library writes happen one at a time; ``"media"`` has two, for decoding and
rendering. Progress, results and errors come back to the GUI thread through a
queued signal; workers never touch widgets. A cancelled job ends silently.
Errors without a failure callback reach :attr:`TaskManager.errorOccurred`.
"""

from __future__ import annotations

import itertools
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal

from studio.tasks import Cancelled, CancelToken, Progress

LANES = {"db": 1, "media": 2}
PROGRESS_INTERVAL_S = 0.05


@dataclass(eq=False)
class Task:
    """A running operation as the task indicator shows it."""

    id: int
    label: str
    lane: str
    token: CancelToken = field(default_factory=CancelToken)
    progress: Progress | None = None
    state: str = "running"  # running, done, failed, cancelled
    cancellable: bool = True
    kind: str = ""  # what it is, for code that asks ("export", "publish", "import")

    def cancel(self) -> None:
        self.token.cancel()


class Job:
    """What ``fn`` receives on its worker: a progress callback and the cancel token."""

    def __init__(self, task: Task, emit: Callable[[str, Task, Any], None]) -> None:
        self.task = task
        self.token = task.token
        self._emit = emit
        self._last = 0.0

    def progress(self, p: Progress) -> None:
        """Report progress (throttled; the last report of a run always goes through)."""
        now = time.monotonic()
        if now - self._last >= PROGRESS_INTERVAL_S or (p.total and p.done >= p.total):
            self._last = now
            self._emit("progress", self.task, p)

    def send(self, value: Any) -> None:
        """Deliver an intermediate result to the op's ``partial`` callback (GUI thread)."""
        self._emit("partial", self.task, value)

    def raise_if_cancelled(self) -> None:
        self.token.raise_if_cancelled()


class TaskManager(QObject):
    """Owns the worker lanes and the list of running tasks. Lives on the GUI thread."""

    taskStarted = Signal(object)
    taskProgress = Signal(object)
    taskFinished = Signal(object)
    errorOccurred = Signal(str, str)  # message, details (a traceback for bugs)
    _event = Signal(str, object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lanes = {
            name: ThreadPoolExecutor(n, thread_name_prefix=f"studio-{name}")
            for name, n in LANES.items()
        }
        self._ids = itertools.count(1)
        self._tasks: dict[int, Task] = {}
        self._callbacks: dict[int, Op] = {}
        self._lock = threading.Lock()
        self._closed = False
        self._event.connect(self._on_event)

    def tasks(self) -> list[Task]:
        return [t for t in self._tasks.values() if t.state == "running"]

    def run(self, op: Op) -> Task:
        task = Task(next(self._ids), op.label, op.lane, cancellable=op.cancellable, kind=op.kind)
        self._tasks[task.id] = task
        self._callbacks[task.id] = op
        job = Job(task, self._emit)
        self._lanes[op.lane].submit(self._work, op.fn, job)
        self.taskStarted.emit(task)
        return task

    def _emit(self, kind: str, task: Task, value: Any) -> None:
        self._event.emit(kind, task, value)  # queued: this runs on a worker thread

    def _work(self, fn: Callable[[Job], Any], job: Job) -> None:
        try:
            job.token.raise_if_cancelled()
            result = fn(job)
        except Cancelled:
            self._emit("cancelled", job.task, None)
        except BaseException as exc:  # reported on the GUI thread
            self._emit("failed", job.task, (exc, traceback.format_exc()))
        else:
            self._emit("done", job.task, result)

    def _on_event(self, kind: str, task: Task, value: Any) -> None:
        op = self._callbacks.get(task.id)
        if op is None or self._closed:
            return  # a late result for a window that has closed: drop it
        if kind == "progress":
            task.progress = value
            if op.on_progress:
                op.on_progress(value)
            self.taskProgress.emit(task)
            return
        if kind == "partial":
            if op.on_partial:
                op.on_partial(value)
            return
        task.state = {"done": "done", "failed": "failed", "cancelled": "cancelled"}[kind]
        del self._callbacks[task.id]
        del self._tasks[task.id]
        try:
            if kind == "done" and op.on_success:
                op.on_success(value)
            elif kind == "failed":
                exc, details = value
                if op.on_failure:
                    op.on_failure(exc)
                else:
                    self.report(exc, details)
            elif kind == "cancelled" and op.on_cancelled:
                op.on_cancelled()
        finally:
            self.taskFinished.emit(task)

    def report(self, exc: BaseException, details: str = "") -> None:
        from studio.domain.errors import UserError

        if isinstance(exc, UserError):
            self.errorOccurred.emit(str(exc), "")
        else:
            self.errorOccurred.emit(f"{type(exc).__name__}: {exc}", details)

    def cancel_all(self) -> None:
        for t in list(self._tasks.values()):
            t.cancel()

    def shutdown(self, wait: bool = True) -> None:
        """Cancel everything and stop the workers (window closing)."""
        self.cancel_all()
        self._closed = True
        from studio.editor.ffmpeg_run import terminate_all

        terminate_all()
        for lane in self._lanes.values():
            lane.shutdown(wait=wait, cancel_futures=True)


class Op:
    """A background operation; configure with the chained methods, then :meth:`run`."""

    def __init__(self, fn: Callable[[Job], Any], label: str, *, lane: str = "media",
                 cancellable: bool = True, kind: str = "") -> None:  # fmt: skip
        if lane not in LANES:
            raise ValueError(f"unknown lane {lane!r}")
        self.fn, self.label, self.lane, self.cancellable = fn, label, lane, cancellable
        self.kind = kind
        self.on_success: Callable[[Any], None] | None = None
        self.on_failure: Callable[[BaseException], None] | None = None
        self.on_progress: Callable[[Progress], None] | None = None
        self.on_partial: Callable[[Any], None] | None = None
        self.on_cancelled: Callable[[], None] | None = None

    def success(self, cb: Callable[[Any], None]) -> Op:
        self.on_success = cb
        return self

    def failure(self, cb: Callable[[BaseException], None]) -> Op:
        self.on_failure = cb
        return self

    def progress(self, cb: Callable[[Progress], None]) -> Op:
        self.on_progress = cb
        return self

    def partial(self, cb: Callable[[Any], None]) -> Op:
        self.on_partial = cb
        return self

    def cancelled(self, cb: Callable[[], None]) -> Op:
        self.on_cancelled = cb
        return self

    def run(self, manager: TaskManager) -> Task:
        return manager.run(self)
