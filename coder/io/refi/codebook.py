"""REFI-QDA codebooks (``.qdc``) and the ``<Codes>`` tree shared with project files.

The standard gives a code one free-text ``Description``. ``coder``'s structured fields travel
in it in a layout a person can read and edit in any tool: the definition first, then one
labelled line per field::

    Talk about money as a reason to partner.

    Inclusion: funding, grants, budgets
    Exclusion: in-kind support (use Resources)
    Example: "the grant made it possible"
    Keywords: funding; grant

A field may run over several lines: lines after a label belong to it until the next label.
A description without labels is all definition, which is how other tools' codebooks import.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from coder.domain.codebook import Codebook, CodeDef, CodePath
from coder.errors import InputError
from coder.io._codebook_colours import normalise_colour
from coder.io.escaping import xml_text
from coder.io.output import write_file_safely
from coder.io.refi._xml import (
    COD_GUID_NAMESPACE,
    child,
    child_text,
    children,
    derived_guid,
    local,
    norm_guid,
    serialise,
)
from coder.io.refi.model import RefiSet
from coder.io.refi.safety import parse_xml_file
from coder.io.refi.schema import CODEBOOK_NS, schema_errors

_LABELS = (
    ("inclusion", "Inclusion"),
    ("exclusion", "Exclusion"),
    ("example", "Example"),
    ("keywords", "Keywords"),
)
_LABEL_LINE = re.compile(
    r"^\s*(" + "|".join(label for _, label in _LABELS) + r")\s*:[ \t]?(.*)$", re.IGNORECASE
)
_RGB = re.compile(
    r"^rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*(?:,\s*[\d.]+%?\s*)?\)$",
    re.IGNORECASE,
)
_HEX8 = re.compile(r"^#?([0-9A-Fa-f]{8})$")
_HEX_BARE = re.compile(r"^([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$")


def compose_description(code: CodeDef) -> str:
    """The ``Description`` text for a code: definition, then labelled fields that are set."""
    lines: list[str] = []
    for attr, label in _LABELS:
        value = "; ".join(code.keywords) if attr == "keywords" else getattr(code, attr)
        if value.strip():
            lines.append(f"{label}: {value.strip()}")
    definition = code.definition.strip()
    if definition and lines:
        return definition + "\n\n" + "\n".join(lines)
    return definition or "\n".join(lines)


def parse_description(text: str) -> dict[str, str | list[str]]:
    """Split a ``Description`` back into definition, inclusion, exclusion, example, keywords."""
    parts: dict[str, list[str]] = {"definition": [], **{attr: [] for attr, _ in _LABELS}}
    current = "definition"
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        match = _LABEL_LINE.match(line)
        if match:
            current = next(a for a, label in _LABELS if label.lower() == match[1].lower())
            parts[current].append(match[2])
        else:
            parts[current].append(line)
    out: dict[str, str | list[str]] = {k: "\n".join(v).strip() for k, v in parts.items()}
    keywords = str(out["keywords"])
    out["keywords"] = [k.strip() for k in re.split(r"[;\n]", keywords) if k.strip()]
    return out


def normalise_refi_colour(value: str) -> str | None:
    """A colour as lower-case ``#rrggbb``, or None when unreadable.

    Accepts ``#RRGGBB``, ``#RGB``, CSS names, ``rgb(r, g, b)`` / ``rgba(...)``, hex without
    ``#``, and 8-digit hex. For 8 digits the alpha byte is taken to be first (``#AARRGGBB``,
    the .NET convention of the Windows tools) unless only the last byte is ``FF``
    (CSS ``#RRGGBBAA``).
    """
    text = value.strip()
    if not text:
        return None
    if match := _RGB.match(text):
        rgb = [int(v) for v in match.groups()]
        if any(v > 255 for v in rgb):
            return None
        return "#" + "".join(f"{v:02x}" for v in rgb)
    if match := _HEX8.match(text):
        digits = match[1].lower()
        if digits.endswith("ff") and not digits.startswith("ff"):
            return "#" + digits[:6]
        return "#" + digits[2:]
    if _HEX_BARE.match(text):
        text = "#" + text
    return normalise_colour(text)


@dataclass
class QdcDocument:
    """What a ``.qdc`` holds: the codebook, each code's GUID, the GUIDs of codes that are not
    codable (folders), code groups, and what was odd."""

    codebook: Codebook
    code_guids: dict[str, CodePath] = field(default_factory=dict)
    sets: list[RefiSet] = field(default_factory=list)
    not_codable: set[str] = field(default_factory=set)
    origin: str = ""
    warnings: list[str] = field(default_factory=list)


def read_codes(
    codes_el: etree._Element | None,
    source: str,
    warnings: list[str],
    not_codable: set[str] | None = None,
) -> tuple[list[CodeDef], dict[str, CodePath]]:
    """The code tree under a ``<Codes>`` element and a GUID -> path map.

    The GUIDs of codes marked ``isCodable="false"`` are added to ``not_codable``. Raises
    :class:`InputError` for a GUID used twice; odd colours and empty names are repaired with
    a warning.
    """
    guids: dict[str, CodePath] = {}
    if codes_el is None:
        return [], guids

    def walk(el: etree._Element, parent: CodePath | None, siblings: set[str]) -> CodeDef:
        raw_name = " ".join((el.get("name") or "").split())
        guid = norm_guid(el.get("guid"))
        name = raw_name or f"unnamed code {(guid or '')[:8]}".strip()
        if not raw_name:
            warnings.append(f"a code without a name was called {name!r}")
        if name.casefold() in siblings:
            where = f"under {parent}" if parent else "at the top level"
            warnings.append(f"two codes are named {name!r} {where}: they are merged into one")
        siblings.add(name.casefold())
        path = parent.child(name) if parent else CodePath((name,))
        if guid is not None:
            if guid in guids:
                raise InputError(source, f"code GUID {guid} is used by two codes")
            guids[guid] = path
            if not_codable is not None and _is_false(el.get("isCodable")):
                not_codable.add(guid)
        fields = parse_description(child_text(el, "Description"))
        colour = None
        if el.get("color"):
            colour = normalise_refi_colour(el.get("color", ""))
            if colour is None:
                warnings.append(f"code {str(path)!r}: colour {el.get('color')!r} not understood")
        code = CodeDef(
            name=name,
            definition=str(fields["definition"]),
            inclusion=str(fields["inclusion"]),
            exclusion=str(fields["exclusion"]),
            example=str(fields["example"]),
            colour=colour,
            keywords=list(fields["keywords"]),
        )
        seen: set[str] = set()
        code.children = [walk(c, path, seen) for c in children(el, "Code")]
        return code

    top: set[str] = set()
    return [walk(c, None, top) for c in children(codes_el, "Code")], guids


def _is_false(value: str | None) -> bool:
    return (value or "").strip().casefold() in ("false", "0")


def _members(set_el: etree._Element, tag: str) -> tuple[str, ...]:
    # ATLAS.ti names the member with ``guid`` instead of ``targetGUID``.
    return tuple(
        g for m in children(set_el, tag) if (g := norm_guid(m.get("targetGUID") or m.get("guid")))
    )


def read_sets(parent: etree._Element) -> list[RefiSet]:
    """Sets under ``<Sets>``: document sets (``MemberSource``) and code groups
    (``MemberCode``); an empty ``<Sets/>``, as Taguette writes, gives none."""
    sets_el = child(parent, "Sets")
    if sets_el is None:
        return []
    return [
        RefiSet(
            guid=norm_guid(s.get("guid")) or "",
            name=" ".join((s.get("name") or "").split()),
            description=child_text(s, "Description").strip(),
            member_code_guids=_members(s, "MemberCode"),
            member_source_guids=_members(s, "MemberSource"),
        )
        for s in children(sets_el, "Set")
    ]


def describe_sets(sets: Sequence[RefiSet], guids: Mapping[str, CodePath]) -> list[str]:
    """Warnings saying which code groups were not kept (``coder`` has no code groups); a set
    of documents that also lists codes keeps its documents."""
    out = []
    for s in sets:
        if not s.member_code_guids and s.member_source_guids:
            continue
        members = [str(guids[g]) for g in s.member_code_guids if g in guids]
        listed = ", ".join(members[:5]) + (" ..." if len(members) > 5 else "")
        what = "the codes of set" if s.member_source_guids else "code group"
        out.append(f"{what} {s.name!r} ({listed or 'no codes'}) not kept: coder has no code groups")
    return out


def read_qdc_document(path: Path) -> QdcDocument:
    """Read a ``.qdc`` codebook liberally (any QDA-XML namespace version, odd colours, sets)."""
    label = str(path)
    root = parse_xml_file(path, "a .qdc file")
    if local(root).casefold() != "codebook":
        raise InputError(label, f"root element is <{local(root)}>, not <CodeBook>: not a .qdc file")
    warnings: list[str] = []
    not_codable: set[str] = set()
    codes, guids = read_codes(child(root, "Codes"), label, warnings, not_codable)
    if not codes:
        raise InputError(label, "the codebook has no codes")
    sets = read_sets(root)
    unknown = {g for s in sets for g in s.member_code_guids if g not in guids}
    if unknown:
        raise InputError(
            label, f"code group member {sorted(unknown)[0]} is not a code of this codebook"
        )
    warnings.extend(describe_sets(sets, guids))
    return QdcDocument(
        codebook=Codebook(name=path.stem, codes=codes),
        code_guids=guids,
        sets=sets,
        not_codable=not_codable,
        origin=root.get("origin") or "",
        warnings=warnings,
    )


def read_qdc(path: Path) -> Codebook:
    """The codebook in a ``.qdc`` file; see :func:`read_qdc_document` for GUIDs and warnings."""
    return read_qdc_document(path).codebook


def codebook_guids(codebook: Codebook, namespace_key: str = "") -> dict[CodePath, str]:
    """Stable GUIDs for a codebook's codes, derived from their paths (uuid5)."""
    return {
        p: derived_guid(COD_GUID_NAMESPACE, f"{namespace_key}code:{p}") for p, _ in codebook.walk()
    }


def write_codes(
    parent: etree._Element,
    ns: str,
    codes: Sequence[CodeDef],
    guids: Mapping[CodePath, str],
    note_refs: Mapping[str, Sequence[str]] | None = None,
    parent_path: CodePath | None = None,
    not_codable: Collection[str] = (),
) -> None:
    """Append ``<Code>`` elements for ``codes`` (recursively) to ``parent``.

    ``note_refs`` maps a code GUID to the GUIDs of notes about it (project files only);
    codes whose GUID is in ``not_codable`` are written ``isCodable="false"``.
    """
    for code in codes:
        path = parent_path.child(code.name) if parent_path else CodePath((code.name,))
        guid = guids[path]
        codable = "false" if guid in not_codable else "true"
        el = etree.SubElement(
            parent, f"{{{ns}}}Code", guid=guid, name=xml_text(code.name), isCodable=codable
        )
        if code.colour:
            colour = normalise_refi_colour(code.colour)
            if colour:
                el.set("color", colour.upper())
        description = compose_description(code)
        if description:
            etree.SubElement(el, f"{{{ns}}}Description").text = xml_text(description)
        for note_guid in (note_refs or {}).get(guid, ()):
            etree.SubElement(el, f"{{{ns}}}NoteRef", targetGUID=note_guid)
        write_codes(el, ns, code.children, guids, note_refs, path, not_codable)


def render_qdc(
    codebook: Codebook,
    guids: Mapping[CodePath, str] | None = None,
    origin: str = "coder",
    not_codable: Collection[str] = (),
) -> bytes:
    """The ``.qdc`` XML for a codebook, valid against the official schema; codes whose GUID
    is in ``not_codable`` are written as not codable."""
    if len(codebook) == 0:
        raise InputError(codebook.name, "the codebook is empty: REFI-QDA needs at least one code")
    guids = guids or codebook_guids(codebook)
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS}, origin=origin)
    codes_el = etree.SubElement(root, f"{{{CODEBOOK_NS}}}Codes")
    write_codes(codes_el, CODEBOOK_NS, codebook.codes, guids, not_codable=not_codable)
    errors = schema_errors(root, "codebook")
    if errors:
        # A bug in this writer, not in the user's data: say so plainly.
        raise AssertionError(f"coder wrote a .qdc that fails the REFI-QDA schema: {errors[0]}")
    return serialise(root)


def write_qdc(
    codebook: Codebook,
    path: Path,
    guids: Mapping[CodePath, str] | None = None,
    not_codable: Collection[str] = (),
) -> None:
    """Write ``codebook`` to ``path`` as a REFI-QDA ``.qdc`` (schema-valid, UTF-8, LF)."""
    write_file_safely(path, render_qdc(codebook, guids, not_codable=not_codable), force=True)
