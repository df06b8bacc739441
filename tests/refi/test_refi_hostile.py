"""Hostile and inconsistent archives are refused with one clear line, and nothing is written."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from coder.db.engine import Store
from coder.errors import InputError
from coder.io.refi import read_qdpx, safety
from coder.services.exports.refi_import import import_refi_project
from tests.dbdump import dump
from tests.refi.refi_helpers import CODE, SOURCE, USER, make_archive, project_xml

XXE = (
    '<?xml version="1.0"?>\n<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    '<Project xmlns="urn:QDA-XML:project:1.0" name="&x;"/>'
)
LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + ']>\n<Project xmlns="urn:QDA-XML:project:1.0" name="&lol9;"/>'
)
# The same, with its encoding declared as UTF-16 so the byte scan cannot see the DOCTYPE.
XXE_UTF16 = XXE.replace('version="1.0"', 'version="1.0" encoding="UTF-16"').encode("utf-16")


def _selection(start: int, end: int, code: str = CODE, user: str = USER) -> str:
    return (
        '<PlainTextSelection guid="44444444-4444-4444-4444-444444444444"'
        f' startPosition="{start}" endPosition="{end}">'
        f'<Coding guid="55555555-5555-5555-5555-555555555555" creatingUser="{user}">'
        f'<CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>'
    )


OTHER = "99999999-9999-9999-9999-999999999999"

CASES: dict[str, tuple[dict[str, bytes | str] | None, str | None, str]] = {
    # name: (members, project xml, expected problem)
    "zip slip": (
        {"project.qde": project_xml(), "../../evil.txt": "x"},
        None,
        "escapes the archive folder",
    ),
    "zip slip inside sources": (
        {"project.qde": project_xml(), "sources/../../evil.txt": "x"},
        None,
        "escapes the archive folder",
    ),
    "absolute path": ({"project.qde": project_xml(), "/etc/cron.d/x": "x"}, None, "absolute"),
    "windows drive path": ({"project.qde": project_xml(), "C:\\x.txt": "x"}, None, "absolute"),
    "XXE": ({"project.qde": XXE}, None, "DOCTYPE"),
    "XXE in UTF-16": ({"project.qde": XXE_UTF16}, None, "DOCTYPE|entit"),
    "billion laughs": ({"project.qde": LAUGHS}, None, "DOCTYPE"),
    "missing project.qde": ({f"sources/{SOURCE}.txt": "x"}, None, "no project.qde"),
    "missing source text": ({"project.qde": project_xml()}, None, "missing from the archive"),
    "text path escaping sources": (
        None,
        project_xml(text_path="internal://../project.qde"),
        "leaves the sources folder",
    ),
    "text outside the archive": (
        None,
        project_xml(text_path="absolute:///etc/passwd"),
        "outside the archive",
    ),
    "coding to unknown code": (
        None,
        project_xml(selections=_selection(0, 5, code=OTHER)),
        "not in the codebook",
    ),
    "unknown user": (
        None,
        project_xml(selections=_selection(0, 5, user=OTHER)),
        "unknown creating user",
    ),
    "case on unknown source": (
        None,
        project_xml(
            extra=f'<Cases><Case guid="{OTHER}" name="P1"><SourceRef targetGUID="{CODE}"/>'
            "</Case></Cases>"
        ),
        "does not exist",
    ),
    "note ref to nothing": (
        None,
        project_xml(extra=f'<NoteRef targetGUID="{OTHER}"/>'),
        "does not exist",
    ),
    "position past the end": (None, project_xml(selections=_selection(5, 500)), "outside the text"),
    "negative position": (None, project_xml(selections=_selection(-3, 2)), "positions -3-2"),
    "binary text": (
        {"project.qde": project_xml(), f"sources/{SOURCE}.txt": b"ab\x00\x01cd"},
        None,
        "binary|NUL",
    ),
}


def _build(tmp_path: Path, name: str) -> Path:
    members, xml, _ = CASES[name]
    path = tmp_path / "hostile.qdpx"
    if members is not None:
        return make_archive(path, members)
    return make_archive(path, xml=xml)


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_archive_is_refused_with_one_line(tmp_path: Path, name: str) -> None:
    path = _build(tmp_path, name)
    with pytest.raises(InputError, match=CASES[name][2]) as info:
        read_qdpx(path)
    message = str(info.value)
    assert message.startswith(str(path)) and "\n" not in message


def test_the_sane_archive_the_cases_derive_from_is_accepted(tmp_path: Path) -> None:
    project = read_qdpx(make_archive(tmp_path / "ok.qdpx"))
    assert [(s.start, s.end) for s in project.selections] == [(0, 5)]


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "x.qdpx"
    path.write_text("<Project/>", encoding="utf-8")
    with pytest.raises(InputError, match="not a zip archive"):
        read_qdpx(path)


def test_too_many_members(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safety, "MAX_MEMBERS", 5)
    members: dict[str, bytes | str] = {f"sources/{i}.txt": "x" for i in range(6)}
    with pytest.raises(InputError, match="6 members"):
        read_qdpx(make_archive(tmp_path / "many.qdpx", members))


def test_unpacked_size_over_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safety, "MAX_UNPACKED_BYTES", 10_000)
    members: dict[str, bytes | str] = {"project.qde": project_xml(), "sources/big.txt": "ab" * 6000}
    with pytest.raises(InputError, match="unpacks to more than"):
        read_qdpx(make_archive(tmp_path / "big.qdpx", members))


def test_zip_bomb_ratio(tmp_path: Path) -> None:
    members: dict[str, bytes | str] = {
        "project.qde": project_xml(),
        "sources/z.txt": b"\0" * 5_000_000,
    }
    with pytest.raises(InputError, match="zip bomb"):
        read_qdpx(make_archive(tmp_path / "bomb.qdpx", members))


def test_limits_are_generous_for_real_projects() -> None:
    assert safety.MAX_UNPACKED_BYTES == 2 * 1024**3
    assert safety.MAX_MEMBERS == 10_000


@pytest.mark.parametrize(
    "name", ["zip slip", "XXE", "coding to unknown code", "position past the end"]
)
def test_service_import_of_a_hostile_archive_writes_nothing(
    store: Store, tmp_path: Path, name: str
) -> None:
    before = dump(store)
    with pytest.raises(InputError):
        import_refi_project(store, _build(tmp_path, name), actor="tester")
    assert dump(store) == before


def test_failure_half_way_rolls_the_whole_import_back(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Documents, codes and codings are written before the memos: a failure there undoes all."""
    import coder.services.exports.refi_import as exchange

    def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(exchange, "_import_notes", explode)
    before = dump(store)
    with pytest.raises(RuntimeError):
        import_refi_project(store, make_archive(tmp_path / "ok.qdpx"), actor="tester")
    assert dump(store) == before


def test_zip_member_names_are_checked_before_anything_is_read(tmp_path: Path) -> None:
    path = make_archive(tmp_path / "slip.qdpx", {"project.qde": "not even xml", "a/../../b": "x"})
    with zipfile.ZipFile(path) as zf:
        assert "a/../../b" in zf.namelist()
    with pytest.raises(InputError, match="escapes"):
        read_qdpx(path)
