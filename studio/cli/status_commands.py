"""``studio status``: where a collection stands on each target, and what changed here since
its last publish. A platform that does not answer within seconds is said so, and the
record of the last publish shown instead."""

from __future__ import annotations

import argparse

from studio.app import AppContext
from studio.cli.sync_commands import status_word
from studio.cli.terminal import say, table
from studio.i18n import ntr, tr
from studio.store.sync_state import SyncStore
from studio.sync.errors import SyncError, Unreachable
from studio.sync.status import collection_status, refresh_remote


def _local_time(iso: str | None) -> str:
    """``2026-11-26T12:00:00Z`` (UTC, as recorded) as local ``2026-11-26 13:00``."""
    from datetime import UTC, datetime

    try:
        when = datetime.strptime(iso or "", "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return iso or "?"
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


def cmd_status(args: argparse.Namespace) -> int:
    """Where the collection stands on each target: 0, or 1 when the platform rejected some
    of it (as publish says). A platform that does not answer within seconds is said so, and
    the record of the last publish is shown, marked as not checked."""
    from studio.sync.actions import default_kit_folder
    from studio.sync.changes import Changes, registered_from_kit, unpublished_changes

    with AppContext.open(args.library) as ctx:
        lib = ctx.library
        c = lib.find_collection(args.collection)
        if args.target is not None:
            SyncStore(lib).get_target(args.target)  # a typo is an error, as for publish
        episodes = lib.episodes(c.id)
        titles = {e.id: (e.position, f"{e.position}. {e.title}") for e in episodes}
        statuses = [s for s in collection_status(lib, c.id)
                    if args.target in (None, s.target)]  # fmt: skip
        library_path = ctx.library_path
    if not statuses:
        if args.target is not None:
            say(tr("'{title}' was never published to '{target}'.").format(
                title=c.title, target=args.target))
        else:
            say(tr("'{title}' was never published.").format(title=c.title))
        return 0
    code = 0
    for st in statuses:
        remote, unchecked = None, False
        if not args.offline and st.registered:
            try:
                remote = refresh_remote(library_path, st.target, c.id)
            except Unreachable as exc:
                unchecked = True
                with AppContext.open(library_path) as ctx:
                    where = SyncStore(ctx.library).get_target(st.target).location
                say(tr("{target}: cannot reach {url} ({what}); below is the record of the last "
                       "publish ({when}), not checked now.").format(
                    target=st.target, url=where, what=exc.what,
                    when=_local_time(st.registered_at)))
            except (SyncError, OSError) as exc:
                unchecked = True
                say(tr("({target}: could not ask the platform: {error})").format(
                    target=st.target, error=exc))
        with AppContext.open(library_path) as ctx:
            store = SyncStore(ctx.library)
            st = next(s for s in collection_status(ctx.library, c.id) if s.target == st.target)
            published = remote.desired if remote is not None else None
            if published is None and st.registered:
                published = registered_from_kit(store, st.target, c.id,
                                                default_kit_folder(library_path, c.id))
        changes = unpublished_changes(c, episodes, published) if published else Changes()
        state = status_word(st.remote_status) if st.remote_status else \
            tr("registered") if st.registered else tr("not registered")  # fmt: skip
        if unchecked:
            state = tr("{state} (last known)").format(state=state)
        say(tr("{target} ({kind}): remote id {id}, {state}").format(
            target=st.target, kind=st.kind, id=st.remote_id, state=state))
        if st.last_error:
            say(tr("  last error: {error}").format(error=st.last_error))
        if changes.collection:
            say(tr("  changed here since the last publish: {changes}").format(
                changes=", ".join(changes.collection)))
        order = sorted(st.items.items(), key=lambda kv: titles.get(kv[0], (10_000, ""))[0])
        gone = tr("(removed here; still there until you publish)")
        rows = []
        for k, i in order:
            label = titles[k][1] if k in titles else tr("cover") if k == "cover" else gone
            badge = i.badge
            if k in changes.episodes:
                badge = tr("{state}, changed here").format(state=badge)
            rows.append([label, badge, "; ".join((*i.reasons, *changes.episodes.get(k, ())))])
        # Episodes added since the last publish: not there yet, whatever the table says
        # of the others.
        new = [eid for eid in titles if eid not in st.items]
        rows += [[titles[eid][1], tr("not published yet"), ""]
                 for eid in sorted(new, key=lambda e: titles[e][0])]  # fmt: skip
        say(table([tr("ITEM"), tr("STATE"), tr("REASONS")], rows))
        rejected = [titles[k][1] if k in titles else tr("cover") if k == "cover" else gone
                    for k, i in order if i.remote_status == "rejected"
                    and (k != "cover" or i.reasons)]  # the cover has no verdict of its own
        if rejected or st.remote_status == "rejected":
            code = 1
            say(ntr("'{target}' rejected {items}; the reasons are above. Fix it, then publish "
                    "again: studio publish '{title}' --target {target}",
                    "'{target}' rejected {items}; the reasons are above. Fix them, then publish "
                    "again: studio publish '{title}' --target {target}",
                    max(1, len(rejected))).format(
                target=st.target, title=c.title,
                items=", ".join(rejected) or tr("the collection")))
        elif new or changes or any(k not in titles and k != "cover" for k in st.items):
            say(tr("These changes reach '{target}' when you publish again: studio publish "
                   "'{title}' --target {target}").format(target=st.target, title=c.title))
    return code
