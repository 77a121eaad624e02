"""Sign-in: OAuth 2.0 authorization code + PKCE for a desktop app, and the
per-run token source the HTTP clients use.

The flow (RFC 6749, RFC 7636 with S256, RFC 8252 for native apps): a one-shot
HTTP listener on ``127.0.0.1`` and a random port receives the redirect; the
system browser opens the authorization page (``open_browser`` is injectable,
so tests drive the page with httpx); the ``state`` that comes back must be the
one sent, or the answer is refused and nothing is stored; the code is
exchanged with the PKCE verifier. Endpoints come from the server's RFC 8414
metadata (``/.well-known/oauth-authorization-server``).

Threading: :func:`sign_in` blocks its caller (a worker, or the CLI) until the
browser comes back, the timeout passes or the :class:`CancelToken` is set;
the listener runs on its own thread. :class:`TargetAuth` is thread-safe: two
upload threads that meet a 401 at once cause one refresh, not two.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import threading
import time
import webbrowser
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from studio.i18n import tr
from studio.sync.credentials import TokenSet, Vault
from studio.sync.errors import AuthRequired, ServerRejected, SignInFailed, Unreachable
from studio.sync.retry import describe_exception, server_detail
from studio.tasks import CancelToken

CLIENT_ID = "series-studio-desktop"
SCOPE = "uploads collections"
CALLBACK_PATH = "/callback"
_PAGE = ("<!doctype html><meta charset=utf-8><title>Series Studio</title>"
         "<body style='font-family:sans-serif;margin:3em'>"
         "<h1>{title}</h1><p>{text}</p>")


@dataclass(frozen=True)
class OAuthConfig:
    authorization_endpoint: str
    token_endpoint: str
    client_id: str = CLIENT_ID
    scope: str = SCOPE


def discover(http: httpx.Client, base_url: str, client_id: str = CLIENT_ID,
             target: str = "") -> OAuthConfig:  # fmt: skip
    """The server's endpoints from its RFC 8414 metadata, else the API's defaults.

    Also the first contact with the server: :class:`Unreachable` (naming ``target``
    when given) if it cannot be reached at all, so that nobody is sent to a browser
    page on a server that is down or mistyped."""
    base = base_url.rstrip("/")
    try:
        r = http.get(f"{base}/.well-known/oauth-authorization-server")
        data = r.json() if r.status_code == 200 else {}
    except httpx.TransportError as exc:
        raise unreachable(target, base, exc) from None
    except (httpx.HTTPError, ValueError):
        data = {}
    return OAuthConfig(
        authorization_endpoint=data.get("authorization_endpoint") or f"{base}/oauth/authorize",
        token_endpoint=data.get("token_endpoint") or f"{base}/oauth/token",
        client_id=client_id,
    )


def unreachable(target: str, url: str, exc: BaseException) -> Unreachable:
    """``Cannot reach 'srv' at https://...: could not connect to the server.`` and what to try."""
    what = describe_exception(exc)
    if target:
        message = tr("Cannot reach '{target}' at {url}: {what}.").format(
            target=target, url=url, what=what)
    else:
        message = tr("Cannot reach {url}: {what}.").format(url=url, what=what)
    return Unreachable(message, attempts=1, what=what,
                       hint=tr("Check that you are online and that the address is right "
                               "(studio targets list), then try again."))  # fmt: skip


def make_pkce() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge): 64 random bytes, base64url without padding."""
    verifier = secrets.token_urlsafe(64)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class _Receiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: str) -> None:
        super().__init__(("127.0.0.1", 0), _CallbackHandler)
        self.expected_state = state
        self.answer: dict[str, str] | None = None
        self.done = threading.Event()


class _CallbackHandler(BaseHTTPRequestHandler):
    server: _Receiver

    def log_message(self, format: str, *args: object) -> None:  # the query holds the code
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        parts = urlsplit(self.path)
        if parts.path != CALLBACK_PATH or self.server.done.is_set():
            self._page(404, tr("Nothing here"), "")
            return
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.server.answer = query
        self.server.done.set()
        if query.get("state") != self.server.expected_state:
            self._page(400, tr("Sign-in refused"),
                       tr("This answer does not belong to the sign-in Series Studio started. "
                          "Nothing was stored."))  # fmt: skip
        elif "error" in query:
            self._page(400, tr("Sign-in not completed"), query["error"])
        else:
            self._page(200, tr("Signed in"),
                       tr("You can close this window and go back to Series Studio."))

    def _page(self, status: int, title: str, text: str) -> None:
        body = _PAGE.format(title=html.escape(title), text=html.escape(text)).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def sign_in(http: httpx.Client, config: OAuthConfig, *,
            open_browser: Callable[[str], object] = webbrowser.open,
            on_url: Callable[[str], None] | None = None, timeout: float = 300.0,
            cancel: CancelToken | None = None) -> TokenSet:  # fmt: skip
    """Run the whole authorization-code + PKCE flow and return the tokens.

    ``on_url`` receives the authorization URL (to show it when no browser opens).
    Raises :class:`SignInFailed` on a wrong state, a refusal, a timeout or a
    refused code exchange.
    """
    verifier, challenge = make_pkce()
    state = secrets.token_urlsafe(24)
    receiver = _Receiver(state)
    redirect_uri = f"http://127.0.0.1:{receiver.server_address[1]}{CALLBACK_PATH}"
    url = config.authorization_endpoint + "?" + urlencode({
        "response_type": "code", "client_id": config.client_id, "redirect_uri": redirect_uri,
        "scope": config.scope, "state": state, "code_challenge": challenge,
        "code_challenge_method": "S256"})  # fmt: skip
    thread = threading.Thread(target=receiver.serve_forever, kwargs={"poll_interval": 0.05},
                              name="oauth-loopback", daemon=True)  # fmt: skip
    thread.start()
    try:
        if on_url is not None:
            on_url(url)
        open_browser(url)
        deadline = time.monotonic() + timeout
        while not receiver.done.wait(0.05):
            if cancel is not None:
                cancel.raise_if_cancelled()
            if time.monotonic() > deadline:
                raise SignInFailed(tr("The sign-in was not completed in the browser within "
                                      "{minutes} minutes.").format(minutes=round(timeout / 60)))
        answer = receiver.answer or {}
    finally:
        receiver.shutdown()
        receiver.server_close()
        thread.join(5)
    if answer.get("state") != state:
        raise SignInFailed(tr("The answer from the sign-in page does not belong to this sign-in "
                              "(wrong state); it was refused and nothing was stored."))
    if "error" in answer or "code" not in answer:
        raise SignInFailed(tr("The sign-in was not completed: {error}.").format(
            error=answer.get("error_description") or answer.get("error") or tr("no code")))
    return _token_request(http, config, {
        "grant_type": "authorization_code", "code": answer["code"],
        "redirect_uri": redirect_uri, "client_id": config.client_id,
        "code_verifier": verifier})  # fmt: skip


def refresh_tokens(http: httpx.Client, config: OAuthConfig, refresh_token: str) -> TokenSet:
    """A new token set from a refresh token (which the server may rotate)."""
    return _token_request(http, config, {"grant_type": "refresh_token",
                                         "refresh_token": refresh_token,
                                         "client_id": config.client_id})  # fmt: skip


def _token_request(http: httpx.Client, config: OAuthConfig, form: dict[str, str]) -> TokenSet:
    try:
        r = http.post(config.token_endpoint, data=form, headers={"Accept": "application/json"})
    except httpx.HTTPError as exc:
        raise SignInFailed(tr("Could not reach the sign-in server ({error}).").format(
            error=type(exc).__name__)) from None
    if r.status_code != 200:
        raise SignInFailed(tr("The server refused the sign-in ({error}).").format(
            error=server_detail(r) or r.status_code))
    try:
        data = r.json()
        access = str(data["access_token"])
    except (ValueError, KeyError, TypeError):
        raise SignInFailed(tr("The sign-in server sent an answer without a token.")) from None
    if str(data.get("token_type", "bearer")).lower() != "bearer":
        raise SignInFailed(tr("The sign-in server sent a kind of token Series Studio cannot "
                              "use."))
    expires = data.get("expires_in")
    return TokenSet(access, data.get("refresh_token"),
                    time.time() + float(expires) if expires else None, "oauth",
                    str(data.get("scope", "")))  # fmt: skip


def not_signed_in(target: str) -> AuthRequired:
    return AuthRequired(tr("You are not signed in to '{target}'.").format(target=target),
                        hint=tr("Sign in first: studio login {target}").format(target=target))


def sign_in_again(target: str) -> AuthRequired:
    return AuthRequired(
        tr("The sign-in to '{target}' has expired or was revoked.").format(target=target),
        hint=tr("Sign in again: studio login {target}").format(target=target))


class TargetAuth:
    """The Authorization header of one target, renewed once per 401 (thread-safe).

    Implements :class:`studio.sync.tus.Authenticator`. ``refresher`` turns a
    refresh token into new tokens (None when the target cannot refresh, e.g.
    a personal access token); new tokens go straight back to the keyring.
    """

    def __init__(self, vault: Vault, target: str,
                 refresher: Callable[[str], TokenSet] | None = None) -> None:  # fmt: skip
        self.vault, self.target, self.refresher = vault, target, refresher
        self._lock = threading.Lock()
        self._tokens: TokenSet | None = None

    def _current(self) -> TokenSet:
        if self._tokens is None:
            self._tokens = self.vault.load(self.target)
            if self._tokens is None:
                raise not_signed_in(self.target)
        return self._tokens

    def headers(self) -> dict[str, str]:
        with self._lock:
            tokens = self._current()
            if tokens.expired and tokens.refresh_token and self.refresher is not None:
                tokens = self._renew(tokens)
            return {"Authorization": f"Bearer {tokens.access_token}"}

    def refresh(self, failed: Mapping[str, str]) -> None:
        with self._lock:
            tokens = self._current()
            if failed.get("Authorization") != f"Bearer {tokens.access_token}":
                return  # another thread renewed them already
            self._renew(tokens)

    def _renew(self, tokens: TokenSet) -> TokenSet:
        if not tokens.refresh_token or self.refresher is None:
            raise sign_in_again(self.target)
        try:
            new = self.refresher(tokens.refresh_token)
        except (SignInFailed, ServerRejected):
            raise sign_in_again(self.target) from None
        if new.refresh_token is None:
            new = TokenSet(new.access_token, tokens.refresh_token, new.expires_at, new.kind,
                           new.scope)  # fmt: skip
        self.vault.save(self.target, new)
        self._tokens = new
        return new
