"""Writing REFI-QDA projects (``.qdpx``): strict, schema-valid and reproducible.

Namespace ``urn:QDA-XML:project:1.0``; ``project.qde`` and lowercase ``sources/``; text files in
UTF-8 without BOM with LF line ends; positions in code points; colours ``#RRGGBB``; GUIDs
8-4-4-4-12. Zip entries carry a fixed timestamp, so exporting an unchanged project twice gives
identical bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from lxml import etree

from coder.domain.codebook import CodePath
from coder.domain.documents import AttributeValue
from coder.errors import InputError
from coder.io.escaping import xml_text
from coder.io.output import write_file_safely
from coder.io.refi._xml import COD_GUID_NAMESPACE, derived_guid, serialise
from coder.io.refi.codebook import write_codes
from coder.io.refi.model import NoteTarget, RefiProject, RefiSource, RefiVariable, VariableType
from coder.io.refi.schema import PROJECT_NS, schema_errors
from coder.io.refi.variables import VALUE_ELEMENT, format_value, type_of

_NS = PROJECT_NS
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def _q(name: str) -> str:
    return f"{{{_NS}}}{name}"


def _sub(parent: etree._Element, tag: str, /, **attrs: str | None) -> etree._Element:
    """A child element; attribute values lose the characters XML 1.0 cannot hold."""
    return etree.SubElement(
        parent, _q(tag), {k: xml_text(v) for k, v in attrs.items() if v is not None}
    )


def text_member(source_guid: str) -> str:
    """The archive member holding a source's plain text."""
    return f"sources/{source_guid}.txt"


def project_variables(project: RefiProject) -> list[RefiVariable]:
    """One variable per attribute name used by any source, typed to hold all its values.

    GUIDs come from ``project.variables`` when it names the variable, else are derived from
    the name, so re-exports give the same GUIDs.
    """
    values: dict[str, list[AttributeValue]] = defaultdict(list)
    for source in project.sources:
        for key, value in source.attributes.items():
            values[key].append(value)
    known = {v.name: v for v in project.variables}
    out = []
    for name in sorted(values):
        kind = type_of(values[name])
        guid = known[name].guid if name in known else None
        out.append(
            RefiVariable(
                guid=guid or derived_guid(COD_GUID_NAMESPACE, f"variable:{name}"),
                name=name,
                type=kind,
            )
        )
    return out


def render_project_xml(project: RefiProject) -> bytes:
    """The ``project.qde`` XML for ``project``; raises AssertionError if it fails the schema."""
    root = etree.Element(
        _q("Project"), nsmap={None: _NS}, name=project.name or "project", origin="coder"
    )
    notes_on: dict[tuple[NoteTarget, str | None], list[str]] = defaultdict(list)
    for note in project.notes:
        notes_on[(note.target, note.target_guid)].append(note.guid)

    if project.users:
        users = _sub(root, "Users")
        for user in project.users:
            _sub(users, "User", guid=user.guid, name=user.name)

    if len(project.codebook):
        path_guid = code_guid_map(project)
        code_notes = {g: notes_on[(NoteTarget.CODE, g)] for g in path_guid.values()}
        codes = _sub(_sub(root, "CodeBook"), "Codes")
        write_codes(
            codes, _NS, project.codebook.codes, path_guid, code_notes, None, project.not_codable
        )

    variables = project_variables(project)
    if variables:
        variables_el = _sub(root, "Variables")
        for variable in variables:
            _sub(
                variables_el,
                "Variable",
                guid=variable.guid,
                name=variable.name,
                typeOfVariable=str(variable.type),
            )

    if project.sources:
        sources_el = _sub(root, "Sources")
        for source in project.sources:
            _source(sources_el, source, variables, notes_on)

    if project.notes:
        notes_el = _sub(root, "Notes")
        for note in project.notes:
            el = _sub(
                notes_el,
                "Note",
                guid=note.guid,
                name=note.name or None,
                creatingUser=note.user_guid,
            )
            _sub(el, "PlainTextContent").text = xml_text(note.text)

    if project.sets:
        sets_el = _sub(root, "Sets")
        for refi_set in project.sets:
            set_el = _sub(sets_el, "Set", guid=refi_set.guid, name=refi_set.name)
            if refi_set.description:
                _sub(set_el, "Description").text = xml_text(refi_set.description)
            for code_guid in refi_set.member_code_guids:
                _sub(set_el, "MemberCode", targetGUID=code_guid)
            for source_guid in refi_set.member_source_guids:
                _sub(set_el, "MemberSource", targetGUID=source_guid)

    for note_guid in notes_on[(NoteTarget.PROJECT, None)]:
        _sub(root, "NoteRef", targetGUID=note_guid)

    errors = schema_errors(root, "project")
    if errors:
        # A bug in this writer, not in the user's data: say so plainly.
        raise AssertionError(
            f"coder wrote a project.qde that fails the REFI-QDA schema: {errors[0]}"
        )
    return serialise(root)


def _source(
    parent: etree._Element,
    source: RefiSource,
    variables: Iterable[RefiVariable],
    notes_on: dict[tuple[NoteTarget, str | None], list[str]],
) -> None:
    el = _sub(
        parent,
        "TextSource",
        guid=source.guid,
        name=source.name,
        plainTextPath=f"internal://{source.guid}.txt",
        creatingUser=source.user_guid,
    )
    for sel in source.selections:
        if not 0 <= sel.start < sel.end <= len(source.text):
            raise InputError(source.name, f"selection {sel.start}-{sel.end} is outside the text")
        sel_el = _sub(
            el,
            "PlainTextSelection",
            guid=sel.guid,
            startPosition=str(sel.start),
            endPosition=str(sel.end),
            creatingUser=sel.user_guid,
        )
        for coding in sel.codings:
            coding_el = _sub(sel_el, "Coding", guid=coding.guid, creatingUser=coding.user_guid)
            _sub(coding_el, "CodeRef", targetGUID=coding.code_guid)
            for note_guid in notes_on[(NoteTarget.CODING, coding.guid)]:
                _sub(coding_el, "NoteRef", targetGUID=note_guid)
        for note_guid in notes_on[(NoteTarget.SELECTION, sel.guid)]:
            _sub(sel_el, "NoteRef", targetGUID=note_guid)
    for note_guid in notes_on[(NoteTarget.SOURCE, source.guid)]:
        _sub(el, "NoteRef", targetGUID=note_guid)
    for variable in variables:
        if variable.name not in source.attributes:
            continue
        value = source.attributes[variable.name]
        vv = _sub(el, "VariableValue")
        _sub(vv, "VariableRef", targetGUID=variable.guid)
        try:
            text = format_value(value, variable.type)
        except ValueError as exc:
            raise InputError(source.name, f"attribute {variable.name!r}: {exc}") from None
        _sub(vv, VALUE_ELEMENT[VariableType(variable.type)]).text = xml_text(text)


def write_qdpx(project: RefiProject, path: Path) -> None:
    """Write ``project`` to ``path`` as a ``.qdpx`` archive (the caller has decided whether it
    may replace a file; it is replaced only when complete)."""
    xml = render_project_xml(project)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        _add(zf, "project.qde", xml)
        for source in project.sources:
            _add(zf, text_member(source.guid), source.text.encode("utf-8"))
    write_file_safely(path, buffer.getvalue(), force=True)


def _add(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data)


def code_guid_map(project: RefiProject) -> dict[CodePath, str]:
    """Path -> GUID for every code of the project's codebook."""
    out = {p: g for g, p in project.code_guids.items()}
    for path, _ in project.codebook.walk():
        out.setdefault(path, derived_guid(COD_GUID_NAMESPACE, f"code:{path}"))
    return out
