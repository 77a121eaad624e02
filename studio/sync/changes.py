"""What changed in the library since a collection was last published to a target. No Qt.

The target keeps the desired state registered by the last publish (the platform answers
it to ``GET``, a folder holds it in its manifest.json); meanwhile the creator may have
retitled an episode, changed the price or the description, reordered the episodes or
changed a free preview. :func:`unpublished_changes` compares the two, so that ``studio
status`` does not call "published" a title the platform does not have.

:func:`registered_from_kit` finds that state without the network: the publish kit the
last publish sent, when its desired state is exactly the one recorded as registered.

A retrim is seen by its length (the platform records each episode's duration, the
library its trim). Not compared: a trim moved without changing its length, a new
version of a clip, a new cover frame; their bytes are known once the kit is rendered
again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from studio.domain.models import Collection, Episode
from studio.domain.money import Money
from studio.domain.profiles import said_money
from studio.i18n import decimal, tr
from studio.store.sync_state import ItemRecord, SyncStore
from studio.sync.errors import KitError
from studio.sync.kit import COVER, DesiredCollection, DesiredEpisode, Kit, read_kit


@dataclass(frozen=True)
class Changes:
    """Changes not yet published, in words: of the collection, and per episode id."""

    collection: tuple[str, ...] = ()
    episodes: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.collection or self.episodes)


def desired_state(kit: Kit, rows: dict[str, ItemRecord]) -> DesiredCollection:
    """The state a publish of ``kit`` registers, with the uploads recorded in ``rows``."""
    eps = tuple(DesiredEpisode(e.key, e.title, e.duration_us, rows[e.key].size,
                               rows[e.key].sha256, rows[e.key].upload_id or "",
                               e.free_preview) for e in kit.episodes)  # fmt: skip
    cover = rows.get(COVER) if kit.cover else None
    return DesiredCollection(kit.title, kit.description, kit.price_minor, kit.currency,
                             cover.upload_id if cover else None,
                             cover.sha256 if cover else None, eps)  # fmt: skip


def registered_from_kit(store: SyncStore, target: str, collection_id: str,
                        kit_folder: Path) -> DesiredCollection | None:  # fmt: skip
    """The state registered on ``target`` by the last publish, read from its kit; None when
    the kit is gone, was rendered again since, or was not the one published."""
    rec = store.record(target, collection_id)
    if rec is None or rec.registered_digest is None:
        return None
    try:
        kit = read_kit(kit_folder)
    except KitError:
        return None
    rows = store.items(target, collection_id)
    if kit.collection_id != collection_id or any(i.key not in rows for i in kit.items):
        return None
    desired = desired_state(kit, rows)
    return desired if desired.digest() == rec.registered_digest else None


TRIM_SLACK_US = 100_000  # more than a frame at any rate a platform accepts


def _seconds(us: int) -> str:
    return decimal(f"{us / 1_000_000:.1f}")


def _price(minor: int | None, currency: str | None) -> str:
    if minor is None:
        return tr("no price")
    return said_money(Money(minor, currency or "USD"))


def unpublished_changes(collection: Collection, episodes: list[Episode],
                        published: DesiredCollection) -> Changes:  # fmt: skip
    """What the library says differently from ``published`` (see the module docstring).
    Episodes added or removed since are not listed: the caller shows them itself."""
    whole: list[str] = []
    if collection.title != published.title:
        whole.append(tr("the title (there: '{title}')").format(title=published.title))
    if collection.description != published.description:
        whole.append(tr("the description"))
    here = (collection.price.minor, collection.price.currency) if collection.price else None
    there = None if published.price_minor is None else \
        (published.price_minor, published.currency)  # fmt: skip
    if here != there:
        whole.append(tr("the price (there: {price})").format(
            price=_price(published.price_minor, published.currency)))
    theirs = {e.id: e for e in published.episodes}
    both = [e for e in episodes if e.id in theirs]
    order = [e.id for e in published.episodes if e.id in {b.id for b in both}]
    if [e.id for e in both] != order:
        whole.append(tr("the order of the episodes"))
    per: dict[str, tuple[str, ...]] = {}
    for e in both:
        p = theirs[e.id]
        said = []
        if e.title != p.title:
            said.append(tr("title changed since the last publish (there: '{title}')").format(
                title=p.title))
        if e.free_preview != p.free_preview:
            said.append(tr("free preview changed since the last publish"))
        if abs((e.trim.end - e.trim.start) - p.duration_us) > TRIM_SLACK_US:
            # A render lasts its trim within a frame: a retrim the platform has not seen.
            said.append(tr("trim changed since the last publish (there: {there} s, here: "
                           "{here} s)").format(there=_seconds(p.duration_us),
                                               here=_seconds(e.trim.end - e.trim.start)))
        if said:
            per[e.id] = tuple(said)
    return Changes(tuple(whole), per)
