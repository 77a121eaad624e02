"""The publishing commands: ``targets``, ``login``, ``logout``, ``publish``, ``status``.

``register(cmd)`` adds them to the ``studio`` parser, with ``cmd`` the helper
of :func:`studio.cli.main.build_parser`. No token is ever printed.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from studio.app import AppContext
from studio.cli.terminal import ProgressLine, say, table
from studio.domain.errors import UserError
from studio.domain.sizes import format_size
from studio.i18n import ntr, tr
from studio.store.sync_state import SyncStore, TargetRecord
from studio.sync.credentials import Vault
from studio.sync.errors import SyncError
from studio.sync.retry import RetryPolicy
from studio.sync.status import SyncEvent
from studio.sync.targets import (
    FOLDER,
    KINDS,
    SERIES_API,
    SyncSettings,
    check_target,
    check_target_name,
    same_folder,
)
from studio.tasks import Cancelled

Cmd = Callable[..., argparse.ArgumentParser]


def register(cmd: Cmd) -> None:
    """Add the publishing subcommands through ``cmd(name, func, help)``."""
    p = cmd("targets", cmd_targets, "manage publishing targets (folders, platforms)")
    sub = p.add_subparsers(dest="targets_action", metavar="ACTION", required=True)
    a = sub.add_parser("add", help="add a target")
    a.add_argument("name")
    a.add_argument("location", help="a folder (kind folder) or the platform's address")
    a.add_argument("--kind", choices=sorted(KINDS), default=None,
                   help="folder, or series-api (default: guessed from the location)")
    a.add_argument("--client-id", help="OAuth client id (series-api; default the app's own)")
    sub.add_parser("list", help="list the targets")
    r = sub.add_parser("remove", help="remove a target and forget its sign-in (what was "
                       "published through it is kept for a target added there again)")
    r.add_argument("name")

    p = cmd("login", cmd_login, "sign in to a target (opens the browser)")
    p.add_argument("target")
    p.add_argument("--token", action="store_true",
                   help="read a personal access token from stdin instead")
    p.add_argument("--no-browser", action="store_true", help="print the address, do not open it")

    p = cmd("logout", cmd_logout, "forget the sign-in of a target")
    p.add_argument("target")

    p = cmd("publish", cmd_publish,
            "render what is missing, upload every episode and register the collection")
    p.add_argument("collection", help="title or id")
    p.add_argument("--target", required=True, help="where to publish ('studio targets list')")
    p.add_argument("--kit", metavar="DIR", help="publish kit folder (default: beside the library)")
    p.add_argument("--parallel", type=int, default=2, help="uploads at once (default 2)")
    p.add_argument("--chunk-size", type=float, default=None, metavar="MIB",
                   help="bytes per upload request, in MiB (default: the whole file, or 16 "
                        "when the platform checks each request's checksum)")
    p.add_argument("--limit-rate", metavar="RATE", help="bandwidth cap, e.g. 500k or 2M (bytes/s)")
    p.add_argument("--retries", type=int, default=8, help="attempts in a row before giving up")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds without progress")
    p.add_argument("--reframe", choices=["none", "pad_blur", "center_crop", "follow_faces"],
                   default="none", help="make landscape clips 9:16 (default: none)")
    p.add_argument("--normalize", action=argparse.BooleanOptionalAction, default=True,
                   help="normalise loudness (default: on)")
    p.add_argument("--lufs", type=float, default=-14.0, help="loudness target (default -14)")

    from studio.cli.status_commands import cmd_status

    p = cmd("status", cmd_status, "show where a collection stands on each target")
    p.add_argument("collection", help="title or id")
    p.add_argument("--target", help="only this target")
    p.add_argument("--offline", action="store_true", help="do not ask the platforms")


def parse_rate(text: str | None) -> float | None:
    if not text:
        return None
    units = {"k": 1e3, "m": 1e6, "g": 1e9}
    t = text.strip().lower().rstrip("b/s")
    try:
        return float(t[:-1]) * units[t[-1]] if t and t[-1] in units else float(t)
    except ValueError:
        raise UserError(tr("'{rate}' is not a rate; write e.g. 500k or 2M.").format(
            rate=text)) from None


def human_bytes(n: float) -> str:
    return format_size(n)  # the one size format, in the current language


def _eta(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    s = int(seconds)
    if s >= 3600:
        return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"
    return f"{s // 60}:{s % 60:02d}"


# ---------------------------------------------------------------------- targets
def cmd_targets(args: argparse.Namespace) -> int:
    with AppContext.open(args.library) as ctx:
        store = SyncStore(ctx.library)
        if args.targets_action == "add":
            check_target_name(args.name)
            kind = args.kind or (SERIES_API if "://" in args.location else FOLDER)
            location = check_target(kind, args.location)
            other = same_folder(kind, location, store.targets())
            if other is not None:
                raise SyncError(tr("Target '{other}' already publishes to {folder}; publish "
                                   "with --target {other}, or choose another folder.").format(
                    other=other.name, folder=location))
            options = {"client_id": args.client_id} if args.client_id else {}
            taken = store.add_target(TargetRecord(args.name, kind, location, "", options))
            say(tr("Added target '{name}' ({kind}): {location}").format(
                name=args.name, kind=kind, location=location))
            if taken:
                say(ntr("Took back the record of {n} collection published there before: "
                        "publishing updates it instead of making a new one.",
                        "Took back the record of {n} collections published there before: "
                        "publishing updates them instead of making new ones.",
                        taken).format(n=taken))
            if kind == SERIES_API:
                say(tr("Sign in with: studio login {name}").format(name=args.name))
        elif args.targets_action == "list":
            rows = [[t.name, t.kind, t.location, t.account or "-"] for t in store.targets()]
            if not rows:
                say(tr("No targets yet. Add one: studio targets add NAME FOLDER-OR-URL"))
            else:
                say(table([tr("NAME"), tr("KIND"), tr("WHERE"), tr("ACCOUNT")], rows))
        else:
            target = store.get_target(args.name)
            kept = store.remove_target(args.name)
            if Vault().delete(args.name):
                say(tr("Removed target '{name}' and forgot its sign-in.").format(name=args.name))
            else:
                say(tr("Removed target '{name}'.").format(name=args.name))
            if kept:
                say(ntr("Kept the record of {n} collection published there: adding {location} "
                        "as a target again updates it instead of making a new one.",
                        "Kept the record of {n} collections published there: adding {location} "
                        "as a target again updates them instead of making new ones.",
                        kept).format(n=kept, location=target.location))
    return 0


def cmd_login(args: argparse.Namespace) -> int:
    from studio.sync.actions import login

    token = None
    if args.token:
        if sys.stdin.isatty():
            import getpass

            token = getpass.getpass(tr("Personal access token: "))
        else:
            token = sys.stdin.readline()

    def show(url: str) -> None:
        if args.no_browser:
            say(tr("To sign in, open this address in a browser:"))
        else:
            say(tr("Opening the browser to sign in. If it does not open, visit:"))
        say(url)

    with AppContext.open(args.library) as ctx:
        library_path = ctx.library_path
    opener = (lambda url: None) if args.no_browser else _open_browser
    account = login(library_path, args.target, personal_token=token, open_browser=opener,
                    on_url=show)  # fmt: skip
    if account is None:
        say(tr("Target '{name}' is a folder: there is nothing to sign in to.").format(
            name=args.target))
    else:
        say(tr("Signed in to '{target}' as {account}.").format(target=args.target,
                                                               account=account))
    return 0


def _open_browser(url: str) -> None:
    import webbrowser

    webbrowser.open(url)


def cmd_logout(args: argparse.Namespace) -> int:
    with AppContext.open(args.library) as ctx:
        SyncStore(ctx.library).get_target(args.target)
    if Vault().delete(args.target):
        say(tr("Signed out of '{target}'.").format(target=args.target))
    else:
        say(tr("There was no sign-in to forget for '{target}'.").format(target=args.target))
    return 0


# ---------------------------------------------------------------------- publish
class PublishDisplay:
    """Turns engine events into a progress line (speed, ETA) and a few plain lines.

    Called from upload threads: a lock keeps lines whole.
    """

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.lock = threading.Lock()
        self.sent: dict[str, int] = {}
        self.total: dict[str, int] = {}
        self.speed: dict[str, float] = {}
        self.sending: set[str] = set()  # items this run sends (not sent in an earlier one)
        self._last = 0.0

    def __call__(self, e: SyncEvent) -> None:
        with self.lock:
            if e.item and e.total:
                self.sent[e.item], self.total[e.item] = e.sent, e.total
            if e.kind == "progress" and e.item:
                self.speed[e.item] = e.speed
                self._line()
            elif e.kind == "item" and e.state == "uploading" and e.item:
                self.sending.add(e.item)
            elif e.kind == "item" and e.state == "uploaded" and e.item:
                self.speed.pop(e.item, None)
                self._clear()
                if e.item in self.sending:
                    say(tr("uploaded {item} ({size})").format(item=e.label,
                                                              size=human_bytes(e.total)))
                else:
                    say(tr("already sent: {item} ({size})").format(item=e.label,
                                                                   size=human_bytes(e.total)))
            elif e.kind == "note":
                self._clear()
                print(e.message, file=self.stream, flush=True)
            elif e.kind == "collection" and e.state == "registering":
                self._clear()
                say(tr("registering the collection..."))

    def _line(self) -> None:
        now = time.monotonic()
        if not self.tty or now - self._last < 0.2:
            return
        self._last = now
        done, total = sum(self.sent.values()), sum(self.total.values()) or 1
        speed = sum(self.speed.values())
        eta = (total - done) / speed if speed > 0 else None
        bar = "#" * int(30 * done / total)
        self.stream.write(f"\r{tr('Uploading')} [{bar:<30}] {100 * done / total:5.1f}%  "
                          f"{human_bytes(speed)}/s  ETA {_eta(eta)}   ")
        self.stream.flush()

    def _clear(self) -> None:
        if self.tty:
            self.stream.write("\r" + " " * 90 + "\r")
            self.stream.flush()


def _render_kit(ctx: AppContext, args: argparse.Namespace, collection) -> Path:
    from studio.editor.cut_plan import RenderSettings
    from studio.sync.actions import NotReady, default_kit_folder, make_kit

    if not -40.0 <= args.lufs <= -5.0:
        raise UserError(tr("The loudness target {lufs} LUFS is outside -40 to -5.").format(
            lufs=f"{args.lufs:g}"))
    settings = RenderSettings(reframe=args.reframe, normalize_loudness=args.normalize,
                              target_lufs=args.lufs)  # fmt: skip
    folder = Path(args.kit).expanduser() if args.kit else \
        default_kit_folder(ctx.library_path, collection.id)  # fmt: skip
    bar = ProgressLine(tr("Rendering"))
    try:
        rendered = make_kit(ctx.library, collection, settings, folder, progress=bar)
    except NotReady as exc:
        exc.hint = tr("See every problem with: studio check {ref}").format(ref=args.collection)
        raise
    finally:
        bar.finish()
    if rendered:
        say(ntr("rendered {n} episode into {folder}", "rendered {n} episodes into {folder}",
                len(rendered)).format(n=len(rendered), folder=folder))
    return folder


def _raise_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def cmd_publish(args: argparse.Namespace) -> int:
    from studio.sync.engine import Publisher
    from studio.sync.kit import read_kit

    with AppContext.open(args.library) as ctx:
        c = ctx.library.find_collection(args.collection)
        SyncStore(ctx.library).get_target(args.target)
        kit = _render_kit(ctx, args, c)
        library_path = ctx.library_path
    settings = SyncSettings(
        concurrency=max(1, args.parallel),
        chunk_size=max(1024, int(args.chunk_size * (1 << 20))) if args.chunk_size else None,
        bandwidth=parse_rate(args.limit_rate), retry=RetryPolicy(max_attempts=max(1, args.retries)),
        timeout=max(0.1, args.timeout))  # fmt: skip
    display = PublishDisplay()
    publisher = Publisher(library_path, args.target, kit, settings=settings, on_event=display)

    # Ctrl+C, `kill` (SIGTERM) and closing the terminal (SIGHUP) all pause: the upload
    # threads see the cancel token and stop at their next block. A second signal stops
    # hard (main.py's handlers turn it into KeyboardInterrupt).
    names = [n for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)]
    previous = {getattr(signal, n): signal.getsignal(getattr(signal, n)) for n in names}

    def pause(signum, frame) -> None:
        for sig in previous:
            signal.signal(sig, signal.default_int_handler if sig == signal.SIGINT else
                          _raise_interrupt)  # fmt: skip
        print("\n" + tr("Pausing... (the next 'studio publish' resumes)"), file=sys.stderr,
              flush=True)  # fmt: skip
        publisher.pause()

    for sig in previous:
        signal.signal(sig, pause)
    try:
        result = publisher.run()
    except Cancelled:
        display._clear()
        say(tr("Paused. Run the same command again to resume where it stopped."))
        return 130
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    display._clear()
    return report_published(result, c.title, {i.key: i.label for i in read_kit(kit).items})


def status_word(status: str) -> str:
    """A collection's status on its target (the platform's word), said to people. The words
    have a context of their own: an episode's badge says the same English words of an
    episode (French: "refusé", but "refusée" of a collection, as the window says)."""
    return {"ready": tr("ready", context="collection state"),
            "processing": tr("processing", context="collection state"),
            "rejected": tr("rejected", context="collection state"),
            "damaged": tr("damaged", context="collection state"),
            "missing": tr("missing", context="collection state")}.get(status, status)


def report_published(result, title: str, labels: dict[str, str]) -> int:
    """Say where a publish ended; 0 when nothing was rejected, else 1 (the collection is
    registered, but the platform refused some of it: a script must not think it is live).
    ``labels`` names the items (``episode 2 'b'``) by their keys."""
    say(tr("Published '{title}' to '{target}': remote id {id}, status {status}.").format(
        title=title, target=result.target, id=result.remote_id,
        status=status_word(result.status)))
    if result.url:
        say(result.url)
    rejected = 0
    for key, item in result.details.items.items():
        if item.reasons:
            rejected += 1
            say(tr("  {item}: rejected: {reasons}").format(
                item=labels.get(key, key), reasons="; ".join(item.reasons)))
    return 1 if rejected or result.status == "rejected" else 0
