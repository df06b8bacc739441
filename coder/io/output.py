"""Writing a file the user named: never over the project, never over a file unasked, never half.

Every command, screen and service that writes a user-chosen file goes through
:func:`write_file_safely`:

* it refuses the project's own database (the SQLite file and its ``-wal``, ``-shm`` and
  ``-journal``, compared by resolved path and by device and inode, so a symlink or a hard
  link to them is refused too) and any file that is a SQLite database or write-ahead log,
  even with ``force``: an export never replaces a project or a backup;
* it refuses to replace an existing file unless ``force`` is given;
* it writes a hidden temporary file in the target's folder, flushes it to disk and renames it
  over the target (``os.replace``), so a failure (a full disk, a killed process) leaves the
  old file as it was and never a half-written one. A process killed mid-write may leave its
  hidden ``.NAME.*.part`` file behind; the target itself is never touched until complete;
* every operating-system error becomes one :class:`~coder.errors.InputError` naming the file.

A symlink is followed: the file it points to is replaced and the link kept. A character
device or a FIFO (``/dev/null``, ``/dev/stdout``, a pipe) is written straight into, as it holds
no file to lose; a folder, a block device or a socket is refused.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path

from coder.errors import InputError

#: The files SQLite keeps beside a database: the write-ahead log, its index, the rollback journal.
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")
_SQLITE_HEADER = b"SQLite format 3\x00"
# The magic numbers of a SQLite write-ahead log (big- and little-endian checksums).
_WAL_HEADERS = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")
# Errors that say the file system cannot hard-link, so the no-clobber link cannot be used.
_NO_LINK = frozenset(
    {errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP}
)


class OutputExistsError(InputError):
    """The file exists and the caller did not ask to replace it."""

    def __init__(self, path: Path) -> None:
        super().__init__(str(path), "exists already; add --force to replace it")


class ProtectedOutputError(InputError):
    """The file is the project's database (or another database): no export may replace it."""


def sqlite_files(database: Path) -> tuple[Path, ...]:
    """A SQLite database file and the files SQLite keeps beside it (``-wal``, ``-shm``...)."""
    return (database, *(database.with_name(database.name + s) for s in SQLITE_COMPANIONS))


def write_file_safely(
    path: Path, data: bytes, *, force: bool = False, protect: Iterable[Path] = ()
) -> Path:
    """Write ``data`` to ``path`` whole or not at all; returns the file written.

    ``protect`` lists files that must never be replaced (the project's database and its
    companions: see :func:`sqlite_files`). Raises :class:`ProtectedOutputError` for those and
    for any SQLite database, :class:`OutputExistsError` for an existing file without
    ``force``, and :class:`~coder.errors.InputError` for every other failure.
    """
    shown = str(path)
    try:
        target, info = _checked(path, force=force, protect=protect)
        if info is not None and not stat.S_ISREG(info.st_mode):
            _write_stream(target, data)
        else:
            _write_replacing(target, data, info, force=force)
    except InputError:
        raise
    except FileExistsError:
        raise OutputExistsError(path) from None
    except OSError as error:
        raise InputError(shown, f"cannot write the file: {_reason(error)}") from None
    return target


def check_output(path: Path, *, force: bool = False, protect: Iterable[Path] = ()) -> None:
    """Raise now what :func:`write_file_safely` would refuse, before a long export is made.

    Only the refusals are checked (protected, existing without ``force``, not a file); a
    full disk or a missing permission shows when the file is written.
    """
    try:
        _checked(path, force=force, protect=protect)
    except InputError:
        raise
    except OSError as error:
        raise InputError(str(path), f"cannot write the file: {_reason(error)}") from None


def _checked(
    path: Path, *, force: bool, protect: Iterable[Path]
) -> tuple[Path, os.stat_result | None]:
    """The resolved target and its status (None when absent), once every refusal is passed."""
    shown = str(path)
    given = path.expanduser()
    info = _stat(given)
    if info is not None and (stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
        # Written as named: /dev/stdout on a pipe resolves to no path at all.
        return given, info
    target = given.resolve()
    _refuse_protected(shown, target, info, protect)
    if info is None:
        return target, None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(shown, "is a folder; give a file name")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(shown, "is not a regular file; choose another file")
    if not force:
        raise OutputExistsError(path)
    return target, info


def _stat(target: Path) -> os.stat_result | None:
    try:
        return target.stat()
    except FileNotFoundError:
        return None


def _refuse_protected(
    shown: str, target: Path, info: os.stat_result | None, protect: Iterable[Path]
) -> None:
    for guarded in protect:
        resolved = guarded.expanduser().resolve()
        same = resolved == target
        if not same and info is not None:
            with contextlib.suppress(OSError):
                theirs = resolved.stat()
                same = (theirs.st_dev, theirs.st_ino) == (info.st_dev, info.st_ino)
        if same:
            raise ProtectedOutputError(shown, "is the project's database; choose another file")
    if info is not None and stat.S_ISREG(info.st_mode) and _is_database(target):
        raise ProtectedOutputError(
            shown, "is a SQLite database (a project or a backup); an export never replaces one"
        )


def _is_database(target: Path) -> bool:
    try:
        with target.open("rb") as fh:
            head = fh.read(len(_SQLITE_HEADER))
    except OSError:
        return False  # unreadable: the write below reports what is wrong
    return head == _SQLITE_HEADER or head[:4] in _WAL_HEADERS


def _write_stream(target: Path, data: bytes) -> None:
    """A character device or a FIFO takes the bytes as they come: there is no file to lose."""
    with target.open("wb") as fh:
        fh.write(data)


def _write_replacing(
    target: Path, data: bytes, info: os.stat_result | None, *, force: bool
) -> None:
    folder = target.parent
    temporary = _create_temporary(folder, target.name)
    try:
        descriptor = os.open(temporary, os.O_WRONLY)
        with os.fdopen(descriptor, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if info is not None:
            # A replaced file keeps its permissions (a new one gets the umask's).
            os.chmod(temporary, stat.S_IMODE(info.st_mode))
        if info is None:
            _link_new(temporary, target, force=force)
        else:
            os.replace(temporary, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    _sync_folder(folder)


def _create_temporary(folder: Path, name: str) -> Path:
    """A new, empty hidden file beside the target, created with the umask's permissions."""
    for _ in range(100):
        candidate = folder / f".{name}.{secrets.token_hex(4)}.part"
        try:
            os.close(os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return candidate
    raise OSError(errno.EEXIST, "no free temporary file name")  # pragma: no cover


def _link_new(temporary: Path, target: Path, *, force: bool) -> None:
    """Put a new file in place; one created meanwhile by someone else is kept unless ``force``."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        if not force:
            raise
        os.replace(temporary, target)
    except OSError as error:
        if error.errno not in _NO_LINK:
            raise
        # A file system without hard links: the check before writing is as good as it gets.
        if target.exists() and not force:
            raise FileExistsError(errno.EEXIST, "exists", str(target)) from None
        os.replace(temporary, target)


def _sync_folder(folder: Path) -> None:
    """Make the rename durable; some systems cannot open a folder, which only costs that."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _reason(error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return "no space left on the device (the old file, if any, is unchanged)"
    if error.errno == errno.ENOENT:
        return "the folder does not exist"
    if error.errno == errno.ENOTDIR:
        return "a part of the path is a file, not a folder"
    return error.strerror or str(error)
