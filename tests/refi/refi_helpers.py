"""Helpers for the REFI-QDA tests: fixture paths and hand-made archives."""

from __future__ import annotations

import zipfile
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
NVIVO = FIXTURES / "oltas0517.qdpx"
ATLAS_QDC = FIXTURES / "atlasti-23.4.0-codebook.qdc"
TAGUETTE_QDC = FIXTURES / "taguette-codebook-from-tests.qdc"

USER = "11111111-1111-1111-1111-111111111111"
CODE = "22222222-2222-2222-2222-222222222222"
SOURCE = "33333333-3333-3333-3333-333333333333"


def project_xml(
    *,
    selections: str | None = None,
    users: str | None = None,
    codes: str | None = None,
    text_path: str = f"internal://{SOURCE}.txt",
    origin: str = "test",
    extra: str = "",
) -> str:
    """A small project.qde: one user, one code, one text source with one coded selection."""
    if users is None:
        users = f'<Users><User guid="{USER}" name="Ann"/></Users>'
    if codes is None:
        codes = (
            f'<CodeBook><Codes><Code guid="{CODE}" name="Money" isCodable="true"/>'
            "</Codes></CodeBook>"
        )
    if selections is None:
        selections = (
            '<PlainTextSelection guid="44444444-4444-4444-4444-444444444444"'
            f' startPosition="0" endPosition="5" creatingUser="{USER}">'
            f'<Coding guid="55555555-5555-5555-5555-555555555555" creatingUser="{USER}">'
            f'<CodeRef targetGUID="{CODE}"/></Coding></PlainTextSelection>'
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<Project xmlns="urn:QDA-XML:project:1.0" name="t" origin="{origin}">'
        f"{users}{codes}"
        f'<Sources><TextSource guid="{SOURCE}" name="interview" plainTextPath="{text_path}">'
        f"{selections}</TextSource></Sources>{extra}</Project>"
    )


def make_archive(
    path: Path,
    members: dict[str, bytes | str] | None = None,
    *,
    text: str = "Funds were short.\n",
    xml: str | None = None,
) -> Path:
    """A .qdpx at ``path``: ``members`` as given, else project.qde plus the source text."""
    if members is None:
        members = {"project.qde": xml or project_xml(), f"sources/{SOURCE}.txt": text}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return path
