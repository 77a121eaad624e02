"""Build creator archives for tests: YouTube Takeouts and Instagram exports, good and hostile.

Everything is made from real clips (tests/media.py) and written the way the
services write it: Takeout names files after the sanitised title cut to 43
UTF-16 units, with "(n)" for duplicates, and has no column linking a file to
its row; Instagram escapes UTF-8 bytes as Latin-1 characters in its JSON.
An archive is a folder, or one or several ZIP parts (entries dealt round-robin).
"""

from __future__ import annotations

import csv
import io
import json
import re
import stat
import struct
import tarfile
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import media

YT = {"en": "Takeout/YouTube and YouTube Music", "fr": "Takeout/YouTube et YouTube Music"}
VIDEOS = {"en": "videos", "fr": "vidéos"}
METADATA = {"en": "video metadata/videos.csv", "fr": "métadonnées des vidéos/vidéos.csv"}
TAKEOUT_HEADERS = {
    "en": ["Video ID", "Approx Duration (ms)", "Video Audio Language", "Video Category",
           "Video Description (Original)", "Channel ID", "Video Title (Original)", "Privacy",
           "Video State", "Video Create Timestamp", "Video Publish Timestamp"],
    "fr": ["ID de la vidéo", "Durée approximative (ms)", "Langue audio de la vidéo",
           "Catégorie de la vidéo", "Description de la vidéo (original)", "ID de la chaîne",
           "Titre de la vidéo (original)", "Confidentialité", "État de la vidéo",
           "Horodatage de création de la vidéo", "Horodatage de publication de la vidéo"],
}  # fmt: skip


def clip(folder: Path, seconds: float, variant: int = 0) -> Path:
    """A tiny real clip; ``variant`` changes its size so that equal lengths differ in content."""
    return media.make_clip(folder / f"clip-{seconds:g}-{variant}.mp4", seconds=seconds,
                           width=64 + 16 * variant, height=36, fps=10)  # fmt: skip


def utf16_cut(text: str, units: int) -> str:
    out = ""
    for ch in text:
        if len((out + ch).encode("utf-16-le")) // 2 > units:
            break
        out += ch
    return out


def takeout_file_name(title: str, taken: set[str], ext: str = ".mp4") -> str:
    """The name Takeout gives a video's file: sanitised, cut, "(n)" for duplicates."""
    name = utf16_cut(re.sub(r'[\\/:*?"<>|]', "_", title), 43).rstrip()
    base, n = name, 0
    while name.casefold() in taken:
        n += 1
        name = f"{base}({n})"
    taken.add(name.casefold())
    return name + ext


@dataclass
class Video:
    video_id: str
    title: str
    created: datetime
    clip: Path | None  # None: in videos.csv but not in the archive
    description: str = ""
    approx_ms: int | None = None  # default: the clip's length, rounded to the second, + 0.3 s
    file_name: str | None = None  # default: as Takeout names it


def takeout_files(videos: list[Video], *, lang: str = "en",
                  playlists: list[tuple[str, str, list[str]]] = (), playlist_layout: str = "new",
                  extra_files: dict[str, Path] | None = None, videos_csv: bytes | None = None,
                  ) -> dict[str, Path | bytes]:  # fmt: skip
    """Archive path -> content of a Takeout. ``playlists``: (title, description, video ids)."""
    files: dict[str, Path | bytes] = {}
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(TAKEOUT_HEADERS[lang])
    taken: set[str] = set()
    for v in videos:
        approx = v.approx_ms if v.approx_ms is not None else _approx(v.clip)
        stamp = v.created.strftime("%Y-%m-%dT%H:%M:%S+00:00")
        w.writerow([v.video_id, approx, "en", "People & Blogs", v.description, "UCchannel",
                    v.title, "Public", "Processed", stamp, stamp])
        name = v.file_name or takeout_file_name(v.title, taken)
        if v.clip is not None:
            files[f"{YT[lang]}/{VIDEOS[lang]}/{name}"] = v.clip
    files[f"{YT[lang]}/{METADATA[lang]}"] = (
        videos_csv if videos_csv is not None else out.getvalue().encode("utf-8"))
    files.update(_playlist_files(YT[lang], playlists, playlist_layout))
    for name, path in (extra_files or {}).items():
        files[f"{YT[lang]}/{VIDEOS[lang]}/{name}"] = path
    return files


def _approx(path: Path | None) -> int:
    if path is None:
        return 60_000
    seconds = float(re.search(r"clip-([\d.]+)-", path.name).group(1))  # type: ignore[union-attr]
    return int(seconds * 1000) + 300


def _playlist_files(root: str, playlists, layout: str) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    index = io.StringIO()
    iw = csv.writer(index, lineterminator="\n")
    iw.writerow(["Playlist ID", "Add new videos to top", "Playlist Title (Original)",
                 "Playlist Description (Original)", "Playlist Create Timestamp",
                 "Playlist Video Order", "Playlist Visibility"])
    for n, (title, description, ids) in enumerate(playlists):
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        if layout == "old":  # a preamble describing the playlist, a blank line, then the videos
            w.writerow(["Playlist ID", "Channel ID", "Time Created", "Time Updated", "Title",
                        "Description", "Visibility"])
            w.writerow([f"PL{n}", "UCchannel", "2023-01-01 10:00:00 UTC",
                        "2023-01-02 10:00:00 UTC", title, description, "Public"])
            w.writerow([])
            w.writerow(["Video ID", "Time Added"])
            w.writerows([i, "2023-01-03 10:00:00 UTC"] for i in ids)
            files[f"{root}/playlists/{title}.csv"] = out.getvalue().encode("utf-8")
        else:
            iw.writerow([f"PL{n}", "False", title, description, "2023-01-01T10:00:00+00:00",
                         "Manual", "Public"])
            w.writerow(["Video ID", "Playlist Video Creation Timestamp"])
            w.writerows([i, "2023-01-03T10:00:00+00:00"] for i in ids)
            files[f"{root}/playlists/{title}-videos.csv"] = out.getvalue().encode("utf-8")
    if layout == "new" and playlists:
        files[f"{root}/playlists/playlists.csv"] = index.getvalue().encode("utf-8")
    return files


# ------------------------------------------------------------------ Instagram


def mojibake(text: str) -> str:
    """What Instagram's JSON holds for ``text``: each UTF-8 byte as a Latin-1 character."""
    return text.encode("utf-8").decode("latin-1")


@dataclass
class IgPost:
    kind: str  # "post", "reel" or "story"
    media: list[Path | None]  # a clip, or None for a photo
    caption: str
    created: datetime
    carousel: bool = False  # the caption is on the post, not on its media
    uris: list[str] = field(default_factory=list)  # filled in by instagram_files


def instagram_files(posts: list[IgPost], *, layout: str = "new",
                    broken: dict[str, str] | None = None) -> dict[str, Path | bytes]:  # fmt: skip
    """Archive path -> content of an Instagram JSON export (``layout`` "new" or "old")."""
    content = "your_instagram_activity/content" if layout == "new" else "content"
    files: dict[str, Path | bytes] = {}
    docs: dict[str, list] = {"post": [], "reel": [], "story": []}
    for n, post in enumerate(posts):
        ts = int(post.created.timestamp())
        entries = []
        for m, item in enumerate(post.media):
            ext = "mp4" if item is not None else "jpg"
            uri = f"media/{post.kind}s/{post.created:%Y%m}/{17_000 + n}{m}.{ext}"
            post.uris.append(uri)
            files[uri] = item if item is not None else b"\xff\xd8\xff\xe0 not really a photo"
            entries.append({"uri": uri, "creation_timestamp": ts,
                            "title": "" if post.carousel else mojibake(post.caption),
                            "media_metadata": {}})
        group: dict = {"media": entries}
        if post.carousel:
            group |= {"title": mojibake(post.caption), "creation_timestamp": ts}
        docs[post.kind].append(group)
    payloads = {
        "posts_1.json": docs["post"],
        "reels.json": {"ig_reels_media": docs["reel"]},
        "stories.json": {"ig_stories": [e for g in docs["story"] for e in g["media"]]},
    }
    for name, data in payloads.items():
        text = json.dumps(data, indent=2)  # ensure_ascii: "\u00c3\u00a9", as Instagram writes
        if broken and name in broken:
            text = broken[name]
        files[f"{content}/{name}"] = text.encode("utf-8")
    return files


# -------------------------------------------------------------------- writing


def write_folder(root: Path, files: dict[str, Path | bytes]) -> Path:
    for name, content in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.read_bytes() if isinstance(content, Path) else content)
    return root


def write_zips(folder: Path, stem: str, files: dict[str, Path | bytes], parts: int = 1,
               ) -> list[Path]:  # fmt: skip
    """``stem-001.zip``... with the entries dealt round-robin (deflated, as Takeout does)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{stem}-{i + 1:03d}.zip" for i in range(parts)]
    zips = [zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) for p in paths]
    for n, (name, content) in enumerate(sorted(files.items())):
        data = content.read_bytes() if isinstance(content, Path) else content
        zips[n % parts].writestr(name, data)
    for z in zips:
        z.close()
    return paths


def add_entry(zip_path: Path, name: str, data: bytes = b"x", *, mode: int | None = None) -> None:
    """Append one raw entry (a hostile name, a link or a device) to an existing ZIP."""
    info = zipfile.ZipInfo(name, date_time=(2023, 1, 1, 0, 0, 0))
    if mode is not None:
        info.create_system = 3
        info.external_attr = mode << 16
    with zipfile.ZipFile(zip_path, "a") as z:
        z.writestr(info, data)


def symlink_mode() -> int:
    return stat.S_IFLNK | 0o777


def device_mode() -> int:
    return stat.S_IFCHR | 0o666


def write_zip_bomb(path: Path, name: str, gib: int = 1) -> Path:
    """A ZIP whose one entry is ``gib`` GiB of zeros in about 1 MB (repeated deflate blocks)."""
    zeros = bytes(1 << 20)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)  # the same bytes for every MiB
    data = block * (1024 * gib) + c.flush()
    crc = 0
    for _ in range(1024 * gib):
        crc = zlib.crc32(zeros, crc)
    size = (1 << 30) * gib
    raw = name.encode()
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x5621, crc, len(data),
                        size, len(raw), 0) + raw  # fmt: skip
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x5621, crc,
                          len(data), size, len(raw), 0, 0, 0, 0, 0o644 << 16, 0) + raw
    offset = len(local) + len(data)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central), offset, 0)
    path.write_bytes(local + data + central + end)
    return path


def damage_central_directory(zip_path: Path) -> Path:
    """Overwrite the signature of every central directory record: the table of contents breaks."""
    data = bytearray(zip_path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        data[at: at + 4] = b"XX\x01\x02"
        at = data.find(b"PK\x01\x02", at + 4)
    zip_path.write_bytes(bytes(data))
    return zip_path


def files_outside(root: Path, media_dir: Path) -> set[Path]:
    """Every file below ``root`` except those in ``media_dir`` and the library's own files."""
    return {p for p in root.rglob("*")
            if (p.is_file() or p.is_symlink()) and not p.is_relative_to(media_dir)
            and ".sqlite" not in p.name}  # fmt: skip


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# ------------------------------------------- Takeouts in more languages, parts side by side

LOCALIZED = {  # root, videos folder, metadata CSV, its header, playlist index, file pattern
    "de": ("Takeout/YouTube und YouTube Music", "Videos", "Video-Metadaten/Videos.csv",
           ["Video-ID", "Ungefähre Dauer (ms)", "Audiosprache des Videos", "Videokategorie",
            "Videobeschreibung (Original)", "Kanal-ID", "Videotitel (Original)", "Datenschutz",
            "Videostatus", "Zeitstempel bei Videoerstellung",
            "Zeitstempel bei Videoveröffentlichung"],
           ("Playlists/Playlists.csv", ["Playlist-ID", "Playlist-Titel (Original)",
                                        "Playlist-Beschreibung (Original)"]),
           ("Playlists/{title}-Videos.csv",
            ["Video-ID", "Zeitstempel bei Erstellung des Playlist-Videos"])),
    "es": ("Takeout/YouTube y YouTube\u00a0Music", "vídeos", "metadatos de vídeos/vídeos.csv",
           ["ID de vídeo", "Duración aproximada (ms)", "Idioma del audio del vídeo",
            "Categoría del vídeo", "Descripción del vídeo (original)", "ID de canal",
            "Título del vídeo (original)", "Privacidad", "Estado del vídeo",
            "Marca de tiempo de creación del vídeo", "Marca de tiempo de publicación del vídeo"],
           ("listas de reproducción/Listas de reproducción.csv",  # folder name unconfirmed
            ["ID de lista de reproducción", "Título de la lista de reproducción (original)"]),
           ("listas de reproducción/{title}-vídeos.csv",
            ["ID de vídeo", "Marca de tiempo de creación de la lista de reproducción de vídeos"])),
    "fr": ("Takeout/YouTube et YouTube Music", "vidéos", "métadonnées des vidéos/vidéos.csv",
           TAKEOUT_HEADERS["fr"],
           ("playlists/playlists.csv", ["ID de la playlist", "Titre de la playlist (original)",
                                        "Description de la playlist (original)"]),
           ("playlists/{title}-Vidéos.csv",
            ["ID de la vidéo", "Horodatage de création de la vidéo de la playlist"])),
}  # fmt: skip


def _csv_bytes(rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def localized_takeout_files(videos: list[Video], lang: str,
                            playlists: list[tuple[str, str, list[str]]] = (),
                            ) -> dict[str, Path | bytes]:  # fmt: skip
    """A Takeout named as in ``lang`` (see LOCALIZED); ``playlists``: (title, description, ids).

    The file of a video is its title with Takeout's replacements, or ``Video.file_name``.
    """
    root, folder, metadata, header, (index, index_head), (pattern, list_head) = LOCALIZED[lang]
    rows: list[list] = [header]
    files: dict[str, Path | bytes] = {}
    taken: set[str] = set()
    for v in videos:
        approx = v.approx_ms if v.approx_ms is not None else _approx(v.clip)
        stamp = v.created.strftime("%Y-%m-%dT%H:%M:%S+00:00")
        rows.append([v.video_id, approx, lang, "22", v.description, "UCchannel", v.title,
                     "public", "processed", stamp, stamp])
        if v.clip is not None:
            files[f"{root}/{folder}/{v.file_name or takeout_file_name(v.title, taken)}"] = v.clip
    files[f"{root}/{metadata}"] = _csv_bytes(rows)
    if playlists:
        files[f"{root}/{index}"] = _csv_bytes(
            [index_head] + [[f"PL{n}", t, d][: len(index_head)]
                            for n, (t, d, _ids) in enumerate(playlists)])
        for title, _d, ids in playlists:
            files[f"{root}/{pattern.format(title=title)}"] = _csv_bytes(
                [list_head] + [[i, "2024-02-01T00:00:00+00:00"] for i in ids])
    return files


def split_into_part_folders(root: Path, files: dict[str, Path | bytes], parts: int,
                            ) -> Path:  # fmt: skip
    """The parts unpacked side by side as macOS does: ``Takeout``, ``Takeout 2``…

    Entries are dealt round-robin, the metadata first in ``Takeout``.
    """
    for n, (name, content) in enumerate(sorted(files.items(), key=lambda kv: ".csv" not in kv[0])):
        top, rest = name.split("/", 1)
        folder = top if n % parts == 0 else f"{top} {n % parts + 1}"
        write_folder(root, {f"{folder}/{rest}": content})
    return root


def _zipcrypto_table() -> list[int]:
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0xEDB88320 if c & 1 else c >> 1
        table.append(c)
    return table


def write_encrypted_zip(path: Path, files: dict[str, Path | bytes], password: bytes) -> Path:
    """A ZIP whose entries are stored and encrypted with ``password`` (PKWARE ZipCrypto,
    what ``zip -P`` and 7-Zip's "ZipCrypto" write)."""
    table = _zipcrypto_table()

    def crc(k: int, b: int) -> int:
        return (k >> 8) ^ table[(k ^ b) & 0xFF]

    local_parts, central_parts, offset = [], [], 0
    for name, content in sorted(files.items()):
        data = content.read_bytes() if isinstance(content, Path) else content
        check = zlib.crc32(data)
        keys = [0x12345678, 0x23456789, 0x34567890]

        def update(b: int, keys: list[int] = keys) -> None:
            keys[0] = crc(keys[0], b)
            keys[1] = ((keys[1] + (keys[0] & 0xFF)) * 134775813 + 1) & 0xFFFFFFFF
            keys[2] = crc(keys[2], keys[1] >> 24)

        for b in password:
            update(b)
        out = bytearray()
        for b in bytes(11) + bytes([check >> 24]) + data:
            t = (keys[2] | 2) & 0xFFFF
            out.append(b ^ (((t * (t ^ 1)) >> 8) & 0xFF))
            update(b)
        raw = name.encode()
        local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 1, 0, 0, 0x5621, check, len(out),
                            len(data), len(raw), 0) + raw  # fmt: skip
        central_parts.append(struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 1, 0, 0, 0x5621, check, len(out), len(data),
            len(raw), 0, 0, 0, 0, 0o644 << 16, offset) + raw)  # fmt: skip
        local_parts.append(local + bytes(out))
        offset += len(local) + len(out)
    central = b"".join(central_parts)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(files), len(files), len(central),
                      offset, 0)  # fmt: skip
    path.write_bytes(b"".join(local_parts) + central + end)
    return path


class _LegacyName(zipfile.ZipInfo):
    """An entry whose name is stored in a Windows code page, without the UTF-8 flag."""

    encoding = "cp437"

    def _encodeFilenameFlags(self):  # noqa: N802 (zipfile's own name)
        return self.filename.encode(self.encoding), self.flag_bits & ~0x800


def write_windows_zip(path: Path, files: dict[str, Path | bytes], encoding: str) -> Path:
    """A ZIP as Windows' "Send to > Compressed folder" makes it: backslashes, names in the
    OEM code page ``encoding`` (cp850 in Western Europe, cp932 in Japan), no UTF-8 flag."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in sorted(files.items()):
            info = _LegacyName(name.replace("/", "\\"), date_time=(2024, 1, 1, 0, 0, 0))
            info.encoding = encoding
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, content.read_bytes() if isinstance(content, Path) else content)
    return path


def write_tgzs(folder: Path, stem: str, files: dict[str, Path | bytes], parts: int = 1,
               hostile: bool = False) -> list[Path]:  # fmt: skip
    """``stem-001.tgz``... as Takeout's ".tgz" file type, entries dealt round-robin.

    ``hostile`` adds to the first part an entry climbing out (``../``), an absolute
    one, a symbolic link and a device file.
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{stem}-{i + 1:03d}.tgz" for i in range(parts)]
    tars = [tarfile.open(p, "w:gz") for p in paths]

    def put(t: tarfile.TarFile, name: str, data: bytes, kind: bytes = tarfile.REGTYPE) -> None:
        info = tarfile.TarInfo(name)
        info.size, info.type, info.mtime = (len(data) if kind == tarfile.REGTYPE else 0), kind, 0
        if kind == tarfile.SYMTYPE:
            info.linkname = "/etc/passwd"
        t.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)

    for n, (name, content) in enumerate(sorted(files.items())):
        put(tars[n % parts], name, content.read_bytes() if isinstance(content, Path) else content)
    if hostile:
        videos = "Takeout/YouTube and YouTube Music/videos/"
        put(tars[0], videos + "../../../../evil.mp4", b"tar slip")
        put(tars[0], "/tmp/abs-evil.mp4", b"absolute")
        put(tars[0], videos + "link.mp4", b"", tarfile.SYMTYPE)
        put(tars[0], videos + "tty.mp4", b"", tarfile.CHRTYPE)
    for t in tars:
        t.close()
    return paths
