"""``coder agreement --level span --coefficient u-alpha-2016|gamma`` on a project.

The project holds Krippendorff's (2019, *Content Analysis*, 4th ed., section 12.6, Figure 12.11,
p. 340) worked example: three coders on a 60-character document, each value a code of one
theme. Through the command line the report prints the book's uα = 0.510, |uα = 0.413 (0.414:
the exact value, the book rounds its expected coincidences) and cuα = 0.724, with the domains
from the code tree, and the declared domains and gamma agree with the library's functions on
the same spans.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coder.agreement import gamma, unitizing_alphas
from coder.cli.main import run
from coder.services.project.lifecycle import open_project
from tests.agreement.test_agreement_ualpha2016 import BOOK_SPANS
from tests.factories import code_named

VALUES = ("1", "2", "3", "4", "5", "6", "7")
BOOK = "codes:\n  - name: Book\n    children:\n" + "".join(f"      - name: v{v}\n" for v in VALUES)
CODERS = ("Alex", "Paul", "Suzan")


@pytest.fixture
def project(empty_db_url: str, tmp_path: Path) -> str:
    url = empty_db_url
    (tmp_path / "figure.txt").write_text("abcdefghij" * 6)
    (tmp_path / "book.yaml").write_text(BOOK)
    assert run(["init", "-p", url, "--open"]) == 0
    assert run(["import", "-p", url, str(tmp_path / "figure.txt")]) == 0
    assert run(["codebook", "import", "-p", url, str(tmp_path / "book.yaml")]) == 0
    assert run(["coders", "add", *(c.lower() for c in CODERS), "-p", url]) == 0
    store = open_project(url)
    for coder, start, end, value in BOOK_SPANS:
        code_named(
            store, coder=coder.lower(), document="figure", start=start, end=end,
            code=f"Book/v{value}",
        )  # fmt: skip
    store.dispose()
    return url


def _agreement(url: str, capsys: pytest.CaptureFixture[str], *extra: str, fmt: str = "json") -> str:
    capsys.readouterr()
    args = ["agreement", "-p", url, "--coders", "alex", "paul", "suzan", "--level", "span"]
    assert run([*args, *extra, "--format", fmt]) == 0
    return capsys.readouterr().out


def test_figure_12_11_through_the_command_line(
    project: str, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(_agreement(project, capsys, "--coefficient", "u-alpha-2016"))
    assert data["domains_from"] == "code tree"
    [book] = data["per_domain"]
    assert book["domain"] == "Book"
    assert f"{book['u_alpha']['value']:.3f}" == "0.510"
    assert f"{book['cu_alpha']['value']:.3f}" == "0.724"
    assert book["binary_u_alpha"]["value"] == pytest.approx(0.413, abs=1e-3)
    per_code = {c["code"]: c for c in data["per_code"]}
    # (k)uα: 1 for values 1, 5 and 6, 0 for 2, 3 and 4 (the book's per-value figures).
    for value, expected in (("1", 1.0), ("5", 1.0), ("6", 1.0), ("2", 0.0), ("3", 0.0)):
        assert per_code[f"Book/v{value}"]["k_u_alpha"]["value"] == pytest.approx(expected)
    assert per_code["Book/v7"]["segments"] == {"alex": 1, "paul": 0, "suzan": 0}
    assert "Krippendorff, Mathet, Bouvry & Widlöcher, 2016" in data["methods"]
    assert any(r.startswith("Krippendorff, K., Mathet, Y.") for r in data["references"])


def test_the_terminal_report_shows_domains_codes_methods_and_references(
    project: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _agreement(project, capsys, "--coefficient", "u-alpha-2016", fmt="table")
    assert "Per semantic domain" in out and "Per code" in out
    assert "0.510" in out and "0.724" in out and "Cu-alpha" in out
    assert "Krippendorff, 2019, ch. 12" in out
    assert "Quality & Quantity, 50(6), 2347-2364" in out


def test_declared_domains_are_computed_as_declared(
    project: str, capsys: pytest.CaptureFixture[str]
) -> None:
    domains = "Low=v1,v2,v3,v4;High=v5,v6"
    data = json.loads(
        _agreement(project, capsys, "--coefficient", "u-alpha-2016", "--domains", domains)
    )
    assert data["domains_from"] == "declared"
    assert [d["domain"] for d in data["per_domain"]] == ["Low", "High"]
    low = unitizing_alphas(BOOK_SPANS, 60, codes=["1", "2", "3", "4"])
    assert data["per_domain"][0]["u_alpha"]["value"] == pytest.approx(low.u_alpha.value, abs=1e-12)
    assert data["per_domain"][0]["cu_alpha"]["value"] == pytest.approx(
        low.cu_alpha.value, abs=1e-12
    )
    assert data["Cu_alpha"]["value"] is not None
    assert any("Book/v7" in line for line in data["excluded"])


def test_gamma_through_the_command_line_is_the_library_s_gamma(
    project: str, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(_agreement(project, capsys, "--coefficient", "gamma", "--seed", "3"))
    index = {v: i for i, v in enumerate(VALUES)}
    spans = [(CODERS.index(c), s, e, index[v]) for c, s, e, v in BOOK_SPANS]
    expected = gamma(
        spans, coders=[0, 1, 2], length=60, categories=list(range(7)), n_samples=30, seed=3
    )
    assert data["gamma"]["value"] == pytest.approx(expected.value, abs=1e-12)
    assert data["per_domain"][0]["gamma"]["value"] == pytest.approx(expected.value, abs=1e-12)
    assert "Mathet, Widlöcher & Métivier, 2015" in data["methods"]
    assert data["references"][0].startswith("Mathet, Y., Widlöcher, A., & Métivier, J.-P.")


def _words(err: str) -> str:
    """The error's words without the box typer draws around them."""
    return " ".join(err.replace("│", " ").split())


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--coefficient", "kappa"], "choose u-alpha-2016 or gamma"),
        (["--domains", "A=v1"], "--domains needs --coefficient"),
        (["--coefficient", "gamma", "--domains", "A v1"], "write a domain as"),
        (["--coefficient", "gamma", "--domains", "A=nope"], "no code 'nope'"),
    ],
)
def test_wrong_options_are_one_line_errors(
    project: str, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    args = ["agreement", "-p", project, "--coders", "alex", "paul", "--level", "span", *extra]
    assert run(args) != 0
    assert message in _words(capsys.readouterr().err)


def test_coefficient_needs_the_span_level(project: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["agreement", "-p", project, "--coders", "alex", "paul", "--coefficient", "gamma"]
    assert run(args) != 0
    assert "add --level span" in _words(capsys.readouterr().err)


def test_domains_from_a_file_one_a_line(
    project: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    listed = tmp_path / "domains.txt"
    listed.write_text("# the book's values, two domains\nLow=v1,v2,v3,v4\nHigh=Book/v5,v6\n")
    data = json.loads(
        _agreement(project, capsys, "--coefficient", "u-alpha-2016", "--domains", str(listed))
    )
    assert [d["domain"] for d in data["per_domain"]] == ["Low", "High"]
    assert data["per_domain"][1]["codes"] == ["Book/v5", "Book/v6"]
