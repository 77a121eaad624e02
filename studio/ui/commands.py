"""Undoable edits. Each redo/undo is one committed library transaction.

Their texts (Edit > Undo ...) are translated in the controller's context,
"StudioController", with literal QCoreApplication.translate() calls: lupdate
would file ``controller.tr(...)`` under a context named "controller".
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from studio import relink
from studio.domain.models import Collection, Episode
from studio.domain.timecode import TimeRange, format_timecode

if TYPE_CHECKING:
    from studio.ui.controller import StudioController


class _Edit(QUndoCommand):
    """Subclasses write ``do()`` and ``undo_()``.

    An exception must never escape into Qt from redo()/undo() (PySide aborts the
    process): it is reported instead. Never name an attribute after a
    QUndoCommand virtual (``id``, ``text``...): PySide would call it as one."""

    def __init__(self, controller: StudioController, text: str) -> None:
        super().__init__(text)
        self.c = controller

    def redo(self) -> None:
        self._safely(self.do)

    def undo(self) -> None:
        self._safely(self.undo_)

    def _safely(self, fn) -> None:
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - shown to the creator, never lost
            import traceback

            self.c.tasks.report(exc, traceback.format_exc())
            self.setObsolete(True)

    def do(self) -> None:
        raise NotImplementedError

    def undo_(self) -> None:
        raise NotImplementedError


class SetTrim(_Edit):
    def __init__(self, controller, episode: Episode, new: TimeRange) -> None:
        super().__init__(controller, QCoreApplication.translate(
            "StudioController", "Trim episode {0} to {1}–{2}").format(
            episode.position, format_timecode(new.start), format_timecode(new.end)))
        self.episode_id, self.old, self.new = episode.id, episode.trim, new

    def _apply(self, trim: TimeRange) -> None:
        lib = self.c.ctx.library
        lib.update_episode(lib.episode(self.episode_id).with_(trim=trim))
        self.c.episode_edited(self.episode_id)

    def do(self) -> None:
        self._apply(self.new)

    def undo_(self) -> None:
        self._apply(self.old)


class SetEpisodeFields(_Edit):
    def __init__(self, controller, episode: Episode, text: str, **changes) -> None:
        super().__init__(controller, text)
        self.episode_id = episode.id
        self.new = changes
        self.old = {k: getattr(episode, k) for k in changes}

    def _apply(self, values: dict) -> None:
        lib = self.c.ctx.library
        lib.update_episode(lib.episode(self.episode_id).with_(**values))
        self.c.episode_edited(self.episode_id)

    def do(self) -> None:
        self._apply(self.new)

    def undo_(self) -> None:
        self._apply(self.old)


class SetCollection(_Edit):
    """The fields that differ between ``old`` and ``new``, and only those: applied to the
    collection as it is in the library then, so that what the command line (or another
    window) changed meanwhile in other fields stays."""

    def __init__(self, controller, old: Collection, new: Collection, text: str) -> None:
        super().__init__(controller, text)
        self.cid = new.id
        names = [f.name for f in dataclasses.fields(Collection) if f.name != "id"]
        self.new = {n: getattr(new, n) for n in names if getattr(new, n) != getattr(old, n)}
        self.old = {n: getattr(old, n) for n in self.new}

    def _apply(self, values: dict) -> None:
        lib = self.c.ctx.library
        lib.update_collection(lib.collection(self.cid).with_(**values))
        self.c.collection_edited()

    def do(self) -> None:
        self._apply(self.new)

    def undo_(self) -> None:
        self._apply(self.old)


class Reorder(_Edit):
    def __init__(self, controller, collection_id: str, old: list[str], new: list[str]) -> None:
        super().__init__(controller, QCoreApplication.translate("StudioController",
                                                                "Reorder episodes"))
        self.cid, self.old, self.new = collection_id, old, new

    def _apply(self, order: list[str]) -> None:
        # Episodes added or removed elsewhere meanwhile (the command line): the others
        # take this order; the added ones stay at the end, the removed ones are gone.
        lib = self.c.ctx.library
        now = [e.id for e in lib.episodes(self.cid)]
        lib.reorder(self.cid, [i for i in order if i in now] + [i for i in now if i not in order])
        self.c.episodes_edited()

    def do(self) -> None:
        self._apply(self.new)

    def undo_(self) -> None:
        self._apply(self.old)


class RemoveEpisodes(_Edit):
    def __init__(self, controller, episodes: list[Episode]) -> None:
        text = QCoreApplication.translate(
            "StudioController", "Remove {0} episodes").format(len(episodes)) \
            if len(episodes) > 1 else QCoreApplication.translate(
            "StudioController", "Remove episode '{0}'").format(episodes[0].title)  # fmt: skip
        super().__init__(controller, text)
        self.episodes = sorted(episodes, key=lambda e: e.position)

    def do(self) -> None:
        lib = self.c.ctx.library
        with lib.transaction():
            for e in self.episodes:
                lib.remove_episode(e.id)
        self.c.episodes_edited()

    def undo_(self) -> None:
        self.c.ctx.library.restore_episodes(self.episodes)
        self.c.episodes_edited()


class AcceptNewVersion(_Edit):
    """Episodes (and a cover frame) move to the new version of a re-exported clip; undo moves
    them back to the old content, which shows as changed again."""

    def __init__(self, controller, plan: relink.NewVersion) -> None:
        super().__init__(controller, QCoreApplication.translate(
            "StudioController", "Use the new version of '{0}'").format(plan.name))
        self.plan = plan

    def _refresh(self) -> None:
        self.c.episodes_edited()
        if self.plan.covers:
            self.c.collection_edited()

    def do(self) -> None:
        relink.apply_new_version(self.c.ctx.library, self.plan)
        self._refresh()

    def undo_(self) -> None:
        relink.revert_new_version(self.c.ctx.library, self.plan)
        self._refresh()
