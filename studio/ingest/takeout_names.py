"""The names YouTube Takeout gives its files and CSV columns, in the account's language.

Takeout names the metadata file and the columns of its CSV files in the
language of the Google account. Each name below was seen in real Takeouts, as
quoted by public code that parses them; a language is only listed for what
was found (a missing playlist column just leaves the playlist without it):

- en, fr: the app's own tests and the QA findings (French playlist files are
  ``<titre>-Vidéos.csv``).
- de: ``Takeout/YouTube und YouTube Music/Video-Metadaten/Videos.csv``,
  ``Playlists/Playlists.csv`` and ``Playlists/<Titel>-Videos.csv`` (Takeout
  importers' tests and parsers on GitHub that read German exports).
- es, nl, ro, lt: the Takeout structures of what-if-horizon/what-if-data-donation
  (``vídeos.csv``, ``video_s.csv``, ``videoclipuri.csv``, ``vaizdo įrašai.csv``;
  Spanish playlists ``Listas de reproducción.csv`` and ``<título>-vídeos.csv``,
  Dutch ``Video_s in <titel>.csv``, Romanian ``<titlu>-videoclipuri.csv``).
- pt: ``YouTube e YouTube Music/metadados do vídeo/vídeos.csv`` (a Takeout
  importer's tests on GitHub).

Italian and Japanese names could not be confirmed: such a Takeout is reported
as one whose language is not read yet (see :func:`youtube_folder`).
Matching ignores case, accents' composition and runs of spaces.
"""

from __future__ import annotations

import re
import unicodedata

from studio.i18n import N_
from studio.ingest.csv_table import Columns

LANGUAGES_READ = N_("English, French, German, Spanish, Portuguese, Dutch, Romanian, Lithuanian")

VIDEO_CSV_NAMES = ("videos.csv", "vidéos.csv", "vídeos.csv", "video_s.csv", "videoclipuri.csv",
                   "vaizdo įrašai.csv")  # fmt: skip
PLAYLIST_FOLDERS = ("playlists",)  # other languages: found by their columns
PLAYLIST_INDEX_NAMES = ("playlists.csv", "listas de reproducción.csv", "playlisturi.csv")
# A playlist's own file: "<title>-videos.csv" (suffixes) or "Video_s in <title>.csv" (prefixes).
PLAYLIST_FILE_SUFFIXES = ("videos", "vidéos", "vídeos", "videoclipuri")
PLAYLIST_FILE_PREFIXES = ("video_s in ",)

VIDEO_COLUMNS: Columns = {
    "video_id": ("Video ID", "ID de la vidéo", "Video-ID", "ID de vídeo", "ID do vídeo",
                 "ID-ul videoclipului", "Vaizdo įrašo ID"),
    "duration_ms": ("Approx Duration (ms)", "Durée approximative (ms)", "Ungefähre Dauer (ms)",
                    "Duración aproximada (ms)", "Duração aproximada (ms)", "Geschatte duur (ms)",
                    "Durată aproximativă (ms)", "Apytikrė trukmė (ms)"),
    "title": ("Video Title (Original)", "Titre de la vidéo (original)", "Video Title",
              "Videotitel (Original)", "Título del vídeo (original)", "Título do vídeo (original)",
              "Videotitel (origineel)", "Titlul videoclipului (original)",
              "Vaizdo įrašo pavadinimas (originalas)"),
    "description": ("Video Description (Original)", "Description de la vidéo (original)",
                    "Videobeschreibung (Original)", "Descripción del vídeo (original)",
                    "Descrição do vídeo (original)", "Videobeschrijving (origineel)",
                    "Descrierea videoclipului (original)", "Vaizdo įrašo aprašas (originalas)"),
    "created": ("Video Create Timestamp", "Horodatage de création de la vidéo",
                "Zeitstempel bei Videoerstellung", "Marca de tiempo de creación del vídeo",
                "Carimbo de data/hora de criação do vídeo", "Tijdstempel aanmaaktijd video",
                "Marcajul temporal de creare a videoclipului",
                "Vaizdo įrašo sukūrimo laiko žymė"),
    "published": ("Video Publish Timestamp", "Horodatage de publication de la vidéo",
                  "Zeitstempel bei Videoveröffentlichung",
                  "Marca de tiempo de publicación del vídeo",
                  "Carimbo de data/hora de publicação do vídeo",
                  "Tijdstempel publicatietijd video",
                  "Marcajul temporal de publicare a videoclipului",
                  "Vaizdo įrašo paskelbimo laiko žymė"),
}  # fmt: skip
PLAYLIST_INDEX_COLUMNS: Columns = {
    "playlist_id": ("Playlist ID", "ID de la playlist", "Playlist-ID",
                    "ID de lista de reproducción", "ID-ul playlistului"),
    "title": ("Playlist Title (Original)", "Titre de la playlist (original)", "Title", "Titre",
              "Playlist-Titel (Original)", "Título de la lista de reproducción (original)",
              "Playlist-titel (Origineel)", "Titlul playlistului (original)"),
    "description": ("Playlist Description (Original)", "Description de la playlist (original)",
                    "Description", "Playlist-Beschreibung (Original)"),
}  # fmt: skip
PLAYLIST_VIDEO_COLUMNS: Columns = {
    "video_id": VIDEO_COLUMNS["video_id"],
    "added": ("Playlist Video Creation Timestamp", "Time Added",
              "Horodatage de création de la vidéo de la playlist", "Date d'ajout",
              "Zeitstempel bei Erstellung des Playlist-Videos",
              "Marca de tiempo de creación de la lista de reproducción de vídeos",
              "Tijdstempel voor het maken van een playlistvideo",
              "Marcaj temporal de creare a videoclipului din playlist",
              "Grojaraščio vaizdo įrašo sukūrimo laiko žymė"),
}  # fmt: skip

def folded(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


def playlist_title_from_file(stem: str) -> str:
    """``Paris à pied`` for ``Paris à pied-Vidéos`` or ``Video_s in Paris à pied``."""
    low = folded(stem)
    for prefix in PLAYLIST_FILE_PREFIXES:
        if low.startswith(prefix):
            return unicodedata.normalize("NFC", stem)[len(prefix):].strip()
    suffixes = "|".join(re.escape(s) for s in PLAYLIST_FILE_SUFFIXES)
    return re.sub(rf"[-_ ](?:{suffixes})$", "", unicodedata.normalize("NFC", stem),
                  flags=re.I).strip()  # fmt: skip


def youtube_folder(paths: list[str]) -> str | None:
    """The ``Takeout/YouTube…`` folder of an archive, if it has one (any language)."""
    for p in paths:
        parts = p.split("/")
        if len(parts) > 2 and parts[0].casefold().startswith("takeout") \
                and "youtube" in parts[1].casefold():  # fmt: skip
            return "/".join(parts[:2])
    return None
