"""The creator's publishing actions, shared by the CLI and the GUI: sign in to a
target, and make the kit a publish needs (check the rules, render what is missing).

Threading: every function blocks its caller and never touches widgets; the GUI
runs them on a worker (``login`` waits for the browser; ``make_kit`` renders).
"""

from __future__ import annotations

import os
import webbrowser
from collections.abc import Callable
from pathlib import Path

from studio.domain.errors import UserError
from studio.domain.models import Collection
from studio.i18n import tr
from studio.store.library import Library
from studio.store.sync_state import SyncStore
from studio.sync.api import SeriesApi
from studio.sync.auth import discover, sign_in
from studio.sync.credentials import TokenSet, Vault
from studio.sync.errors import AuthRequired, SignInFailed, SyncError
from studio.sync.retry import RetryPolicy
from studio.sync.targets import SERIES_API, SyncSettings, http_client, series_api_auth
from studio.tasks import CancelToken, ProgressCallback, no_progress

# Signing in asks the server a few quick questions: a server that does not answer is said
# at once (a connection in 5 s), not after minutes of retries or of waiting for a browser.
LOGIN = SyncSettings(connect_timeout=5.0, retry=RetryPolicy(max_attempts=3, max_delay=2.0,
                                                            max_retry_after=10.0))


class NotReady(UserError):
    """The collection breaks a rule of its profile: publishing it would be refused."""


def login(library_path: str | os.PathLike, target: str, *, vault: Vault | None = None,
          personal_token: str | None = None,
          open_browser: Callable[[str], object] = webbrowser.open,
          on_url: Callable[[str], None] | None = None,
          cancel: CancelToken | None = None) -> str | None:  # fmt: skip
    """Sign in to ``target`` and return the account's name (None for a folder target).

    With ``personal_token`` no browser opens. The tokens go to the keyring only
    after the platform accepted them (``GET /v1/me``); a refused one leaves the
    previous sign-in in place. Raises NoKeyring, Unreachable (at once, before any browser
    opens), SignInFailed, AuthRequired.
    """
    vault = vault or Vault()
    with Library.open(library_path, check=False) as lib:
        t = SyncStore(lib).get_target(target)
    if t.kind != SERIES_API:
        return None
    vault.check()
    http = http_client(LOGIN)
    try:
        if personal_token is not None and not personal_token.strip():
            raise UserError(tr("No token was given on the standard input."))
        client_id = (t.options or {}).get("client_id") or "series-studio-desktop"
        config = discover(http, t.location, client_id, t.name)  # Unreachable if it is down
        if personal_token is not None:
            tokens = TokenSet(personal_token.strip(), kind="personal")
        else:
            tokens = sign_in(http, config, open_browser=open_browser, on_url=on_url,
                             cancel=cancel)  # fmt: skip
        previous = vault.load(t.name)
        vault.save(t.name, tokens)
        try:
            account = SeriesApi(t.location, http, series_api_auth(t, vault, http),
                                LOGIN.retry).me(cancel)  # fmt: skip
        except SyncError as exc:
            if previous is not None:
                vault.save(t.name, previous)
            else:
                vault.delete(t.name)
            if isinstance(exc, AuthRequired):
                raise SignInFailed(tr("'{target}' did not accept this sign-in; nothing was "
                                      "stored.").format(target=t.name)) from None
            raise
    finally:
        http.close()
    name = str(account.get("name") or account.get("id") or "")
    with Library.open(library_path, check=False) as lib:
        SyncStore(lib).set_account(t.name, name)
    return name


def default_kit_folder(library_path: str | os.PathLike, collection_id: str) -> Path:
    """Where publishing keeps a collection's kit: ``publish/<id>`` beside the library."""
    return Path(library_path).parent / "publish" / collection_id


def make_kit(lib: Library, collection: Collection, settings: object, folder: Path, *,
             progress: ProgressCallback = no_progress,
             cancel: CancelToken | None = None) -> list[str]:  # fmt: skip
    """Check the collection, then render what is missing into ``folder``.

    ``settings`` is a :class:`studio.editor.cut_plan.RenderSettings`. Returns
    the file names rendered now (empty when everything was already there).
    Raises :class:`NotReady` naming the first problem that blocks publishing.
    """
    from studio import export
    from studio.domain.profiles import load_profile
    from studio.domain.rules import check

    errors = [p for p in check(lib.view(collection.id), load_profile(collection.profile))
              if p.is_error]  # fmt: skip
    if errors:
        raise NotReady(tr("'{title}' is not ready to publish: {problem}").format(
            title=collection.title, problem=errors[0].message))
    plan = export.plan_export(lib, collection, settings)  # type: ignore[arg-type]
    result = export.export_collection(lib, plan, folder, progress=progress, cancel=cancel,
                                      write_cover=export.cover_writer(lib, collection))
    return result.rendered
