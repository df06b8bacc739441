"""Every CSV and XLSX export of the hostile project, opened by LibreOffice: nothing evaluated.

LibreOffice (headless, a throwaway profile) opens each file as a user's double click would
and saves every sheet as CSV; each cell must read as the file holds it. Each hostile formula
changes what it shows once evaluated (``=1+1`` shows ``2``, the hyperlink shows ``click``),
so one evaluated formula fails the test; a control test shows that this LibreOffice does
evaluate them in an unescaped file. Skipped where ``soffice`` is not installed; the manual
check is in docs/SECURITY.md.
"""

from __future__ import annotations

import csv
import io
import math
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.exports.hostile import DDE, LINK
from tests.exports.test_exports_formulas import (
    CSV_COMMANDS,
    XLSX_COMMANDS,
    export_file,
    hostile,  # noqa: F401 - the fixture
)

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed"),
]
# Comma, double quote, UTF-8, from line 1 (LibreOffice's CSV filter options); on export also:
# no "as shown" formatting, no formulas, every sheet to its own file.
CSV_IN = "CSV:44,34,76,1"
CSV_OUT = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def libreoffice_csv(files: list[Path], out: Path, *, infilter: str | None = None) -> None:
    """Open ``files`` in LibreOffice and save each sheet as ``out/<stem>-<sheet>.csv``."""
    assert SOFFICE is not None
    profile = out.parent / "lo-profile"
    command = [
        SOFFICE,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--convert-to",
        CSV_OUT,
        "--outdir",
        str(out),
    ]
    if infilter:
        command.append(f"--infilter={infilter}")
    done = subprocess.run(
        [*command, *map(str, files)], capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, done.stderr


def rows_of(path: Path, encoding: str = "utf-8") -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding=encoding), newline="")))
    # LibreOffice pads rows to the sheet's width; an empty cell is an empty cell.
    return [_trimmed(row) for row in rows if any(row)]


def _trimmed(row: list[str]) -> list[str]:
    while row and row[-1] == "":
        row = row[:-1]
    return row


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    return str(value)


def same_cell(shown: str, held: str) -> bool:
    """What LibreOffice shows equals the file's cell; numbers may differ in their last digits."""
    if shown == held:
        return True
    try:
        return math.isclose(float(shown), float(held), rel_tol=1e-12)
    except ValueError:
        return False


def assert_shown_as_held(shown: list[list[str]], held: list[list[str]], name: str) -> None:
    assert len(shown) == len(held), name
    for r, (a, b) in enumerate(zip(shown, held, strict=True), start=1):
        assert len(a) == len(b), f"{name} row {r}: {a} != {b}"
        for c, (x, y) in enumerate(zip(a, b, strict=True), start=1):
            assert same_cell(x, y), f"{name} row {r} column {c}: shown {x!r}, file holds {y!r}"


def test_libreoffice_evaluates_an_unescaped_formula(tmp_path: Path) -> None:
    """The control: without the apostrophe, this LibreOffice runs the formulas."""
    raw = tmp_path / "raw.csv"
    raw.write_text(f'a\n=1+1\n"{LINK.replace(chr(34), chr(34) * 2)}"\n', encoding="utf-8")
    libreoffice_csv([raw], tmp_path / "out", infilter=CSV_IN)
    shown = rows_of(tmp_path / "out" / "raw-raw.csv")  # a CSV's one sheet is named after it
    assert shown == [["a"], ["2"], ["click"]]


def test_csv_exports_open_in_libreoffice_with_nothing_evaluated(
    hostile: str,  # noqa: F811 - the fixture
    tmp_path: Path,
) -> None:
    files = [export_file(hostile, args, tmp_path / f"{label}.csv")
             for label, args in CSV_COMMANDS.items()]  # fmt: skip
    libreoffice_csv(files, tmp_path / "out", infilter=CSV_IN)
    seen = ""
    for path in files:
        shown = rows_of(tmp_path / "out" / f"{path.stem}-{path.stem}.csv")
        held = rows_of(path, "utf-8-sig")
        assert_shown_as_held(shown, held, path.name)
        seen += path.read_text(encoding="utf-8-sig")
    assert "'=1+1" in seen and DDE in seen


def test_xlsx_exports_open_in_libreoffice_with_nothing_evaluated(
    hostile: str,  # noqa: F811 - the fixture
    tmp_path: Path,
) -> None:
    files = [export_file(hostile, args, tmp_path / f"{label}.xlsx")
             for label, args in XLSX_COMMANDS.items()]  # fmt: skip
    libreoffice_csv(files, tmp_path / "out")
    checked = 0
    for path in files:
        workbook = load_workbook(path)
        for sheet in workbook.worksheets:
            held = [_trimmed([_shown(v) for v in row]) for row in sheet.iter_rows(values_only=True)]
            held = [row for row in held if any(row)]
            shown = rows_of(tmp_path / "out" / f"{path.stem}-{sheet.title}.csv")
            assert_shown_as_held(shown, held, f"{path.name}!{sheet.title}")
            checked += sum(1 for row in held for cell in row if cell.startswith("=1+1"))
    assert checked, "the hostile names never reached the workbooks"
