"""Reading REFI-QDA projects (``.qdpx``) as NVivo, ATLAS.ti, MAXQDA, QualCoder, Taguette and
``coder`` write them.

Liberal in what it accepts (any QDA-XML namespace version, ``Sources/`` or ``sources/``, BOMs
and CRLF in the text files, UTF-16 positions, selections without codings, odd colours) and
strict about what could corrupt a project: unsafe archives, DTDs and entities, GUIDs that
point nowhere and positions outside the text are refused with an :class:`InputError` naming
the file and the problem, before anything is returned.
"""

from __future__ import annotations

import codecs
from collections.abc import Collection
from pathlib import Path

from lxml import etree

from coder.domain.codebook import Codebook
from coder.domain.documents import AttributeValue
from coder.errors import InputError
from coder.io._common import FormatProblem, decode_text
from coder.io.normalise import normalise_text
from coder.io.refi._xml import child, child_text, children, local, norm_guid
from coder.io.refi.codebook import describe_sets, read_codes, read_sets
from coder.io.refi.model import (
    NoteTarget,
    RefiCoding,
    RefiNote,
    RefiProject,
    RefiUser,
    RefiVariable,
    VariableType,
)
from coder.io.refi.project_sources import (
    RawSelection,
    RawSource,
    choose_interpretation,
    convert_source,
)
from coder.io.refi.safety import SafeArchive, parse_xml
from coder.io.refi.variables import parse_value

_NON_TEXT_SOURCES = ("PictureSource", "PDFSource", "AudioSource", "VideoSource")
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def read_qdpx(path: Path) -> RefiProject:
    """Read a ``.qdpx`` archive into a :class:`RefiProject` with positions in code points of the
    normalised text. Raises :class:`InputError` (file and problem, one line) for anything
    unsafe or inconsistent.
    """
    label = str(path)
    with SafeArchive.open(path) as archive:
        info = archive.find("project.qde")
        if info is None:
            raise InputError(label, "no project.qde in the archive: not a REFI-QDA project")
        root = parse_xml(archive.read(info), f"{label}:{info.filename}")
        if local(root) != "Project":
            raise InputError(label, f"project.qde has root <{local(root)}>, not <Project>")
        return _Reader(label, archive, root).read()


class _Reader:
    def __init__(self, label: str, archive: SafeArchive, root: etree._Element) -> None:
        self.label = label
        self.archive = archive
        self.root = root
        self.warnings: list[str] = []
        self.users: dict[str, str] = {}
        self.variables: dict[str, RefiVariable] = {}
        self.note_targets: dict[str, tuple[NoteTarget, str | None]] = {}

    def fail(self, problem: str) -> InputError:
        return InputError(self.label, problem)

    def read(self) -> RefiProject:
        origin = self.root.get("origin") or ""
        self._read_users()
        codebook_el = child(self.root, "CodeBook")
        codes, code_guids = read_codes(
            None if codebook_el is None else child(codebook_el, "Codes"), self.label, self.warnings
        )
        self._collect_code_notes(codebook_el)
        self._read_variables()
        sets = read_sets(self.root)
        for s in sets:
            for g in s.member_code_guids:
                if g not in code_guids:
                    raise self.fail(f"code group {s.name!r} names code {g}, which does not exist")
        self.warnings.extend(describe_sets(sets, code_guids))
        raw_sources = self._read_sources()
        self._apply_cases(raw_sources)
        for ref in children(self.root, "NoteRef"):
            self._note_target(ref, NoteTarget.PROJECT, None)
        notes = self._read_notes()
        self._check_references(raw_sources, code_guids.keys())
        interpretation = choose_interpretation(raw_sources, origin)
        sources = []
        for raw in raw_sources:
            source, empty = convert_source(raw, interpretation, self.label)
            if empty:
                self.warnings.append(f"source {raw.name!r}: {empty} empty selection(s) left out")
            sources.append(source)
        return RefiProject(
            name=self.root.get("name") or Path(self.label).stem,
            codebook=Codebook(name=self.root.get("name") or Path(self.label).stem, codes=codes),
            code_guids=code_guids,
            users=[RefiUser(guid=g, name=n) for g, n in self.users.items()],
            sources=sources,
            notes=notes,
            variables=list(self.variables.values()),
            sets=sets,
            origin=origin,
            position_unit=str(interpretation.unit),
            warnings=self.warnings,
        )

    # -- users, variables, notes -----------------------------------------------------------

    def _read_users(self) -> None:
        users_el = child(self.root, "Users")
        for el in [] if users_el is None else children(users_el, "User"):
            guid = norm_guid(el.get("guid"))
            if guid is None:
                raise self.fail("a <User> has no guid")
            if guid in self.users:
                raise self.fail(f"user GUID {guid} is used twice")
            name = " ".join((el.get("name") or el.get("id") or "").split())
            self.users[guid] = name or f"user {guid[:8]}"

    def _read_variables(self) -> None:
        variables_el = child(self.root, "Variables")
        for el in [] if variables_el is None else children(variables_el, "Variable"):
            guid = norm_guid(el.get("guid"))
            name = (el.get("name") or "").strip()
            if guid is None or not name:
                raise self.fail("a <Variable> lacks its guid or name")
            try:
                kind = VariableType(el.get("typeOfVariable") or "Text")
            except ValueError:
                raise self.fail(
                    f"variable {name!r} has unknown typeOfVariable {el.get('typeOfVariable')!r}"
                ) from None
            self.variables[guid] = RefiVariable(guid=guid, name=name, type=kind)

    def _variable_values(self, el: etree._Element, owner: str) -> dict[str, AttributeValue]:
        out: dict[str, AttributeValue] = {}
        for vv in children(el, "VariableValue"):
            ref = child(vv, "VariableRef")
            guid = norm_guid(None if ref is None else ref.get("targetGUID"))
            if guid is None or guid not in self.variables:
                raise self.fail(f"{owner}: a variable value refers to unknown variable {guid}")
            variable = self.variables[guid]
            value_el = next((c for c in vv if isinstance(c.tag, str) and c is not ref), None)
            if value_el is None:
                continue
            try:
                out[variable.name] = parse_value(local(value_el), value_el.text or "")
            except ValueError as exc:
                raise self.fail(f"{owner}: variable {variable.name!r}: {exc}") from None
        return out

    def _note_target(self, ref: etree._Element, target: NoteTarget, guid: str | None) -> str:
        note = norm_guid(ref.get("targetGUID"))
        if note is None:
            raise self.fail("a <NoteRef> has no targetGUID")
        # A note referred to from several places is kept once, on its first target.
        self.note_targets.setdefault(note, (target, guid))
        return note

    def _collect_code_notes(self, codebook_el: etree._Element | None) -> None:
        if codebook_el is None:
            return
        for code in codebook_el.iter():
            if isinstance(code.tag, str) and local(code) == "Code":
                guid = norm_guid(code.get("guid"))
                for ref in children(code, "NoteRef"):
                    self._note_target(ref, NoteTarget.CODE, guid)

    def _read_notes(self) -> list[RefiNote]:
        notes_el = child(self.root, "Notes")
        notes: list[RefiNote] = []
        known: set[str] = set()
        for el in [] if notes_el is None else children(notes_el, "Note"):
            guid = norm_guid(el.get("guid"))
            if guid is None:
                raise self.fail("a <Note> has no guid")
            known.add(guid)
            name = el.get("name") or ""
            if child(el, "PlainTextContent") is not None:
                text = child_text(el, "PlainTextContent")
            elif el.get("plainTextPath"):
                raw, _ = self._source_text(el.get("plainTextPath", ""), f"note {name or guid}")
                try:
                    text = normalise_text(raw)
                except ValueError as exc:
                    raise self.fail(f"note {name or guid}: {exc}") from None
            else:
                text = child_text(el, "Description")
            target, target_guid = self.note_targets.get(guid, (NoteTarget.PROJECT, None))
            if text.strip():
                notes.append(
                    RefiNote(
                        guid=guid,
                        text=text.strip(),
                        user_guid=norm_guid(el.get("creatingUser")),
                        target=target,
                        target_guid=target_guid,
                        name=name,
                    )
                )
        for note_guid in self.note_targets:
            if note_guid not in known:
                raise self.fail(f"a NoteRef points to note {note_guid}, which does not exist")
        for note in notes:
            if note.user_guid is not None and note.user_guid not in self.users:
                raise self.fail(f"note {note.name or note.guid}: unknown user {note.user_guid}")
        return notes

    # -- sources ---------------------------------------------------------------------------

    def _source_text(self, path_attr: str, owner: str) -> tuple[str, bool]:
        """(decoded text with its line ends, whether the file had a byte-order mark)."""
        scheme, sep, rest = path_attr.partition("://")
        if not sep or scheme.lower() != "internal":
            raise self.fail(
                f"{owner}: text {path_attr!r} is outside the archive; export with sources embedded"
            )
        if not rest or "/" in rest or "\\" in rest or rest in (".", ".."):
            raise self.fail(f"{owner}: text path {path_attr!r} leaves the sources folder")
        info = self.archive.find(f"sources/{rest}")
        if info is None:
            raise self.fail(f"{owner}: sources/{rest} is missing from the archive")
        data = self.archive.read(info)
        try:
            raw = decode_text(data)
        except FormatProblem as exc:
            raise self.fail(f"{info.filename}: {exc.problem}") from None
        return raw, data.startswith(_BOMS)

    def _read_sources(self) -> list[RawSource]:
        sources_el = child(self.root, "Sources")
        out: list[RawSource] = []
        seen: set[str] = set()
        skipped: dict[str, int] = {}
        for el in [] if sources_el is None else list(sources_el):
            if not isinstance(el.tag, str):
                continue
            kind = local(el)
            if kind in _NON_TEXT_SOURCES:
                skipped[kind] = skipped.get(kind, 0) + 1
                continue
            if kind != "TextSource":
                continue
            source = self._read_text_source(el)
            if source.guid in seen:
                raise self.fail(f"source GUID {source.guid} is used twice")
            seen.add(source.guid)
            out.append(source)
        for kind, n in skipped.items():
            self.warnings.append(f"{n} {kind} source(s) not imported: coder holds text only")
        return out

    def _read_text_source(self, el: etree._Element) -> RawSource:
        guid = norm_guid(el.get("guid"))
        if guid is None:
            raise self.fail("a <TextSource> has no guid")
        name = " ".join((el.get("name") or "").split()) or f"source {guid[:8]}"
        owner = f"source {name!r}"
        if child(el, "PlainTextContent") is not None:
            raw, bom, text_path = child_text(el, "PlainTextContent"), False, None
        elif el.get("plainTextPath"):
            raw, bom = self._source_text(el.get("plainTextPath", ""), owner)
            text_path = "sources/" + el.get("plainTextPath", "").partition("://")[2]
        else:
            raise self.fail(f"{owner} has neither PlainTextContent nor plainTextPath")
        try:
            text = normalise_text(raw)
        except ValueError as exc:
            raise self.fail(f"{owner}: {exc}") from None
        source = RawSource(
            guid=guid,
            name=name,
            raw=raw,
            text=text,
            bom=bom,
            text_path=text_path,
            user=norm_guid(el.get("creatingUser")),
        )
        source.attributes = self._variable_values(el, owner)
        for ref in children(el, "NoteRef"):
            source.note_refs.append(self._note_target(ref, NoteTarget.SOURCE, guid))
        for sel in children(el, "PlainTextSelection"):
            source.selections.append(self._read_selection(sel, owner))
        whole = children(el, "Coding")
        if whole:
            # A coding of the whole source: a selection from start to end.
            selection = RawSelection(f"{guid}:whole", 0, -1, source.user, [], [], {})
            for coding in whole:
                self._read_coding(coding, selection, owner)
            source.selections.append(selection)
        return source

    def _read_selection(self, el: etree._Element, owner: str) -> RawSelection:
        guid = norm_guid(el.get("guid"))
        if guid is None:
            raise self.fail(f"{owner}: a selection has no guid")
        try:
            start, end = int(el.get("startPosition", "")), int(el.get("endPosition", ""))
        except ValueError:
            raise self.fail(f"{owner}: selection {guid} has no valid start/end positions") from None
        if start < 0 or end < start:
            raise self.fail(f"{owner}: selection {guid} has positions {start}-{end}")
        selection = RawSelection(guid, start, end, norm_guid(el.get("creatingUser")), [], [], {})
        for coding in children(el, "Coding"):
            self._read_coding(coding, selection, owner)
        for ref in children(el, "NoteRef"):
            selection.note_refs.append(self._note_target(ref, NoteTarget.SELECTION, guid))
        return selection

    def _read_coding(self, el: etree._Element, selection: RawSelection, owner: str) -> None:
        guid = norm_guid(el.get("guid")) or f"{selection.guid}:{len(selection.codings)}"
        ref = child(el, "CodeRef")
        code = norm_guid(None if ref is None else ref.get("targetGUID"))
        if code is None:
            raise self.fail(f"{owner}: coding {guid} has no CodeRef")
        selection.codings.append(
            RefiCoding(guid=guid, code_guid=code, user_guid=norm_guid(el.get("creatingUser")))
        )
        for note_ref in children(el, "NoteRef"):
            self._note_target(note_ref, NoteTarget.CODING, guid)

    def _apply_cases(self, sources: list[RawSource]) -> None:
        """Variables of a case (NVivo and ATLAS.ti keep attributes there) go to its sources."""
        cases_el = child(self.root, "Cases")
        by_guid = {s.guid: s for s in sources}
        for case in [] if cases_el is None else children(cases_el, "Case"):
            name = case.get("name") or case.get("guid") or "?"
            values = self._variable_values(case, f"case {name!r}")
            for ref in children(case, "SourceRef"):
                target = norm_guid(ref.get("targetGUID"))
                if target not in by_guid:
                    raise self.fail(
                        f"case {name!r} refers to source {target}, which does not exist"
                    )
                for key, value in values.items():
                    by_guid[target].attributes.setdefault(key, value)

    def _check_references(self, sources: list[RawSource], known_codes: Collection[str]) -> None:
        for source in sources:
            for sel in source.selections:
                if sel.user is not None and sel.user not in self.users:
                    raise self.fail(f"selection {sel.guid}: unknown creating user {sel.user}")
                for coding in sel.codings:
                    if coding.code_guid not in known_codes:
                        raise self.fail(
                            f"coding {coding.guid} refers to code {coding.code_guid},"
                            " which is not in the codebook"
                        )
                    if coding.user_guid is not None and coding.user_guid not in self.users:
                        raise self.fail(
                            f"coding {coding.guid}: unknown creating user {coding.user_guid}"
                        )
