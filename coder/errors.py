"""Exceptions that carry a message fit to show a user as one line."""

from __future__ import annotations


class CoderError(Exception):
    """Base class: ``str(error)`` is a complete, user-facing, one-line message."""

    exit_code = 1


class InputError(CoderError):
    """A file or value given by the user is unusable; the message names it and says why.

    ``source`` is the file name or value concerned; ``line`` is set when the problem has one.
    """

    def __init__(self, source: str, problem: str, *, line: int | None = None) -> None:
        self.source = source
        self.problem = problem
        self.line = line
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {problem}")


class NotFoundError(CoderError):
    """A named thing (project, coder, document, code) does not exist."""


class ConflictError(CoderError):
    """The action would break a rule (duplicate name, blind coding, immutable text...)."""


class DatabaseUnavailableError(CoderError):
    """The database failed under an action (busy past patience, server gone); nothing changed."""


class UsageError(CoderError):
    """The command was called wrongly."""

    exit_code = 2


class MissingExtraError(CoderError):
    """A feature needs a package of an optional extra that is not installed."""

    def __init__(self, feature: str, extra: str) -> None:
        self.extra = extra
        super().__init__(
            f"{feature} needs the optional '{extra}' extra: pip install 'coder[{extra}]'"
        )
