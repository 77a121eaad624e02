"""Errors of publishing, each one a message the creator can act on.

The kinds let a client react without parsing text (as Anki's sync does):
:class:`AuthRequired` asks for a new sign-in, :class:`NoKeyring` explains how
to get a keyring, :class:`RetriesExhausted` says what kept failing and that
the progress is kept. No message ever carries a token: messages are built
from status codes, reason phrases and the server's problem ``detail`` only.
"""

from __future__ import annotations

from studio.domain.errors import UserError


class SyncError(UserError):
    """Publishing could not go on; the message says why."""


class AuthRequired(SyncError):
    """The target needs a (new) sign-in: no token, or the server refused it after a refresh."""


class NoKeyring(SyncError):
    """No system keyring is available, so no secret can be kept (and none was)."""


class SignInFailed(SyncError):
    """The sign-in in the browser did not complete (refused, wrong state, timeout)."""


class RetriesExhausted(SyncError):
    """A transfer kept failing with transient errors; gave up after the bounded retries.

    ``attempts`` and ``what`` (the last failure, in words) let a caller say it
    again about a particular file.
    """

    def __init__(self, message: str, *, attempts: int = 0, what: str = "",
                 hint: str | None = None) -> None:  # fmt: skip
        super().__init__(message, hint=hint)
        self.attempts = attempts
        self.what = what


class ServerRejected(SyncError):
    """The server refused a request for a reason that retrying cannot fix."""

    def __init__(self, message: str, *, status: int = 0, problems: list[dict] | None = None,
                 hint: str | None = None) -> None:  # fmt: skip
        super().__init__(message, hint=hint)
        self.status = status
        self.problems = problems or []


class UploadGone(SyncError):
    """The upload session no longer exists on the server (expired or terminated).

    The engine starts a new session; the creator only sees this if that fails too.
    """


class KitError(SyncError):
    """The publish kit is missing, damaged or out of date."""


class FolderTaken(SyncError):
    """The target folder holds a collection published under another remote id.

    ``remote_id`` and ``title`` are the manifest's: the engine names the target that
    published it when it is one of this library's."""

    def __init__(self, message: str, *, remote_id: str, title: str, folder: str) -> None:
        super().__init__(message)
        self.remote_id, self.title, self.folder = remote_id, title, folder


class Unreachable(RetriesExhausted):
    """The server did not answer at all (no connection, or none in time)."""
