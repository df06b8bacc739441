"""Reading REFI-QDA projects (``.qdpx``, or a bare ``project.qde``) as NVivo, ATLAS.ti, MAXQDA,
QualCoder, Taguette, qc and ``coder`` write them.

Liberal in what it accepts (any QDA-XML namespace version, ``Sources/`` or ``sources/``, text
paths with or without ``internal://``, BOMs and CRLF in the text files, UTF-16 positions,
selections without codings, odd colours) and strict about what could corrupt a project:
unsafe archives and paths, DTDs and entities, GUIDs that point nowhere and positions outside
the text are refused with an :class:`InputError` naming the file and the problem, before
anything is returned. A bare ``.qde`` whose text file is absent loses that source, with a
warning naming it.
"""

from __future__ import annotations

import codecs
import zipfile
from collections.abc import Collection
from pathlib import Path

from lxml import etree

from coder.domain.codebook import Codebook
from coder.domain.documents import AttributeValue
from coder.errors import InputError
from coder.io._common import FormatProblem, decode_text
from coder.io._speakers import SPEAKERS_AUTO, find_turns
from coder.io.inputs import checked_input
from coder.io.normalise import normalise_text
from coder.io.refi._xml import child, child_text, children, local, norm_guid
from coder.io.refi.codebook import describe_sets, read_codes, read_sets
from coder.io.refi.model import (
    NoteTarget,
    RefiCoding,
    RefiNote,
    RefiProject,
    RefiSet,
    RefiUser,
    RefiVariable,
    VariableType,
)
from coder.io.refi.project_files import (
    ArchiveFiles,
    FolderFiles,
    ProjectFiles,
    TextMissing,
    bare_project_root,
    name_from_path,
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


def read_qdpx(path: Path, *, speakers: str = SPEAKERS_AUTO) -> RefiProject:
    """Read a ``.qdpx`` archive, or a bare ``.qde`` file with its texts inline or in its folder,
    into a :class:`RefiProject` with positions in code points of the normalised text. Raises
    :class:`InputError` (file and problem, one line) for anything unsafe or inconsistent.

    Each source's speaker turns are found as in any running text (``speakers``: ``auto``,
    ``none`` or a pattern; see :func:`coder.io.documents.read_documents`).
    """
    label = str(path)
    checked_input(path, what="a REFI-QDA project file")  # a FIFO or a device: never opened
    if path.suffix.lower() == ".qde" and not zipfile.is_zipfile(path):
        project = _Reader(label, FolderFiles(path.parent, label), bare_project_root(path)).read()
    else:
        project = _read_archive(path)
    try:
        for source in project.sources:
            source.turns = find_turns(source.text, speakers)
    except FormatProblem as exc:
        raise InputError(label, exc.problem) from None
    return project


def _read_archive(path: Path) -> RefiProject:
    label = str(path)
    with SafeArchive.open(path) as archive:
        info = archive.find("project.qde")
        if info is None:
            raise InputError(label, "no project.qde in the archive: not a REFI-QDA project")
        root = parse_xml(archive.read(info), f"{label}:{info.filename}")
        if local(root) != "Project":
            raise InputError(label, f"project.qde has root <{local(root)}>, not <Project>")
        return _Reader(label, ArchiveFiles(archive, label), root).read()


class _Reader:
    def __init__(self, label: str, files: ProjectFiles, root: etree._Element) -> None:
        self.label = label
        self.files = files
        self.root = root
        self.warnings: list[str] = []
        self.users: dict[str, str] = {}
        self.variables: dict[str, RefiVariable] = {}
        self.note_targets: dict[str, tuple[NoteTarget, str | None]] = {}
        #: Sources that are in the file but not imported (pictures, media, absent texts).
        self.not_imported: set[str] = set()

    def fail(self, problem: str) -> InputError:
        return InputError(self.label, problem)

    def read(self) -> RefiProject:
        origin = self.root.get("origin") or ""
        self._read_users()
        codebook_el = child(self.root, "CodeBook")
        not_codable: set[str] = set()
        codes, code_guids = read_codes(
            None if codebook_el is None else child(codebook_el, "Codes"),
            self.label,
            self.warnings,
            not_codable,
        )
        self._collect_code_notes(codebook_el)
        self._read_variables()
        raw_sources = self._read_sources()
        sets = self._sets(code_guids.keys(), {s.guid for s in raw_sources})
        self.warnings.extend(describe_sets(sets, code_guids))
        self._apply_cases(raw_sources)
        for ref in children(self.root, "NoteRef"):
            self._note_target(ref, NoteTarget.PROJECT, None)
        notes = self._read_notes()
        for part in ("Link", "Graph"):  # coder has no links between items and no diagrams
            found = child(self.root, part + "s")
            if n := len(children(found, part)) if found is not None else 0:
                self.warnings.append(f"{n} {part.lower()}(s) not kept")
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
            not_codable=not_codable,
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
                owner = f"note {name or guid!r}"
                try:
                    raw, _, _ = self._source_text(el.get("plainTextPath", ""), owner)
                except TextMissing as missing:
                    self.warnings.append(f"{owner}: {missing}: not imported")
                    continue
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

    def _source_text(self, path_attr: str, owner: str) -> tuple[str, bool, str]:
        """(decoded text with its line ends, whether the file had a byte-order mark, where it
        is); :class:`TextMissing` when a bare ``.qde``'s file is absent."""
        found = self.files.text(path_attr, owner)
        try:
            raw = decode_text(found.data)
        except FormatProblem as exc:
            raise self.fail(f"{found.name}: {exc.problem}") from None
        return raw, found.data.startswith(_BOMS), found.name

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
                self.not_imported.update(g for g in [norm_guid(el.get("guid"))] if g)
                continue
            if kind != "TextSource":
                continue
            source = self._read_text_source(el)
            if source is None:
                continue
            if source.guid in seen:
                raise self.fail(f"source GUID {source.guid} is used twice")
            seen.add(source.guid)
            out.append(source)
        for kind, n in skipped.items():
            self.warnings.append(f"{n} {kind} source(s) not imported: coder holds text only")
        return out

    def _read_text_source(self, el: etree._Element) -> RawSource | None:
        """The source, or None when a bare ``.qde``'s text file is absent (with a warning)."""
        guid = norm_guid(el.get("guid"))
        if guid is None:
            raise self.fail("a <TextSource> has no guid")
        path_attr = el.get("plainTextPath") or ""
        name = (
            " ".join((el.get("name") or "").split())
            or name_from_path(path_attr)
            or f"source {guid[:8]}"
        )
        owner = f"source {name!r}"
        text_path: str | None = None
        if child(el, "PlainTextContent") is not None:
            raw, bom = child_text(el, "PlainTextContent"), False
        elif path_attr:
            try:
                raw, bom, text_path = self._source_text(path_attr, owner)
            except TextMissing as missing:
                self.warnings.append(f"{owner}: {missing}: not imported")
                self.not_imported.add(guid)
                return None
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
                if target in self.not_imported:
                    continue
                if target not in by_guid:
                    raise self.fail(
                        f"case {name!r} refers to source {target}, which does not exist"
                    )
                for key, value in values.items():
                    by_guid[target].attributes.setdefault(key, value)

    def _sets(self, codes: Collection[str], sources: Collection[str]) -> list[RefiSet]:
        """The file's sets, every member checked; members not imported are named in a warning."""
        sets = read_sets(self.root)
        for s in sets:
            for g in s.member_code_guids:
                if g not in codes:
                    raise self.fail(f"set {s.name!r} names code {g}, which does not exist")
            for g in s.member_source_guids:
                if g not in sources and g not in self.not_imported:
                    raise self.fail(f"set {s.name!r} names source {g}, which does not exist")
            left_out = sum(g not in sources for g in s.member_source_guids)
            if left_out:
                self.warnings.append(
                    f"set {s.name!r}: {left_out} member source(s) not imported are left out"
                )
        return sets

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
