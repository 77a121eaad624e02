"""Errors that carry a message meant for the creator.

A :class:`UserError` is something the creator can act on (a bad value, a
missing file, a limit reached). Anything else that escapes is a bug.
"""


class UserError(Exception):
    """A problem to show to the creator as it is, in one sentence."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message} {self.hint}"


class NotFound(UserError):
    """A collection, episode or file named by the creator does not exist."""


class LimitReached(UserError):
    """An action would break a hard limit of the publish profile."""


class InvalidValue(UserError):
    """A value typed by the creator cannot be understood or is out of range."""
