"""The demo collection: generated clips so a new user can try everything at once."""

from __future__ import annotations

from studio import actions
from studio.app import AppContext
from studio.domain.models import Collection
from studio.editor.synth import PATTERNS, make_sample_clip
from studio.tasks import Progress, ProgressCallback, no_progress

DEMO_TITLE = "Demo: Five-minute kitchen"
EPISODE_TITLES = [
    "Knife skills in 60 seconds",
    "The perfect omelette",
    "Three sauces, one pan",
    "Bread without kneading",
    "Dessert in a mug",
    "Leftovers, reinvented",
    "Coffee like a barista",
    "Soup for the week",
]


def create_demo(
    ctx: AppContext, *, episodes: int = 5, progress: ProgressCallback = no_progress
) -> Collection:
    """Generate ``episodes`` short vertical clips and a priced, described collection of them.

    Clips are cached in the library's media folder, so a second demo is instant.
    """
    episodes = max(1, min(episodes, len(EPISODE_TITLES)))
    folder = ctx.media_dir / "demo"
    paths = []
    for i in range(episodes):
        progress(Progress(i, episodes, f"clip {i + 1}"))
        path = folder / f"demo-{i + 1:02d}.mp4"
        if not path.exists():
            make_sample_clip(
                path, seconds=32 + 3 * i, pattern=PATTERNS[i % len(PATTERNS)],
                tone_hz=330 + 110 * i,
            )  # fmt: skip
        paths.append(path)
    progress(Progress(episodes, episodes, "adding"))
    lib = ctx.library
    c = lib.create_collection(lib.free_title(DEMO_TITLE))
    c = actions.set_collection_fields(
        lib, c, price="4.99", currency="USD",
        description="Quick recipes for busy evenings, one technique per episode.",
    )  # fmt: skip
    results = actions.add_files(lib, c, paths)
    for r, title in zip(results, EPISODE_TITLES, strict=False):
        if r.episode is not None:
            lib.update_episode(r.episode.with_(title=title, free_preview=r.episode.position == 1))
    return c
