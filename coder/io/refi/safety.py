"""Opening untrusted REFI-QDA files: safe XML parsing and zip archives checked before use.

A ``.qdpx`` comes from another program, often from another person: it is read as hostile
input. Nothing is extracted to disk; members are read into memory after their names, count,
declared sizes and compression ratios have been checked, and XML is parsed with entities,
DTDs and network access switched off.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from lxml import etree

from coder.errors import InputError
from coder.io.inputs import checked_input, read_input, size_text

#: Largest total unpacked size of an archive's members.
MAX_UNPACKED_BYTES = 2 * 1024**3
#: Most members an archive may have.
MAX_MEMBERS = 10_000
#: Largest unpacked/packed ratio of one member, checked for members above ``RATIO_FLOOR_BYTES``.
#: Plain text compresses about 3-10x; a zip bomb compresses about 1000x.
MAX_COMPRESSION_RATIO = 200
#: Members smaller than this are not ratio-checked: a small file of repeated spaces is harmless.
RATIO_FLOOR_BYTES = 1024**2

_DRIVE = re.compile(r"^[A-Za-z]:")
_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    # A new parser per call: lxml parsers are not thread-safe.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
    )


def parse_xml(data: bytes, source: str) -> etree._Element:
    """Parse untrusted XML; any DOCTYPE (hence any entity declaration) is refused.

    Raises :class:`InputError` naming ``source`` for a DTD, entities or malformed XML.
    """
    # Refuse before parsing when the declaration is visible in the bytes (UTF-8, the usual
    # case), and again after parsing for other encodings.
    if _DECLARATION.search(data):
        raise InputError(source, "XML with a DOCTYPE or entity declarations is refused (XXE)")
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise InputError(source, f"not well-formed XML: {exc.msg}", line=exc.lineno) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise InputError(source, "XML with a DOCTYPE or entity declarations is refused (XXE)")
    for node in root.iter():
        if isinstance(node, etree._Entity):
            raise InputError(source, f"XML entity reference {node.text} is refused")
    return root


def parse_xml_file(path: Path, what: str) -> etree._Element:
    """Parse an untrusted XML file (a ``.qdc``, a bare ``.qde``) as :func:`parse_xml` does.

    ``what`` names the kind of file in the messages ("a .qdc file"). Raises
    :class:`InputError` naming ``path`` when it is missing, not a regular file or too large.
    """
    data = read_input(path, what=what, max_bytes=MAX_UNPACKED_BYTES)
    return parse_xml(data, str(path))


def _member_problem(name: str) -> str | None:
    """Why a member name is unsafe, or None."""
    if "\x00" in name:
        return "has a NUL byte in its name"
    normalised = name.replace("\\", "/")
    if normalised.startswith("/") or _DRIVE.match(normalised):
        return "has an absolute path"
    if any(part == ".." for part in PurePosixPath(normalised).parts):
        return "escapes the archive folder (../ in its path)"
    return None


class ArchiveRefused(InputError):
    """An archive refused by a limit (size, ratio, members) or an unsafe member name, as
    opposed to one that is damaged or not a zip file at all."""


@dataclass
class SafeArchive:
    """A zip archive whose member names, count and sizes have been checked.

    Members are looked up case-insensitively (NVivo for Windows writes ``Sources/``).
    """

    path: Path
    zf: zipfile.ZipFile
    by_folded_name: dict[str, zipfile.ZipInfo]

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        kind: str = ".qdpx",
        max_unpacked: int | None = None,
        hint: str = "",
    ) -> SafeArchive:
        """Open and check ``path``, an archive of the format ``kind`` (".docx"), before any
        member is read: a regular file, at most ``max_unpacked`` bytes in all once unpacked
        (:data:`MAX_UNPACKED_BYTES` unless given),
        no member compressed past :data:`MAX_COMPRESSION_RATIO`, safe member names.

        Raises :class:`ArchiveRefused` for a limit passed (``hint`` says how to raise the size
        limit) and :class:`InputError` for the rest, naming it and the problem. Every
        zip-based input (.qdpx, .docx, .xlsx, .odt) is opened here first: a zip bomb is
        refused by what the archive declares, in milliseconds; a member that inflates past
        what it declares is cut off there by :mod:`zipfile` and fails its checksum.
        """
        label = str(path)
        checked_input(path, what=f"a {kind} file")
        try:
            zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise InputError(label, f"not a zip archive (a {kind} file is a zip archive)") from None
        try:
            limit = MAX_UNPACKED_BYTES if max_unpacked is None else max_unpacked
            return cls._checked(path, zf, limit, hint)
        except BaseException:
            zf.close()
            raise

    @classmethod
    def _checked(cls, path: Path, zf: zipfile.ZipFile, max_unpacked: int, hint: str) -> SafeArchive:
        label = str(path)
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ArchiveRefused(
                label, f"archive has {len(infos):,} members (limit {MAX_MEMBERS:,}): refused"
            )
        total = 0
        folded: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            problem = _member_problem(info.filename)
            if problem is not None:
                raise ArchiveRefused(label, f"member {info.filename!r} {problem}: refused")
            if info.flag_bits & 0x1:
                raise InputError(label, f"member {info.filename!r} is encrypted")
            total += info.file_size
            if total > max_unpacked:
                raise ArchiveRefused(
                    label,
                    f"archive unpacks to more than {size_text(max_unpacked)}"
                    f" ({'the limit, ' + hint if hint else 'the limit'}): refused",
                )
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_FLOOR_BYTES and ratio > MAX_COMPRESSION_RATIO:
                raise ArchiveRefused(
                    label,
                    f"member {info.filename!r} compresses {ratio:,.0f}:1"
                    f" (limit {MAX_COMPRESSION_RATIO}:1), a likely zip bomb: refused",
                )
            folded.setdefault(info.filename.replace("\\", "/").casefold(), info)
        return cls(path=path, zf=zf, by_folded_name=folded)

    def close(self) -> None:
        self.zf.close()

    def __enter__(self) -> SafeArchive:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def refuse_declarations(self) -> None:
        """Refuse the archive when an XML member declares a DOCTYPE or entities (XXE, the
        "billion laughs"), for formats whose XML another library parses (.docx, .xlsx).

        A declaration comes before the root element, so the first 64 KB of each member tell.
        """
        for info in self.zf.infolist():
            if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            try:
                with self.zf.open(info) as member:
                    head = member.read(64 * 1024)
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
                raise InputError(
                    str(self.path), f"member {info.filename!r} is damaged: {exc}"
                ) from None
            if _DECLARATION.search(head):
                raise ArchiveRefused(
                    str(self.path),
                    f"member {info.filename!r} has a DOCTYPE or entity declarations: refused (XXE)",
                )

    def find(self, name: str) -> zipfile.ZipInfo | None:
        """The member called ``name``, ignoring case, or None."""
        return self.by_folded_name.get(name.replace("\\", "/").casefold())

    def read(self, info: zipfile.ZipInfo) -> bytes:
        """The member's bytes; a corrupt member is an :class:`InputError`."""
        try:
            # ZipExtFile stops at the declared size, which _checked has bounded.
            return self.zf.read(info)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
            raise InputError(
                str(self.path), f"member {info.filename!r} is damaged: {exc}"
            ) from None
