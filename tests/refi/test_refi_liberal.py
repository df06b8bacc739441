"""What other tools write that the standard does not quite say: read, not refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from coder.io.refi import NoteTarget, read_qdpx
from tests.refi.refi_helpers import CODE, SOURCE, USER, make_archive, project_xml

VAR = "66666666-6666-6666-6666-666666666666"
NOTE = "77777777-7777-7777-7777-777777777777"


def test_bom_crlf_text_uncoded_selection_case_variables_and_selection_note(tmp_path: Path) -> None:
    selections = (
        # Code points over the raw file: "Funds\r\nwere" -> "were" starts at 7 (CRLF counts 2).
        f'<PlainTextSelection guid="{NOTE[:-1]}1" startPosition="7" endPosition="11">'
        f'<Coding guid="{NOTE[:-1]}2" creatingUser="{USER}"><CodeRef targetGUID="{CODE}"/>'
        f'</Coding><NoteRef targetGUID="{NOTE}"/></PlainTextSelection>'
        f'<PlainTextSelection guid="{NOTE[:-1]}3" startPosition="0" endPosition="5"/>'
    )
    extra = (
        f'<Cases><Case guid="{NOTE[:-1]}4" name="P1"><VariableValue><VariableRef'
        f' targetGUID="{VAR}"/><DateValue>2021-03-04Z</DateValue></VariableValue>'
        f'<SourceRef targetGUID="{SOURCE}"/></Case></Cases>'
        f'<Notes><Note guid="{NOTE}" creatingUser="{USER}"><PlainTextContent>why?'
        "</PlainTextContent></Note></Notes>"
    )
    xml = project_xml(selections=selections, extra=extra, origin="MAXQDA 2022")
    xml = xml.replace(
        "<Sources>",
        f'<Variables><Variable guid="{VAR}" name="interviewed" typeOfVariable="Date"/>'
        "</Variables><Sources>",
    )
    path = make_archive(
        tmp_path / "p.qdpx",
        {"project.qde": xml, f"Sources/{SOURCE}.txt": "\ufeffFunds\r\nwere short.\r\n".encode()},
    )
    project = read_qdpx(path)
    (source,) = project.sources
    assert source.text == "Funds\nwere short.\n"
    assert source.attributes == {"interviewed": dt.date(2021, 3, 4)}
    coded, uncoded = project.selections
    assert source.text[coded.start : coded.end] == "were"
    assert not uncoded.codings and source.text[uncoded.start : uncoded.end] == "Funds"
    (note,) = project.notes
    assert (note.target, note.target_guid, note.text) == (NoteTarget.SELECTION, coded.guid, "why?")
