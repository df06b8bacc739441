"""Exceptions that carry a message fit to show a user as one line."""

from __future__ import annotations

import errno


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


class ReadOnlyProjectError(CoderError):
    """The project's file (or its folder) cannot be written: it can be read, not changed."""

    def __init__(self, project: str) -> None:
        super().__init__(
            f"{project}: the project is read-only (its file or folder cannot be written):"
            " it can be listed, checked and exported elsewhere, not changed; nothing was changed"
        )


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


#: What an operating-system error means to a user, by errno (the rest use ``strerror``).
_OS_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "the file grew past the largest size allowed (file system or ulimit -f)",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "the operation is not permitted (an immutable file?)",
    errno.ENOENT: "no such file or folder",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EISDIR: "is a folder",
    errno.ELOOP: "too many levels of symbolic links",
    errno.ENAMETOOLONG: "the file name is too long",
    errno.EIO: "input/output error (a failing disk or a lost network share?)",
    errno.EMFILE: "too many open files",
    errno.ENOMEM: "out of memory",
}


def describe_os_error(error: OSError, *, with_name: bool = True) -> str:
    """One line for an operating-system error: ``<file>: <what it means>``.

    ``with_name`` False leaves the file out (for a message that names it already).
    """
    reason = _OS_REASONS.get(error.errno or 0) or error.strerror or type(error).__name__
    names = [n for n in (error.filename, error.filename2) if n is not None and with_name]
    if not names:
        return reason
    shown = " -> ".join(str(n) for n in names)
    return f"{shown}: {reason}"
