"""Where a REFI-QDA project's text files are: inside a ``.qdpx`` archive, or beside a bare
``project.qde`` (the XML alone, as NVivo also opens it).

A ``plainTextPath`` may be ``internal://<file>`` (the standard: ``sources/<file>``),
``relative://<path>`` (relative to the exporter's base folder), a bare relative path (qc writes
the file's path inside ``sources/``), or an absolute one (``absolute://``, ``file://``, ``C:/``)
naming a file on the exporter's disk. Relative paths are looked up in ``sources/``, then at the
top. No path may climb out with ``..``, and nothing is read outside the archive, or outside
the bare file's folder: a project from someone else must not make ``coder`` read other files
of the user's disk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Protocol

from lxml import etree

from coder.errors import InputError
from coder.io.inputs import checked_input, read_input
from coder.io.refi._xml import local
from coder.io.refi.safety import MAX_UNPACKED_BYTES, SafeArchive, parse_xml_file

_DRIVE = re.compile(r"^[A-Za-z]:")


class TextMissing(Exception):
    """A bare ``.qde``'s text file is not there (or is elsewhere on the exporter's disk)."""


@dataclass(frozen=True, slots=True)
class TextFile:
    """A text file's place in the project (``sources/<file>``) and its bytes."""

    name: str
    data: bytes


class ProjectFiles(Protocol):
    """The files a ``project.qde`` refers to."""

    def text(self, path_attr: str, owner: str) -> TextFile:
        """The file ``path_attr`` names. Raises :class:`InputError` for a path that climbs out
        or a file missing from an archive, :class:`TextMissing` for a bare file's absent text.
        """
        ...


def candidates(path_attr: str) -> tuple[str, ...] | None:
    """Relative places (``/``-separated) where ``path_attr``'s file may be, in order; None for
    a file outside the project (an absolute path). Raises ``ValueError`` for a path that
    climbs out of its folder."""
    scheme, sep, rest = path_attr.strip().partition("://")
    if sep and scheme.lower() == "internal":
        if not rest or "/" in rest or "\\" in rest or rest in (".", "..") or "\x00" in rest:
            raise ValueError("leaves the sources folder")
        return (f"sources/{rest}",)
    if sep and scheme.lower() != "relative":
        return None
    relative = (rest.lstrip("/") if sep else path_attr.strip()).replace("\\", "/")
    if relative.startswith("/") or _DRIVE.match(relative):
        return None
    parts = [p for p in PurePosixPath(relative).parts if p != "."]
    if not parts or ".." in parts or "\x00" in relative:
        raise ValueError("leaves the project's folder")
    clean = "/".join(parts)
    if parts[0].casefold() == "sources" and len(parts) > 1:
        return (clean,)
    return (f"sources/{clean}", clean)


def name_from_path(path_attr: str) -> str:
    """A source name from a non-internal text path (qc names none): its file name."""
    scheme, sep, rest = path_attr.partition("://")
    if sep and scheme.lower() == "internal":
        return ""
    return PurePosixPath((rest if sep else path_attr).replace("\\", "/")).name


@dataclass
class ArchiveFiles:
    """Texts inside a checked ``.qdpx`` archive (names compared ignoring case)."""

    archive: SafeArchive
    label: str

    def text(self, path_attr: str, owner: str) -> TextFile:
        places = _places(path_attr, owner, self.label)
        if places is None:
            raise InputError(
                self.label,
                f"{owner}: text {path_attr!r} is outside the archive; export with sources embedded",
            )
        for place in places:
            info = self.archive.find(place)
            if info is not None:
                return TextFile(place, self.archive.read(info))
        raise InputError(self.label, f"{owner}: {places[0]} is missing from the archive")


@dataclass
class FolderFiles:
    """Texts beside a bare ``project.qde``: inside its folder (and sub-folders) only."""

    folder: Path
    label: str
    total_bytes: int = field(default=0, init=False)

    def text(self, path_attr: str, owner: str) -> TextFile:
        places = _places(path_attr, owner, self.label)
        if places is None:
            raise TextMissing(f"text {path_attr!r} is outside the project's folder")
        base = self.folder.resolve()
        for place in places:
            found = _find_ignoring_case(base, place)
            if found is None:
                continue
            if not found.resolve().is_relative_to(base):
                raise InputError(self.label, f"{owner}: {place} leads outside the project's folder")
            self.total_bytes += checked_input(found, what="a text file")
            if self.total_bytes > MAX_UNPACKED_BYTES:
                raise InputError(
                    self.label,
                    f"the texts come to more than {MAX_UNPACKED_BYTES / 1024**3:.0f} GB: refused",
                )
            return TextFile(place, read_input(found, what="a text file"))
        raise TextMissing(f"{places[0]} is not in {self.folder}")


def bare_project_root(path: Path) -> etree._Element:
    """The ``<Project>`` element of a bare ``.qde`` file (checked as untrusted XML)."""
    root = parse_xml_file(path, "a .qde file")
    if local(root) != "Project":
        raise InputError(str(path), f"root element is <{local(root)}>, not <Project>")
    return root


def _places(path_attr: str, owner: str, label: str) -> tuple[str, ...] | None:
    try:
        return candidates(path_attr)
    except ValueError as exc:
        raise InputError(label, f"{owner}: text path {path_attr!r} {exc}") from None


def _find_ignoring_case(base: Path, relative: str) -> Path | None:
    """``base/relative`` as a file, each part matched exactly or else ignoring case (NVivo
    writes ``Sources/``; a folder unzipped on Linux keeps the case)."""
    current = base
    for part in relative.split("/"):
        exact = current / part
        if exact.exists():
            current = exact
            continue
        if not current.is_dir():
            return None
        folded = part.casefold()
        match = next((p for p in current.iterdir() if p.name.casefold() == folded), None)
        if match is None:
            return None
        current = match
    return current if current.is_file() else None
