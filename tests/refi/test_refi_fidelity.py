"""REFI-QDA fidelity: what a project file says survives import -> export -> import.

Sources stay one document each (never merged because their texts are equal), GUIDs of sources,
codes and document sets, the project's name and non-codable codes are given back on export;
MAXQDA's document sets, a bare ``project.qde`` and qc's relative text paths import. Every
export is checked against the official schema.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select

from coder.db.engine import Store
from coder.db.models import (
    Code,
    Coding,
    Document,
    DocumentAttribute,
    DocumentSet,
    DocumentSetMember,
    Unit,
)
from coder.domain.documents import AttributeValue
from coder.errors import InputError
from coder.io.refi import read_qdc_document, read_qdpx, schema_errors
from coder.services.documents.corpus import decode_attribute, import_files
from coder.services.exports.refi_export import export_refi_codebook, export_refi_project
from coder.services.exports.refi_import import import_refi_codebook, import_refi_project
from coder.services.project.lifecycle import create_project, get_settings
from tests.refi.refi_helpers import ATLAS_QDC, NVIVO, TAGUETTE_QDC, make_archive

REPO = Path(__file__).resolve().parents[2]
HAND_AUTHORED = REPO / "tests/fixtures/refi/qdpx-toolkit-hand-authored/project.qde"
NS = "{urn:QDA-XML:project:1.0}"


# -- helpers -------------------------------------------------------------------------------


def _exported(store: Store, path: Path) -> etree._Element:
    """Export ``store`` to ``path`` and return its project.qde, checked against the schema."""
    export_refi_project(store, path)
    with zipfile.ZipFile(path) as zf:
        qde = zf.read("project.qde")
    assert schema_errors(qde, "project") == []
    return etree.fromstring(qde)


def _documents(store: Store) -> dict[str, tuple[str | None, dict[str, AttributeValue], str]]:
    """Document name -> (GUID, attributes, text)."""
    with store.read() as session:
        out = {}
        for doc in session.scalars(select(Document).order_by(Document.id)):
            rows = session.scalars(
                select(DocumentAttribute).where(DocumentAttribute.document_id == doc.id)
            )
            attrs = {a.key: decode_attribute(a.value_type, a.value) for a in rows}
            out[doc.name] = (doc.guid, attrs, doc.text)
        return out


def _codes(store: Store) -> dict[str, tuple[str | None, bool]]:
    """Code name -> (GUID, codable)."""
    with store.read() as session:
        return {c.name: (c.guid, c.codable) for c in session.scalars(select(Code))}


def _sets(store: Store) -> dict[str, tuple[str | None, str, list[str]]]:
    """Document set name -> (GUID, description, member document names)."""
    with store.read() as session:
        names = dict(session.execute(select(Document.id, Document.name)).all())
        out = {}
        for row in session.scalars(select(DocumentSet).order_by(DocumentSet.id)):
            members = session.scalars(
                select(DocumentSetMember.document_id).where(DocumentSetMember.set_id == row.id)
            )
            out[row.name] = (row.guid, row.description, sorted(names[m] for m in members))
        return out


def _turns(store: Store) -> dict[str, list[tuple[int, int, str | None]]]:
    with store.read() as session:
        names = dict(session.execute(select(Document.id, Document.name)).all())
        out: dict[str, list[tuple[int, int, str | None]]] = {}
        for u in session.scalars(select(Unit).where(Unit.kind == "turn").order_by(Unit.start)):
            out.setdefault(names[u.document_id], []).append((u.start, u.end, u.speaker))
        return out


def _fresh(tmp_path: Path, name: str) -> Store:
    return create_project(tmp_path / f"{name}.db", name=name)


# -- the real samples ----------------------------------------------------------------------


@pytest.mark.slow
def test_nvivo_project_round_trip_keeps_guids_codability_and_project_name(
    store: Store, tmp_path: Path
) -> None:
    original = read_qdpx(NVIVO)
    import_refi_project(store, NVIVO, actor="tester")
    assert get_settings(store).name == "Untitled"
    root = _exported(store, tmp_path / "again.qdpx")
    assert root.get("name") == "Untitled"
    sources = {el.get("guid"): el.get("name") for el in root.iter(f"{NS}TextSource")}
    assert sources == {s.guid: s.name for s in original.sources}
    codes = {el.get("guid"): el.get("isCodable") for el in root.iter(f"{NS}Code")}
    assert set(codes) == set(original.code_guids)
    assert {g for g, c in codes.items() if c == "false"} == original.not_codable != set()
    again = _fresh(tmp_path, "again")
    try:
        import_refi_project(again, tmp_path / "again.qdpx", actor="tester")
        assert _documents(again) == _documents(store)
        assert _codes(again) == _codes(store)
        assert get_settings(again).name == "Untitled"
    finally:
        again.dispose()


@pytest.mark.parametrize("sample", [ATLAS_QDC, TAGUETTE_QDC], ids=["atlas.ti", "taguette"])
def test_codebook_round_trip_keeps_code_guids_and_names(
    store: Store, tmp_path: Path, sample: Path
) -> None:
    original = read_qdc_document(sample)
    import_refi_codebook(store, sample, actor="tester")
    path = tmp_path / "again.qdc"
    export_refi_codebook(store, path)
    assert schema_errors(path.read_bytes(), "codebook") == []
    again = read_qdc_document(path)
    assert again.code_guids == original.code_guids
    assert again.not_codable == set()


def test_codebook_keeps_non_codable_folders(store: Store, tmp_path: Path) -> None:
    book = tmp_path / "folders.qdc"
    book.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="NVivo 14">'
        '<Codes><Code guid="{AAAAAAAA-0000-4000-8000-000000000001}" name="Topics"'
        ' isCodable="false"><Code guid="aaaaaaaa-0000-4000-8000-000000000002" name="Health"'
        ' isCodable="true"/></Code></Codes></CodeBook>',
        encoding="utf-8",
    )
    assert schema_errors(book.read_bytes(), "codebook") == []
    import_refi_codebook(store, book, actor="tester")
    assert _codes(store) == {
        "Topics": ("aaaaaaaa-0000-4000-8000-000000000001", False),
        "Health": ("aaaaaaaa-0000-4000-8000-000000000002", True),
    }
    out = tmp_path / "out.qdc"
    export_refi_codebook(store, out)
    assert schema_errors(out.read_bytes(), "codebook") == []
    root = etree.fromstring(out.read_bytes())
    codes = {el.get("name"): el.get("isCodable") for el in root.iter()}
    assert codes["Topics"] == "false" and codes["Health"] == "true"


# -- sources are never merged --------------------------------------------------------------

SURVEY_QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Survey 2024" origin="NVivo for Mac 15.0">
  <Variables>
    <Variable guid="30000000-0000-4000-8000-000000000001" name="respondent"
              typeOfVariable="Text"/>
  </Variables>
  <Sources>
    <TextSource guid="40000000-0000-4000-8000-000000000001" name="Q1 answer"
                plainTextPath="internal://40000000-0000-4000-8000-000000000001.txt">
      <VariableValue><VariableRef targetGUID="30000000-0000-4000-8000-000000000001"/>
        <TextValue>R-101</TextValue></VariableValue>
    </TextSource>
    <TextSource guid="40000000-0000-4000-8000-000000000002" name="Q1 answer"
                plainTextPath="internal://40000000-0000-4000-8000-000000000002.txt">
      <VariableValue><VariableRef targetGUID="30000000-0000-4000-8000-000000000001"/>
        <TextValue>R-102</TextValue></VariableValue>
    </TextSource>
  </Sources>
</Project>
"""


def test_two_sources_with_the_same_text_and_name_stay_two_documents(
    store: Store, tmp_path: Path
) -> None:
    assert schema_errors(SURVEY_QDE.encode(), "project") == []
    path = make_archive(
        tmp_path / "survey.qdpx",
        {
            "project.qde": SURVEY_QDE,
            "sources/40000000-0000-4000-8000-000000000001.txt": "No",
            "sources/40000000-0000-4000-8000-000000000002.txt": "No",
        },
    )
    report = import_refi_project(store, path, actor="tester")
    assert report.documents == ["Q1 answer", "Q1 answer (2)"]
    assert any("Q1 answer (2)" in w for w in report.warnings)
    assert _documents(store) == {
        "Q1 answer": ("40000000-0000-4000-8000-000000000001", {"respondent": "R-101"}, "No"),
        "Q1 answer (2)": ("40000000-0000-4000-8000-000000000002", {"respondent": "R-102"}, "No"),
    }
    root = _exported(store, tmp_path / "again.qdpx")
    assert [el.get("guid") for el in root.iter(f"{NS}TextSource")] == [
        "40000000-0000-4000-8000-000000000001",
        "40000000-0000-4000-8000-000000000002",
    ]


# -- MAXQDA document sets ------------------------------------------------------------------

# As MAXQDA 24 writes its document groups: upper-case GUIDs, <Set> with <MemberSource>, a
# group memo as <Description>; and a code set beside them (MemberCode).
MAXQDA_QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" origin="MAXQDA 24 (Release 24.7.0)" name="ICLS themes">
 <Users><User guid="F3EA8DA1-BB99-411F-8ED4-011170237B6C" name="johnb"/></Users>
 <CodeBook><Codes>
  <Code guid="C9E3D7E0-4DBF-46E2-96EF-14574ECD3B90" name="Themes" isCodable="true" color="#ef8256">
   <Code guid="C6C1BE73-B4F4-4C2D-91F1-90B73BFC5C25" name="Affinity spaces" isCodable="true"/>
  </Code>
 </Codes></CodeBook>
 <Sources>
  <TextSource guid="C5E4C960-5296-4FDE-8C63-DEABA4E17F92" name="ICLS 2024 3-10"
   plainTextPath="internal://C5E4C960-5296-4FDE-8C63-DEABA4E17F92.txt"
   creatingUser="F3EA8DA1-BB99-411F-8ED4-011170237B6C"/>
  <TextSource guid="7391D47A-323D-4291-8202-ED599C250828" name="ICLS 2024 11-18"
   plainTextPath="internal://7391D47A-323D-4291-8202-ED599C250828.txt"
   creatingUser="F3EA8DA1-BB99-411F-8ED4-011170237B6C"/>
  <TextSource guid="1C693BD8-FFE2-4398-AB33-0831971751F4" name="ICLS 2025 1007-1015"
   plainTextPath="internal://1C693BD8-FFE2-4398-AB33-0831971751F4.txt"
   creatingUser="F3EA8DA1-BB99-411F-8ED4-011170237B6C"/>
 </Sources>
 <Sets>
  <Set guid="45FE4439-9BF4-47FC-AFAF-D87305293172" name="ICLS 2024">
   <Description>Papers of the 2024 conference</Description>
   <MemberSource targetGUID="C5E4C960-5296-4FDE-8C63-DEABA4E17F92"/>
   <MemberSource targetGUID="7391D47A-323D-4291-8202-ED599C250828"/>
  </Set>
  <Set guid="FEEDCF5C-1D45-4CE1-B551-586A9CD14F09" name="ICLS 2025">
   <MemberSource targetGUID="1C693BD8-FFE2-4398-AB33-0831971751F4"/>
  </Set>
  <Set guid="0097ADFA-F7EC-4386-ADBA-6C791BA205B5" name="Code set: themes">
   <MemberCode targetGUID="C6C1BE73-B4F4-4C2D-91F1-90B73BFC5C25"/>
  </Set>
 </Sets>
</Project>
"""
MAXQDA_TEXTS = {
    "C5E4C960-5296-4FDE-8C63-DEABA4E17F92": "Mapping the complexity of learning.",
    "7391D47A-323D-4291-8202-ED599C250828": "Makerspaces as affinity spaces.",
    "1C693BD8-FFE2-4398-AB33-0831971751F4": "Teacher noticing in science classrooms.",
}


def maxqda_archive(path: Path) -> Path:
    members: dict[str, bytes | str] = {"project.qde": MAXQDA_QDE}
    members.update({f"sources/{g}.txt": text for g, text in MAXQDA_TEXTS.items()})
    return make_archive(path, members)


def test_maxqda_document_sets_import_as_sets_and_export_as_member_sources(
    store: Store, tmp_path: Path
) -> None:
    assert schema_errors(MAXQDA_QDE.encode(), "project") == []
    report = import_refi_project(store, maxqda_archive(tmp_path / "m.qdpx"), actor="tester")
    assert _sets(store) == {
        "ICLS 2024": (
            "45fe4439-9bf4-47fc-afaf-d87305293172",
            "Papers of the 2024 conference",
            ["ICLS 2024 11-18", "ICLS 2024 3-10"],
        ),
        "ICLS 2025": ("feedcf5c-1d45-4ce1-b551-586a9cd14f09", "", ["ICLS 2025 1007-1015"]),
    }
    # The code set is no document set; it is named in a warning, not called a document set.
    assert [w for w in report.warnings if "set" in w] == [
        "code group 'Code set: themes' (Themes/Affinity spaces) not kept: coder has no code groups"
    ]
    root = _exported(store, tmp_path / "again.qdpx")
    sets = {
        el.get("guid"): (
            el.get("name"),
            el.findtext(f"{NS}Description"),
            [m.get("targetGUID") for m in el.iter(f"{NS}MemberSource")],
        )
        for el in root.iter(f"{NS}Set")
    }
    assert sets == {
        "45fe4439-9bf4-47fc-afaf-d87305293172": (
            "ICLS 2024",
            "Papers of the 2024 conference",
            ["c5e4c960-5296-4fde-8c63-deaba4e17f92", "7391d47a-323d-4291-8202-ed599c250828"],
        ),
        "feedcf5c-1d45-4ce1-b551-586a9cd14f09": (
            "ICLS 2025",
            None,
            ["1c693bd8-ffe2-4398-ab33-0831971751f4"],
        ),
    }
    assert root.get("name") == "ICLS themes"
    again = _fresh(tmp_path, "again")
    try:
        import_refi_project(again, tmp_path / "again.qdpx", actor="tester")
        assert _sets(again) == _sets(store)
        assert _documents(again) == _documents(store)
    finally:
        again.dispose()


def test_a_set_naming_a_source_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    xml = MAXQDA_QDE.replace(
        'targetGUID="1C693BD8-FFE2-4398-AB33-0831971751F4"/>\n  </Set>',
        'targetGUID="99999999-9999-4999-8999-999999999999"/>\n  </Set>',
    )
    members: dict[str, bytes | str] = {"project.qde": xml}
    members.update({f"sources/{g}.txt": text for g, text in MAXQDA_TEXTS.items()})
    with pytest.raises(InputError, match="names source 99999999"):
        read_qdpx(make_archive(tmp_path / "m.qdpx", members))


# -- a bare project.qde --------------------------------------------------------------------


def test_a_bare_qde_imports_with_its_texts_beside_it_and_round_trips(
    store: Store, tmp_path: Path
) -> None:
    report = import_refi_project(store, HAND_AUTHORED, actor="tester")
    assert report.documents == ["Interview 1.txt"] and report.codings == 2
    assert _documents(store) == {
        "Interview 1.txt": (
            "40000000-0000-0000-0000-000000000001",
            {"Age": 34, "Consented": True},
            "Diet and health are closely linked in this interview.",
        )
    }
    assert _codes(store) == {
        "Topics": ("20000000-0000-0000-0000-000000000001", False),
        "Health": ("20000000-0000-0000-0000-000000000002", True),
        "Diet": ("20000000-0000-0000-0000-000000000003", True),
        "Wellbeing": ("20000000-0000-0000-0000-000000000004", True),
    }
    assert _sets(store) == {
        "Diet-related": ("c0000000-0000-0000-0000-000000000001", "", ["Interview 1.txt"])
    }
    assert get_settings(store).name == "Sample Study"
    for kind in ("PictureSource", "PDFSource", "AudioSource", "VideoSource"):
        assert f"1 {kind} source(s) not imported: coder holds text only" in report.warnings
    assert "1 link(s) not kept" in report.warnings

    root = _exported(store, tmp_path / "again.qdpx")
    assert root.get("name") == "Sample Study"
    codable = {el.get("guid"): el.get("isCodable") for el in root.iter(f"{NS}Code")}
    assert codable["20000000-0000-0000-0000-000000000001"] == "false"
    assert [el.get("guid") for el in root.iter(f"{NS}TextSource")] == [
        "40000000-0000-0000-0000-000000000001"
    ]
    again = _fresh(tmp_path, "again")
    try:
        import_refi_project(again, tmp_path / "again.qdpx", actor="tester")
        assert _documents(again) == _documents(store)
        assert _codes(again) == _codes(store)
        assert _sets(again) == _sets(store)
    finally:
        again.dispose()


def _bare(folder: Path, sources: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "project.qde"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<Project xmlns="urn:QDA-XML:project:1.0" name="bare"><Sources>{sources}</Sources>'
        "</Project>",
        encoding="utf-8",
    )
    return path


def _source(n: int, *, path: str | None = None, inline: str | None = None) -> str:
    guid = f"4000000{n}-0000-4000-8000-000000000000"
    body = f"<PlainTextContent>{inline}</PlainTextContent>" if inline is not None else ""
    attr = f' plainTextPath="{path}"' if path is not None else ""
    return f'<TextSource guid="{guid}" name="s{n}"{attr}>{body}</TextSource>'


def test_a_bare_qde_with_texts_inline_missing_or_elsewhere(store: Store, tmp_path: Path) -> None:
    (tmp_path / "p" / "Sources").mkdir(parents=True)
    (tmp_path / "p" / "Sources" / "two.txt").write_text("Two is in Sources/.", encoding="utf-8")
    qde = _bare(
        tmp_path / "p",
        _source(1, inline="One is inline.")
        + _source(2, path="internal://two.txt")
        + _source(3, path="internal://three.txt")
        + _source(4, path="absolute:///etc/hostname"),
    )
    assert schema_errors(qde.read_bytes(), "project") == []
    report = import_refi_project(store, qde, actor="tester")
    assert report.documents == ["s1", "s2"]
    assert {name: text for name, (_, _, text) in _documents(store).items()} == {
        "s1": "One is inline.",
        "s2": "Two is in Sources/.",
    }
    missing = [w for w in report.warnings if "not imported" in w]
    assert len(missing) == 2
    assert "'s3'" in missing[0] and "sources/three.txt" in missing[0]
    assert "'s4'" in missing[1] and "outside the project's folder" in missing[1]


def test_a_bare_qde_cannot_reach_outside_its_folder(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    climbing = _bare(tmp_path / "a", _source(1, path="relative:///../secret.txt"))
    with pytest.raises(InputError, match="leaves the project's folder"):
        read_qdpx(climbing)
    xxe = tmp_path / "c" / "project.qde"
    xxe.parent.mkdir()
    xxe.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="&x;"/>',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="DOCTYPE"):
        read_qdpx(xxe)
    linked = _bare(tmp_path / "b", _source(1, path="internal://x.txt"))
    (tmp_path / "b" / "sources").mkdir()
    (tmp_path / "b" / "sources" / "x.txt").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(InputError, match="leads outside the project's folder"):
        read_qdpx(linked)


# -- qc's relative text paths --------------------------------------------------------------

# As qc (cproctor/qualitative-coding, REFIQDAWriter before internal:// paths) writes a project:
# ElementTree output without a declaration, no source names, plainTextPath the file's path
# inside the corpus, the corpus copied to sources/, one selection per coded line.
QC_TEXT = "Interviewer: Why did you join?\nAnn: The grant made it possible.\nAnn: And friends.\n"


def _qc_archive(path: Path, text_path: str, member: str) -> Path:
    lines = QC_TEXT.splitlines(keepends=True)
    start = len(lines[0])
    end = start + len(lines[1])
    qde = (
        '<Project xmlns="urn:QDA-XML:project:1.0" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" origin="qc 1.4.0" '
        'name="qc project"><Users><User name="chris" guid="36376264-3562-3137-3862-373933396331"'
        ' /></Users><CodeBook><Codes><Code name="funding" guid="61393533-3337-6430-6537-'
        '323836613633" isCodable="true" /></Codes></CodeBook><Sources>'
        f'<TextSource plainTextPath="{text_path}" guid="38656664-6163-3262-6264-306434383361">'
        f'<PlainTextSelection guid="63626534-3138-6133-6537-353032393933" name="line:1"'
        f' startPosition="{start}" endPosition="{end}"><Coding'
        ' guid="30646231-6162-6236-6664-353335653662"'
        ' creatingUser="36376264-3562-3137-3862-373933396331"><CodeRef'
        ' targetGUID="61393533-3337-6430-6537-323836613633" /></Coding></PlainTextSelection>'
        "</TextSource></Sources></Project>"
    )
    return make_archive(path, {"project.qde": qde, member: QC_TEXT})


@pytest.mark.parametrize(
    ("text_path", "member"),
    [
        ("interviews/ann.txt", "sources/interviews/ann.txt"),  # qc: the path inside sources/
        ("sources/ann.txt", "sources/ann.txt"),  # other tools: the path from the top
        ("ann.txt", "ann.txt"),
    ],
)
def test_qc_relative_text_paths_inside_the_archive_import(
    store: Store, tmp_path: Path, text_path: str, member: str
) -> None:
    report = import_refi_project(
        store, _qc_archive(tmp_path / "qc.qdpx", text_path, member), actor="tester"
    )
    assert report.documents == ["ann.txt"] and report.codings == 1
    with store.read() as session:
        coding = session.scalars(select(Coding)).one()
        text = session.scalars(select(Document.text)).one()
    assert text[coding.start : coding.end] == "Ann: The grant made it possible.\n"
    assert [s for _, _, s in _turns(store)["ann.txt"]] == ["Interviewer", "Ann", "Ann"]


@pytest.mark.parametrize(
    ("text_path", "problem"),
    [
        ("../ann.txt", "leaves the project's folder"),
        ("sources/../../ann.txt", "leaves the project's folder"),
        ("/etc/passwd", "outside the archive"),
        ("C:\\corpus\\ann.txt", "outside the archive"),
        ("file:///etc/passwd", "outside the archive"),
    ],
)
def test_relative_paths_never_leave_the_archive(
    tmp_path: Path, text_path: str, problem: str
) -> None:
    with pytest.raises(InputError, match=problem):
        read_qdpx(_qc_archive(tmp_path / "qc.qdpx", text_path, "sources/ann.txt"))


# -- speaker turns survive the exchange ----------------------------------------------------

ZOOM_VTT = """WEBVTT

1
00:00:01.000 --> 00:00:04.000
Ann Lee: Thanks for joining us today.

2
00:00:04.500 --> 00:00:08.000
Ben Ode: Happy to be here.

3
00:00:08.500 --> 00:00:12.000
Ann Lee: Let us start with the funding.

4
00:00:12.500 --> 00:00:15.000
<v Ben Ode>The grant made it possible.
"""


def test_subtitle_turns_and_speakers_survive_export_and_re_import(
    store: Store, tmp_path: Path
) -> None:
    vtt = tmp_path / "zoom.vtt"
    vtt.write_text(ZOOM_VTT, encoding="utf-8")
    assert import_files(store, [vtt], actor="tester").imported == ["zoom"]
    before = _turns(store)
    assert [s for _, _, s in before["zoom"]] == ["Ann Lee", "Ben Ode", "Ann Lee", "Ben Ode"]
    _exported(store, tmp_path / "zoom.qdpx")
    again = _fresh(tmp_path, "again")
    try:
        import_refi_project(again, tmp_path / "zoom.qdpx", actor="tester")
        assert _turns(again) == before
    finally:
        again.dispose()
