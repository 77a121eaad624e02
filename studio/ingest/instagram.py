"""Instagram "Download your information" (JSON format): posts, reels, stories, IGTV, archive.

The JSON files are in ``your_instagram_activity/content/`` or ``.../media/``
(older exports: ``content/``): ``posts_1.json`` (a list of posts, each with
its ``media``), ``reels.json`` (``{"ig_reels_media": [{"media": [...]}]}``),
``stories.json`` (``{"ig_stories": [...]}``), ``igtv_videos.json``
(``{"ig_igtv_media": [{"media": [...]}]}``) and ``archived_posts.json``
(``{"ig_archived_post_media": [{"media": [...]}]}``, posts hidden from the
profile). Videos listed by any other JSON file there are counted and named
as not imported, never dropped silently. Each media entry has a ``uri``
(relative to the export's root: ``media/posts/202301/....mp4``), a
``creation_timestamp`` (Unix seconds) and a ``title``: the caption, which a
carousel may carry at the post level instead; a carousel's media share the
post's time and keep the order of its ``media`` list. Instagram writes UTF-8 text as
if each byte were a Latin-1 character ("Ã©tÃ©" for "été"): captions are repaired
when re-reading them that way round-trips. Photos are counted and skipped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from studio.actions import VIDEO_EXTENSIONS
from studio.i18n import N_, ntr, tr
from studio.ingest.archive import ArchiveReadError, ArchiveSet, Entry
from studio.ingest.csv_table import decode
from studio.ingest.model import ArchiveItem, ArchiveProblem, ItemStatus

# The folders that hold the JSON files, newest layout first; extend when Instagram moves them.
CONTENT_DIRS = ("your_instagram_activity/content", "your_instagram_activity/media", "content")
JSON_FILES = {  # kind -> file name pattern (the first kind wins for a video in two files)
    "post": re.compile(r"posts_\d+\.json$"),
    "reel": re.compile(r"reels\.json$"),
    "story": re.compile(r"stories\.json$"),
    "igtv": re.compile(r"igtv_videos\.json$"),
    "archived": re.compile(r"archived_posts\.json$"),
}
GROUPS_KEY = {  # kind -> the key of its list in a JSON object (posts_N.json is a bare list)
    "reel": "ig_reels_media", "story": "ig_stories", "igtv": "ig_igtv_media",
    "archived": "ig_archived_post_media",
}  # fmt: skip
KIND_LABELS = {"post": N_("Post"), "reel": N_("Reel"), "story": N_("Story"), "igtv": N_("IGTV"),
               "archived": N_("Archived post")}  # fmt: skip
_CONTENT = "|".join(re.escape(d) for d in CONTENT_DIRS)
_HTML_EXPORT = re.compile(
    rf"(^|/)({_CONTENT})/(posts_\d+|reels|stories|igtv_videos|archived_posts)\.html$")
_TAGS_AT_END = re.compile(r"(?:\s*[#@][\w.]+)+\s*$")


@dataclass
class InstagramResult:
    items: list[ArchiveItem] = field(default_factory=list)
    problems: list[ArchiveProblem] = field(default_factory=list)
    skipped_photos: int = 0


def repair_mojibake(text: str) -> str:
    """``"cafÃ©"`` -> ``"café"``: UTF-8 bytes that were read as Latin-1, when that round-trips."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def title_from_caption(caption: str) -> str:
    """The first line of the caption that says something, without its trailing hashtags."""
    for line in caption.splitlines():
        line = _TAGS_AT_END.sub("", line).strip()
        if line.strip("#@ "):
            return " ".join(line.split())
    return ""


def _content_root(folder: str) -> str | None:
    """The export's root when ``folder`` is one of its content folders, else None."""
    for content in CONTENT_DIRS:
        if folder == content or folder.endswith("/" + content):
            return folder[: len(folder) - len(content)]
    return None


def _json_files(arch: ArchiveSet) -> tuple[list[tuple[str, str, Entry]], list[Entry]]:
    """(kind, export root, entry) of every content JSON file read for videos, and the other
    JSON files of the content folders."""
    found, others = [], []
    for path in arch.paths():
        folder, _, name = path.rpartition("/")
        root = _content_root(folder) if name.endswith(".json") else None
        if root is None:
            continue
        kind = next((k for k, pattern in JSON_FILES.items() if pattern.fullmatch(name)), None)
        if kind is None:
            others.append(arch.entries[path])
        else:
            found.append((kind, root, arch.entries[path]))
    return found, others


def _has_html_export(arch: ArchiveSet) -> bool:
    return any(_HTML_EXPORT.search(p) for p in arch.paths())


def read_instagram(arch: ArchiveSet) -> InstagramResult | None:
    """The videos of an Instagram export, or None when the archive is not one."""
    files, others = _json_files(arch)
    if not files:
        if _has_html_export(arch):
            result = InstagramResult()
            result.problems.append(ArchiveProblem(arch.name, tr(
                "This Instagram export is in HTML: request your information again and choose "
                "the JSON format.")))  # fmt: skip
            return result
        return None
    result = InstagramResult()
    seen: dict[str, int] = {}  # media path -> index in result.items
    for kind, root, entry in sorted(files, key=lambda f: (list(JSON_FILES).index(f[0]),
                                                          f[2].path)):  # fmt: skip
        data = _load(arch, entry, result.problems)
        if data is None:
            continue
        for media, post_title, post_time in _media_of(kind, data, arch.describe(entry), result):
            _add(arch, result, seen, kind, root, media, post_title, post_time)
    # Stable: the media of a carousel share its time and keep their order in the JSON.
    result.items.sort(key=lambda it: (it.created_at is None, it.created_at or datetime.min))
    for entry in others:
        _name_videos_left_out(arch, entry, result)
    return result


def _name_videos_left_out(arch: ArchiveSet, entry: Entry, result: InstagramResult) -> None:
    """A warning for a JSON file this importer does not read that lists videos."""
    try:
        data = json.loads(decode(arch.read_bytes(entry), arch.describe(entry))[0])
    except (ArchiveReadError, ValueError):
        return
    n = sum(1 for uri in _uris(data) if _extension(uri) in VIDEO_EXTENSIONS)
    if n:
        where = arch.describe(entry)
        result.problems.append(ArchiveProblem(where, ntr(
            "{file} lists {n} video that is not imported: only posts, reels, stories, IGTV "
            "and archived posts are.", "{file} lists {n} videos that are not imported: only "
            "posts, reels, stories, IGTV and archived posts are.", n).format(file=where, n=n),
            severity="warning"))  # fmt: skip


def _uris(data: Any):
    """Every string under a ``uri`` key of a JSON document."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "uri" and isinstance(value, str):
                yield value
            else:
                yield from _uris(value)
    elif isinstance(data, list):
        for value in data:
            yield from _uris(value)


def _extension(uri: str) -> str:
    name = uri.rsplit("/", 1)[-1]
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _load(arch: ArchiveSet, entry: Entry, problems: list[ArchiveProblem]) -> Any:
    where = arch.describe(entry)
    try:
        text, warning = decode(arch.read_bytes(entry), where)
    except ArchiveReadError as exc:
        problems.append(ArchiveProblem(where, str(exc)))
        return None
    if warning is not None:
        problems.append(warning)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        problems.append(ArchiveProblem(where, tr(
            "{file}, line {line}, column {column}: the JSON is broken ({error}); nothing was "
            "read from this file.").format(file=where, line=exc.lineno, column=exc.colno,
                                            error=exc.msg), line=exc.lineno))  # fmt: skip
        return None


def _media_of(kind: str, data: Any, where: str, result: InstagramResult):
    """(media entry, post-level caption, post-level time) for each media of a JSON file."""
    groups = data.get(GROUPS_KEY.get(kind, "")) if isinstance(data, dict) else data
    if kind == "story" and isinstance(groups, list):
        groups = [{"media": groups}]
    if not isinstance(groups, list):
        result.problems.append(ArchiveProblem(where, tr(
            "{file} is not laid out as expected; nothing was read from it.").format(file=where),
            severity="warning"))  # fmt: skip
        return
    for group in groups:
        if not isinstance(group, dict):
            continue
        media = group.get("media")
        if not isinstance(media, list):
            media = [group] if "uri" in group else []
        for m in media:
            if isinstance(m, dict):
                yield m, group.get("title"), group.get("creation_timestamp")


def _add(arch: ArchiveSet, result: InstagramResult, seen: dict[str, int], kind: str, root: str,
         media: dict, post_title: Any, post_time: Any) -> None:  # fmt: skip
    uri = media.get("uri")
    if not isinstance(uri, str) or not uri.strip():
        return
    if _extension(uri) not in VIDEO_EXTENSIONS:
        result.skipped_photos += 1
        return
    caption = media.get("title") if isinstance(media.get("title"), str) else ""
    if not caption.strip() and isinstance(post_title, str):
        caption = post_title
    caption = repair_mojibake(caption).strip()
    stamp = media.get("creation_timestamp") or post_time
    created = datetime.fromtimestamp(stamp, UTC) if isinstance(stamp, int | float) else None
    entry = _resolve(arch, root, uri)
    ref = entry.path if entry is not None else None
    key = f"instagram:{ref or uri}"
    if key in seen:  # the same video in posts and reels: keep one, with a caption if either has
        i = seen[key]
        if not result.items[i].description and caption:
            result.items[i] = _item(key, kind, ref, caption, created, entry, uri)
        return
    seen[key] = len(result.items)
    result.items.append(_item(key, kind, ref, caption, created, entry, uri))


def _item(key: str, kind: str, ref: str | None, caption: str, created: datetime | None,
          entry: Entry | None, uri: str) -> ArchiveItem:  # fmt: skip
    title = title_from_caption(caption) or _fallback_title(kind, created)
    if entry is None:
        return ArchiveItem(key, "instagram", kind, None, title, caption, created,
                           status=ItemStatus.MISSING, problem=tr(
                               "{uri} is not in this archive: add the missing ZIP parts.").format(
                               uri=uri))  # fmt: skip
    return ArchiveItem(key, "instagram", kind, ref, title, caption, created, size=entry.size)


def _fallback_title(kind: str, created: datetime | None) -> str:
    label = tr(KIND_LABELS[kind])
    if created is None:
        return label
    return tr("{kind} of {date}").format(kind=label, date=created.date().isoformat())


def _resolve(arch: ArchiveSet, root: str, uri: str) -> Entry | None:
    """The entry a ``uri`` names: below the export's root, else the one entry ending with it."""
    uri = uri.strip().lstrip("/")
    if uri.startswith(("http://", "https://")):
        return None
    found = arch.find(root + uri)
    if found is not None:
        return found
    tail = "/" + uri
    matches = [e for e in arch.named(uri.rsplit("/", 1)[-1])
               if e.path.endswith(tail) or e.path == uri]  # fmt: skip
    return matches[0] if len(matches) == 1 else None
