"""Sign-in tokens, kept in the system keyring and nowhere else.

One keyring item per target (service ``Series Studio``, user ``target:NAME``)
holds the target's tokens as one JSON value, so a rotated refresh token and
its access token are replaced together. When no usable keyring backend exists
(keyring's ``fail`` or ``null`` backend, or a keyring error) :class:`NoKeyring`
is raised and nothing is written anywhere: there is no plain-text fallback.

Tokens never appear in ``repr``, messages or logs: :class:`TokenSet` hides them
and errors are built without them. A :class:`Vault` may be used from any
thread (keyring backends serialise their own access).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Literal

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from studio.i18n import tr
from studio.sync.errors import NoKeyring

SERVICE = "Series Studio"
TokenKind = Literal["oauth", "personal"]


@dataclass(frozen=True)
class TokenSet:
    """The tokens of one target. ``repr`` and ``str`` never show them."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    expires_at: float | None = None  # epoch seconds
    kind: TokenKind = "oauth"
    scope: str = ""

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and time.time() >= self.expires_at - 30

    def to_secret(self) -> str:
        return json.dumps({"access_token": self.access_token, "refresh_token": self.refresh_token,
                           "expires_at": self.expires_at, "kind": self.kind,
                           "scope": self.scope})  # fmt: skip

    @classmethod
    def from_secret(cls, text: str) -> TokenSet | None:
        try:
            data = json.loads(text)
            return cls(str(data["access_token"]), data.get("refresh_token"),
                       data.get("expires_at"), data.get("kind", "oauth"),
                       data.get("scope", ""))  # fmt: skip
        except (ValueError, KeyError, TypeError):
            return None


def _no_keyring(reason: str | None = None) -> NoKeyring:
    message = tr("No system keyring is available, so Series Studio cannot keep your sign-in "
                 "safely; it stores nothing in plain text.")
    hint = tr("Install or unlock one (GNOME Keyring or KWallet on Linux; the Keychain on macOS "
              "and the Credential Manager on Windows are built in), then sign in again.")
    if reason:
        hint = tr("The keyring reported an error ({reason}).").format(reason=reason) + " " + hint
    return NoKeyring(message, hint=hint)


def backend_problem(backend: KeyringBackend) -> str | None:
    """Why ``backend`` cannot keep secrets, or None when it can."""
    from keyring.backends import fail, null

    if isinstance(backend, (fail.Keyring, null.Keyring)):
        return tr("no keyring backend found")
    inner = getattr(backend, "backends", None)
    if inner is not None and not [b for b in inner if backend_problem(b) is None]:
        return tr("no keyring backend found")
    return None


class Vault:
    """The targets' tokens in the system keyring (or the ``backend`` given, for tests)."""

    def __init__(self, service: str = SERVICE, backend: KeyringBackend | None = None) -> None:
        self.service = service
        self._backend = backend

    @property
    def backend(self) -> KeyringBackend:
        return self._backend or keyring.get_keyring()

    def check(self) -> None:
        """Raise :class:`NoKeyring` unless a real keyring backend is there."""
        problem = backend_problem(self.backend)
        if problem:
            raise _no_keyring()

    @staticmethod
    def _user(target: str) -> str:
        return f"target:{target}"

    def load(self, target: str) -> TokenSet | None:
        self.check()
        try:
            secret = self.backend.get_password(self.service, self._user(target))
        except keyring.errors.KeyringError as exc:
            raise _no_keyring(type(exc).__name__) from None
        return TokenSet.from_secret(secret) if secret else None

    def save(self, target: str, tokens: TokenSet) -> None:
        self.check()
        try:
            self.backend.set_password(self.service, self._user(target), tokens.to_secret())
        except keyring.errors.KeyringError as exc:
            raise _no_keyring(type(exc).__name__) from None

    def delete(self, target: str) -> bool:
        """Forget the target's tokens; False when there were none (or no keyring)."""
        if backend_problem(self.backend):
            return False
        try:
            self.backend.delete_password(self.service, self._user(target))
        except keyring.errors.PasswordDeleteError:
            return False
        except keyring.errors.KeyringError:
            return False
        return True
