"""Opening a file the user names as input: regular files only, its size bounded before reading.

Every reader of a user's file (documents, codebooks, REFI-QDA projects, zip-based formats)
checks it here first, so that a hostile or mistaken path is refused in one line before a byte
is read:

* only a regular file (or a symlink to one) is read: a FIFO would block the reader forever, a
  character device such as ``/dev/zero`` or ``/dev/urandom`` never ends, a socket cannot be
  read at all;
* its size is compared with a limit before it is read, and reading stops at the limit should
  the file grow meanwhile;
* every operating-system error (missing, a folder, permission, a loop of symlinks) becomes one
  :class:`~coder.errors.InputError` naming the file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from coder.errors import InputError, describe_os_error

#: Files larger than this are refused unless a caller raises the limit (``--max-bytes``).
DEFAULT_MAX_BYTES = 100 * 1024 * 1024

_PIECE = 1024 * 1024
_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def size_text(size: int) -> str:
    """A size for a message: bytes below one MB, else MB with one decimal."""
    if size < 1024 * 1024:
        return f"{size:,} bytes"
    return f"{size / 1024 / 1024:.1f} MB"


#: How the user raises a limit, for commands that take ``--max-bytes``.
RAISE_WITH_MAX_BYTES = "raise it with --max-bytes"


def too_large(size: int, limit: int, hint: str = "") -> str:
    """The problem of a file of ``size`` bytes over ``limit``, with ``hint`` (how to raise it)."""
    raise_it = f", {hint}" if hint else ""
    return f"file too large ({size_text(size)}; the limit is {size_text(limit)}{raise_it})"


def checked_input(
    path: Path, *, what: str = "a file", max_bytes: int | None = None, hint: str = ""
) -> int:
    """Check that ``path`` names a regular file of at most ``max_bytes``; return its size.

    ``what`` names the kind of file expected in messages ("a codebook file"), ``hint`` how
    the limit is raised (:data:`RAISE_WITH_MAX_BYTES`). Symlinks are followed: what counts
    is the file they lead to.
    """
    source = str(path)
    try:
        info = path.stat()
    except OSError as error:
        raise InputError(source, _unreadable(error)) from None
    return _checked_status(source, info, what, max_bytes, hint)


def read_input(
    path: Path, *, what: str = "a file", max_bytes: int | None = None, hint: str = ""
) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``, checked as :func:`checked_input`.

    The file is opened without blocking (a FIFO swapped in after a check cannot hang the
    read) and checked again on the open descriptor; no more than ``max_bytes`` + 1 bytes are
    read whatever its size claims.
    """
    source = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise InputError(source, _unreadable(error)) from None
    with os.fdopen(fd, "rb") as fh:
        try:
            _checked_status(source, os.fstat(fd), what, max_bytes, hint)
            data = bytearray()
            # In pieces: a buffer of the limit's size would be allocated whole, file or not.
            while piece := fh.read(_PIECE):
                data += piece
                if max_bytes is not None and len(data) > max_bytes:
                    raise InputError(source, too_large(len(data), max_bytes, hint))
        except OSError as error:
            raise InputError(source, _unreadable(error)) from None
    return bytes(data)


def _checked_status(
    source: str, info: os.stat_result, what: str, max_bytes: int | None, hint: str
) -> int:
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        raise InputError(source, f"is a folder, not {what}")
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
        raise InputError(source, f"is {kind}, not {what}: only regular files are read")
    if max_bytes is not None and info.st_size > max_bytes:
        raise InputError(source, too_large(info.st_size, max_bytes, hint))
    return info.st_size


def _unreadable(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "no such file"
    if isinstance(error, PermissionError):
        return "permission denied"
    return f"cannot read the file: {describe_os_error(error, with_name=False)}"
