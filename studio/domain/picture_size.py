"""The size of a picture file, read from its header: no decoding, no image library.

The rules engine runs on the GUI thread after every edit, so it cannot afford to
decode a 12-megapixel cover each time; the header says the size at once.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

# JPEG start-of-frame markers (C4 DHT, C8 JPG and CC DAC are not)
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def picture_size(path: str | Path) -> tuple[int, int] | None:
    """(width, height) of a PNG, JPEG or WebP file as it is shown (a JPEG's EXIF
    orientation applied, as OpenCV applies it when export decodes the picture); None
    for another format, or a damaged or unreadable file."""
    try:
        with open(path, "rb") as f:
            head = f.read(30)
            if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
                width, height = struct.unpack(">II", head[16:24])
                return width, height
            if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
                return _webp_size(head)
            if head.startswith(b"\xff\xd8"):
                f.seek(2)
                return _jpeg_size(f)
    except (OSError, struct.error):
        pass
    return None


def _webp_size(head: bytes) -> tuple[int, int] | None:
    kind = head[12:16]
    if kind == b"VP8 ":  # lossy: 14-bit sizes after the key frame's start code
        w, h = struct.unpack("<HH", head[26:30])
        return w & 0x3FFF, h & 0x3FFF
    if kind == b"VP8L":  # lossless: 14-bit sizes minus one, packed
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if kind == b"VP8X":  # extended: 24-bit sizes minus one
        return (int.from_bytes(head[24:27], "little") + 1,
                int.from_bytes(head[27:30], "little") + 1)  # fmt: skip
    return None


def _jpeg_size(f: BinaryIO) -> tuple[int, int] | None:
    turned = False  # EXIF orientation 5 to 8: shown a quarter turn round
    while byte := f.read(1):
        if byte != b"\xff":
            continue
        marker = f.read(1)
        while marker == b"\xff":  # fill bytes
            marker = f.read(1)
        if marker in (b"", b"\xd9", b"\xda"):  # the end, or the picture data: no size seen
            return None
        if marker == b"\x01" or b"\xd0" <= marker <= b"\xd8":  # markers without a length
            continue
        (length,) = struct.unpack(">H", f.read(2))
        data = f.read(length - 2)
        if marker == b"\xe1" and data.startswith(b"Exif\x00\x00"):
            turned = _exif_orientation(data[6:]) in (5, 6, 7, 8)
        elif marker[0] in _SOF:
            height, width = struct.unpack(">HH", data[1:5])
            return (height, width) if turned else (width, height)
    return None


def _exif_orientation(tiff: bytes) -> int:
    """The Orientation tag (0x0112) of the first IFD; 1 (upright) when absent or damaged."""
    order = "<" if tiff[:2] == b"II" else ">"
    try:
        (ifd,) = struct.unpack(order + "I", tiff[4:8])
        (count,) = struct.unpack(order + "H", tiff[ifd:ifd + 2])
        for i in range(count):
            entry = tiff[ifd + 2 + 12 * i:ifd + 14 + 12 * i]
            tag, kind = struct.unpack(order + "HH", entry[:4])
            if tag == 0x0112 and kind == 3:
                return struct.unpack(order + "H", entry[8:10])[0]
    except struct.error:
        pass
    return 1
