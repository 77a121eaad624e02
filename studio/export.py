"""The publish kit: every episode rendered, the cover, and a manifest, in one folder.

This is the folder a creator uploads by hand in TikTok Studio, and what the
sync module uploads. Exporting again renders only what changed: each file's
render key (media fingerprint, trim, settings, engine version) is kept in
manifest.json, and an unchanged episode keeps its file (renamed if it moved).
The manifest is rewritten atomically after each episode, so a cancelled
export keeps the episodes it finished and leaves no partial file.

Runs on a worker thread; never touches widgets.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import shutil
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from studio import __version__
from studio.domain.errors import UserError
from studio.domain.models import Collection, Episode, MediaRecord
from studio.domain.profiles import load_profile
from studio.domain.timecode import format_duration
from studio.editor.cut_plan import CutPlan, RenderSettings, plan_cut
from studio.editor.cut_points import cut_points
from studio.editor.ffmpeg_run import DiskFull
from studio.editor.render import render
from studio.i18n import ntr, tr
from studio.store.library import Library
from studio.sync.kit import KIT_FORMAT, MANIFEST, plain_file_name, sha256_file
from studio.tasks import CancelToken, Progress, ProgressCallback, no_progress

ENGINE_VERSION = "render-1"


def safe_filename(text: str, limit: int = 60) -> str:
    """A file name that works on Windows, macOS and Linux."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r'[<>:"/\\|?*\x00-\x1f]', " ", text)
    text = re.sub(r"\s+", " ", text).strip().strip(".")
    return text[:limit].rstrip() or "Episode"


def require_media(ep: Episode, media: MediaRecord | None, collection_title: str) -> MediaRecord:
    """The episode's media, or UserError saying what is wrong with its file and what to do."""
    if media is not None and media.missing and Path(media.path).is_file():
        raise UserError(tr("Episode {n} '{title}': {path} is not the version it was cut from "
                           "(it was changed or exported again). If it is the one to use now: "
                           "studio accept-new-version '{collection}:{n}' (or Use the new version "
                           "in the window); otherwise put the old file back.").format(
            n=ep.position, title=ep.title, path=media.path, collection=collection_title))
    if media is not None and not media.missing and media.info.unusable:
        raise UserError(tr("Episode {n} '{title}': its video file cannot be used: {reason} "
                           "Download or copy it again, then: studio accept-new-version "
                           "'{collection}:{n}' (or Use the new version in the window).").format(
            n=ep.position, title=ep.title, reason=media.info.unusable,
            collection=collection_title))
    if media is None or media.missing or not Path(media.path).is_file():
        where = media.path if media else tr("unknown")
        raise UserError(
            tr("Episode {n} '{title}': its media file is missing ({path}). Find it first (Find "
               "the missing file… in the episode's inspector, or studio relink FOLDER).").format(
                n=ep.position, title=ep.title, path=where))
    return media


def render_key(episode: Episode, settings: RenderSettings, profile: str,
               plan: CutPlan | None = None) -> str:  # fmt: skip
    """What an episode's render depends on: a kit file with the same key is reused."""
    parts = [ENGINE_VERSION, episode.media_fingerprint, episode.trim.start, episode.trim.end,
             settings.key(), profile]  # fmt: skip
    if plan is not None and plan.decode_from is not None:
        # Renders that start after an intra-refresh keyframe began with frozen frames
        # before this was read: those (only those) are made again.
        parts.append("decode-from-recovery")
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:24]


@dataclass(frozen=True)
class EpisodeJob:
    episode: Episode
    media: MediaRecord
    plan: CutPlan
    file_name: str
    key: str


@dataclass
class ExportPlan:
    collection: Collection
    jobs: list[EpisodeJob]
    settings: RenderSettings

    @property
    def estimate_s(self) -> float:
        return sum(j.plan.estimate_s for j in self.jobs)


def plan_export(lib: Library, collection: Collection, settings: RenderSettings) -> ExportPlan:
    """Plan every episode; refuses when a media file is missing (say which)."""
    from studio.actions import refresh_media_status

    refresh_media_status(lib, {e.media_fingerprint for e in lib.episodes(collection.id)})
    view = lib.view(collection.id)
    if not view.episodes:
        raise UserError(tr("'{title}' has no episodes to export.").format(
            title=collection.title))
    profile = load_profile(collection.profile)
    width = max(2, len(str(len(view.episodes))))
    jobs = []
    for ep in view.episodes:
        media = require_media(ep, view.media.get(ep.media_fingerprint), collection.title)
        plan = plan_cut(media.info, cut_points(media.path, media.info, ep.trim), profile,
                        settings)  # fmt: skip
        name = f"{ep.position:0{width}d} - {safe_filename(ep.title or 'Episode')}.mp4"
        jobs.append(EpisodeJob(ep, media, plan, name, render_key(ep, settings, profile.id, plan)))
    return ExportPlan(collection, jobs, settings)


class ExportIncomplete(UserError):
    """Some episodes could not be rendered; the others were (``result`` says which)."""

    def __init__(self, message: str, result: ExportResult, failed: list[tuple]) -> None:
        super().__init__(message)
        self.result = result
        self.failed = failed  # (EpisodeJob, UserError), in episode order


@dataclass
class ExportResult:
    folder: Path
    rendered: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    cover: str | None = None
    manifest: Path | None = None


def _read_manifest(folder: Path) -> dict:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return data if data.get("format") == KIT_FORMAT else {}
    except (OSError, ValueError):
        return {}


def _write_json_atomic(path: Path, data: dict) -> None:
    """Write ``path`` whole or not at all; UserError naming the folder when it cannot be
    (a full disk, above all), and no temporary file left behind."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        if exc.errno == errno.ENOSPC:
            raise KitDiskFull(tr("The disk holding {folder} is full: {name} could not be "
                                 "written. Free some space and export again: the finished "
                                 "episodes are kept.").format(
                folder=path.parent, name=path.name)) from None  # fmt: skip
        raise UserError(tr("Cannot write {path}: {reason}.").format(
            path=path, reason=exc.strerror or exc)) from None


class KitDiskFull(UserError):
    """The disk holding the kit folder is full: export stops at once."""


# Kit files are about as large as their sources; a re-encoded part is said to be at most
# this many bits per output pixel and frame (generous for H.264 at the app's quality).
ENCODED_BITS_PER_PIXEL = 0.15


def estimated_bytes(job: EpisodeJob) -> int:
    """About how large ``job``'s kit file will be (for the free-space check)."""
    rate = job.media.size / max(1, job.media.info.duration)  # bytes per µs of the source
    out = job.plan.output
    encoded_rate = out.width * out.height * float(out.frame_rate) * ENCODED_BITS_PER_PIXEL / 8e6
    total = 0.0
    for seg in job.plan.segments:
        length = seg.end - seg.start
        total += length * (rate if seg.mode == "copy" else min(rate, encoded_rate))
    return int(total)


def _check_room(folder: Path, jobs: list[EpisodeJob]) -> None:
    """Refuse, before rendering anything, an export its disk has no room for."""
    need = sum(estimated_bytes(j) for j in jobs)
    free = shutil.disk_usage(folder).free
    if need > free:
        raise KitDiskFull(_say_full(folder, free, need, before=True))


def _say_full(folder: Path, free: int, need: int, *, before: bool = False) -> str:
    from studio.domain.sizes import format_size

    if before:
        return tr("The disk holding {folder} has {free} free, and this export needs about "
                  "{need}. Free some space, or export to another disk.").format(
            folder=folder, free=format_size(free), need=format_size(need))  # fmt: skip
    return tr("The disk holding {folder} is full ({free} free, about {need} more needed). "
              "Free some space and export again: the finished episodes are kept.").format(
        folder=folder, free=format_size(free), need=format_size(need))  # fmt: skip


# What a render leaves while it runs (render.py): .<name>.<8 hex>.part.mp4 and .work
_PARTIAL = re.compile(r"\..+\.[0-9a-f]{8}\.(part\.mp4|work)")


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold the kit folder for one export at a time (the window and the CLI may both
    export); UserError at once when another export holds it. The lock file lives in
    the cache folder, not in the kit the creator uploads."""
    from studio.app import Busy, one_at_a_time

    try:
        with one_at_a_time(f"export {folder.resolve()}"):
            yield
    except Busy:
        raise UserError(tr("Another export is writing to {folder}; wait for it to end, or "
                           "export to another folder.").format(folder=folder)) from None


def make_folder(folder: Path) -> None:
    """Make the kit folder (and those above it), or say in one line why it cannot be."""
    existing = next((p for p in (folder, *folder.parents) if p.exists() or p.is_symlink()), None)
    if existing is not None and not existing.is_dir():
        raise UserError(tr("{path} is a file, not a folder: choose a folder to export "
                           "to.").format(path=existing))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(tr("Cannot make the folder {folder}: {reason}.").format(
            folder=folder, reason=exc.strerror or exc)) from None


def _check_folder(plan: ExportPlan, folder: Path, old: dict) -> None:
    """Refuse a folder where export would write over files it did not write."""
    c = plan.collection
    owner = old.get("collection") or {}
    if old and owner.get("id") not in (None, c.id):
        raise UserError(tr("{folder} holds the kit of another collection ('{title}'); export "
                           "'{mine}' to a folder of its own.").format(
            folder=folder, title=owner.get("title", "?"), mine=c.title))  # fmt: skip
    ours = {e.get("file") for e in old.get("episodes", [])} | {old.get("cover"), MANIFEST}
    sources = {Path(j.media.path).resolve() for j in plan.jobs}
    for job in plan.jobs:
        target = folder / job.file_name
        if target.resolve() in sources:
            raise UserError(tr("Exporting to {folder} would write over the source video "
                               "'{name}' of episode {n}; export to another folder.").format(
                folder=folder, name=job.file_name, n=job.episode.position))  # fmt: skip
        if (target.exists() or target.is_symlink()) and job.file_name not in ours:
            raise UserError(tr("{folder} already has a file '{name}' that Series Studio did not "
                               "write; export to an empty folder, or move that file.").format(
                folder=folder, name=job.file_name))  # fmt: skip


def _remove_partials(folder: Path) -> None:
    """What an export killed without warning (power cut, SIGKILL) left behind."""
    for leftover in folder.iterdir():
        if _PARTIAL.fullmatch(leftover.name):
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)


def export_collection(
    lib: Library,
    plan: ExportPlan,
    folder: str | Path,
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    on_episode: Callable[[EpisodeJob, str], None] | None = None,
    write_cover: Callable[[Path], str | None] | None = None,
) -> ExportResult:
    """Render what is missing or changed into ``folder`` and write the manifest.

    ``on_episode(job, "rendered" | "reused" | "failed")`` is called after each episode.
    An episode that cannot be rendered does not stop the others: once they are
    done, :class:`ExportIncomplete` says which failed and why.
    ``write_cover(folder)`` writes the cover and returns its file name. Refuses a
    folder that another export is writing to, that holds another collection's
    kit, or where it would write over a file it did not write.
    """
    if not str(folder).strip():
        raise UserError(tr("Say which folder to export to."))
    folder = Path(folder).expanduser().absolute()
    make_folder(folder)
    with folder_lock(folder):
        old = _read_manifest(folder)
        _check_folder(plan, folder, old)
        _remove_partials(folder)
        return _export_locked(plan, folder, old, progress, cancel, on_episode, write_cover)


def _export_locked(plan, folder, old, progress, cancel, on_episode, write_cover) -> ExportResult:
    old["episodes"] = [e for e in old.get("episodes", [])
                       if isinstance(e, dict) and plain_file_name(e.get("file"))]  # fmt: skip
    old_by_key = {e.get("render_key"): e for e in old.get("episodes", [])}
    result = ExportResult(folder)
    c = plan.collection
    entries: list[dict] = []
    total = sum(max(0.5, j.plan.estimate_s) for j in plan.jobs)
    done = 0.0

    def manifest() -> dict:
        return {
            "format": KIT_FORMAT, "version": 1, "app": f"Series Studio {__version__}",
            "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "collection": {
                "id": c.id, "title": c.title, "description": c.description,
                "profile": c.profile,
                "price": ({"minor": c.price.minor, "currency": c.price.currency,
                           "display": c.price.format()} if c.price else None),
            },
            "cover": result.cover,
            "episodes": entries,
        }  # fmt: skip

    # Phase 1, quick: keep unchanged renders (renamed if the episode moved or was
    # retitled). The other files of the old kit stay until the end: a new render
    # replaces its file only once it is finished (render() writes a part file,
    # then renames it), so a cancel or a crash leaves a complete kit, partly old.
    reusable: dict[str, dict] = {}
    for job in plan.jobs:
        prev = old_by_key.get(job.key)
        if prev and _as_written(folder / prev["file"], prev):
            reusable[job.key] = prev
    # Old entries not reused, by file name: still listed while their file is there.
    pending = {e["file"]: e for e in old.get("episodes", [])
               if e.get("render_key") not in reusable}  # fmt: skip
    staged = {}
    for key, prev in reusable.items():  # two steps, so that swapped names do not collide
        staged[key] = folder / f".{key}.keep.mp4"
        os.replace(folder / prev["file"], staged[key])
    for job in plan.jobs:
        if job.key in reusable:
            os.replace(staged[job.key], folder / job.file_name)
            pending.pop(job.file_name, None)  # an old file of that name was just replaced
            entries.append(_entry(job, {**reusable[job.key], "mtime_ns": (
                folder / job.file_name).stat().st_mtime_ns}))  # fmt: skip
            result.reused.append(job.file_name)

    def listed() -> dict:
        m = manifest()
        m["episodes"] = sorted(entries + [e for name, e in pending.items()
                                          if (folder / name).is_file()],
                               key=lambda e: e.get("position", 0))  # fmt: skip
        return m

    _write_json_atomic(folder / MANIFEST, listed())
    for job in plan.jobs:
        if job.key in reusable and on_episode is not None:
            on_episode(job, "reused")

    # Phase 2: render the rest, recording each one as soon as it is done.
    failed: list[tuple[EpisodeJob, UserError]] = []
    to_render = [j for j in plan.jobs if j.key not in reusable]
    _check_room(folder, to_render)
    for n, job in enumerate(to_render):
        if cancel is not None:
            cancel.raise_if_cancelled()
        dest = folder / job.file_name
        weight = max(0.5, job.plan.estimate_s)
        base, name = done, job.file_name

        def scaled(p: Progress, base=base, weight=weight, name=name) -> None:
            progress(Progress(base + weight * (p.fraction or 0.0), total, name))

        try:
            r = render(job.media.path, job.media.info, job.plan, dest, settings=plan.settings,
                       progress=scaled, cancel=cancel,
                       label=tr("episode {n} '{title}'").format(
                           n=job.episode.position, title=job.episode.title))  # fmt: skip
        except DiskFull:
            # A full disk stops the export: every episode after this one would fail too.
            with contextlib.suppress(UserError):
                _write_json_atomic(folder / MANIFEST, listed())
            free = shutil.disk_usage(folder).free
            raise KitDiskFull(_say_full(folder, free, sum(
                estimated_bytes(j) for j in to_render[n:]))) from None
        except UserError as exc:
            # One episode that cannot be rendered does not stop the others; its
            # previous file (if any) stays listed, as after a cancel.
            failed.append((job, exc))
            done += weight
            progress(Progress(done, total, job.file_name))
            if on_episode is not None:
                on_episode(job, "failed")
            continue
        pending.pop(job.file_name, None)
        entries.append(_entry(job, {"sha256": sha256_file(dest), "size": r.size,
                                    "frames": r.frames, "duration_us": r.duration_us,
                                    "mtime_ns": dest.stat().st_mtime_ns}))  # fmt: skip
        entries.sort(key=lambda e: e["position"])
        result.rendered.append(job.file_name)
        done += weight
        progress(Progress(done, total, job.file_name))
        _write_json_atomic(folder / MANIFEST, listed())
        if on_episode is not None:
            on_episode(job, "rendered")

    if failed:
        if write_cover is not None:
            result.cover = write_cover(folder)
        _write_json_atomic(folder / MANIFEST, listed())
        result.manifest = folder / MANIFEST
        raise ExportIncomplete(_say_failed(folder, len(plan.jobs), failed), result, failed)

    # Phase 3, every episode done: the files of episodes that are gone, or that now
    # have another name, go.
    for name in pending:
        if (folder / name).is_file():
            (folder / name).unlink()
            result.removed.append(name)
    _write_json_atomic(folder / MANIFEST, manifest())

    if write_cover is not None:
        result.cover = write_cover(folder)
    _write_json_atomic(folder / MANIFEST, manifest())
    result.manifest = folder / MANIFEST
    return result


def _say_failed(folder: Path, total: int, failed: list[tuple[EpisodeJob, UserError]]) -> str:
    """A line saying how many episodes could not be rendered, then one line each."""
    n = len(failed)
    if n == total:
        head = ntr("{n} episode could not be rendered:",
                   "None of the {n} episodes could be rendered:", n).format(n=n)  # fmt: skip
    else:
        head = ntr("{n} of {total} episodes could not be rendered; the others are in "
                   "{folder}:", "{n} of {total} episodes could not be rendered; the others "
                   "are in {folder}:", n).format(n=n, total=total, folder=folder)  # fmt: skip
    return "\n".join([head, *(f"- {exc}" for _job, exc in failed)])


def _entry(job: EpisodeJob, facts: dict) -> dict:
    return {
        "position": job.episode.position, "id": job.episode.id, "title": job.episode.title,
        "file": job.file_name, "duration_us": facts["duration_us"],
        "duration": format_duration(facts["duration_us"]), "frames": facts.get("frames"),
        "size": facts["size"], "sha256": facts["sha256"],
        "free_preview": job.episode.free_preview, "strategy": job.plan.strategy.value,
        "render_key": job.key, "mtime_ns": facts.get("mtime_ns"),
    }  # fmt: skip


def _as_written(path: Path, entry: dict) -> bool:
    """Whether a kit file still holds what export wrote (a file damaged or replaced
    since, even of the same size, is rendered again). Its size and modification time
    say so at no cost; a file touched since, or listed by an older kit without the
    time, is read once and compared with its sha256 (about 1 s per 300 MB)."""
    try:
        st = path.stat()
    except OSError:
        return False
    if not path.is_file() or st.st_size != entry.get("size"):
        return False
    if entry.get("mtime_ns") == st.st_mtime_ns:
        return True
    return sha256_file(path) == entry.get("sha256")


def cover_writer(lib: Library, collection: Collection) -> Callable[[Path], str | None]:
    """What export_collection calls to write the cover into the kit."""
    from studio.covers import write_cover

    return lambda folder: write_cover(lib, collection, folder)


def render_preview(
    lib: Library,
    episode: Episode,
    folder: str | Path,
    settings: RenderSettings,
    *,
    seconds: float = 2.0,
    cancel: CancelToken | None = None,
) -> list[Path]:
    """Render the first and last ``seconds`` of an episode exactly as the export will.

    The creator sees the real cut (and any re-encoded frames) before exporting all.
    """
    from studio.actions import refresh_media_status
    from studio.domain.timecode import TimeRange

    c = lib.collection(episode.collection_id)
    refresh_media_status(lib, [episode.media_fingerprint])  # gone: a copy may hold the clip
    media = require_media(episode, lib.media(episode.media_fingerprint), c.title)
    profile = load_profile(c.profile)
    span = int(seconds * 1_000_000)
    trim = episode.trim
    parts = {
        "start": TimeRange(trim.start, min(trim.end, trim.start + span)),
        "end": TimeRange(max(trim.start, trim.end - span), trim.end),
    }
    labels = {"start": tr("the start of episode {n}"), "end": tr("the end of episode {n}")}
    out = []
    for name, rng in parts.items():
        plan = plan_cut(media.info, cut_points(media.path, media.info, rng), profile, settings)
        dest = Path(folder).expanduser() / f"{episode.position:02d}-preview-{name}.mp4"
        render(media.path, media.info, plan, dest, settings=settings, cancel=cancel,
               label=labels[name].format(n=episode.position))  # fmt: skip
        out.append(dest)
    return out
