"""``coder agreement plan``: how many units to double-code, in one screenful, with sources.

The figures are the planning functions' (Bloch & Kraemer 1989 through ``plan_sample_size``,
Krippendorff's minimum through ``krippendorff_minimum_sample``), checked here by hand: for an
expected alpha of 0.8, an interval 0.1 wide and prevalence 0.5,
``V = 0.2 (0.2 (1 - 1.6) + 0.8 x 1.2 / 0.5) = 0.36`` and ``n = ceil(1.95996^2 x 0.36 / 0.05^2)
= 554``.
"""

from __future__ import annotations

import pytest

from coder.agreement import krippendorff_minimum_sample
from coder.cli.main import run


def _plan(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert run(["agreement", "plan", *args]) == 0
    return capsys.readouterr().out


def test_the_plan_answers_how_many_units_on_one_screen(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = _plan(capsys, "--expected-alpha", "0.8", "--ci-width", "0.1")
    assert "Double-code 554 units." in out
    assert "+-0.050" in out
    lines = out.splitlines()
    assert len(lines) <= 40 and max(len(line) for line in lines) <= 80
    n_667 = krippendorff_minimum_sample(0.667, 0.5)
    n_800 = krippendorff_minimum_sample(0.8, 0.5)
    assert f"to tell alpha from 0.667: {n_667} values ({-(-n_667 // 2)} units x 2" in out
    assert f"to tell alpha from 0.800: {n_800} values" in out
    flat = " ".join(out.split())
    sources = ("Bloch, D. A., & Kraemer, H. C. (1989)", "Zou, G. Y. (2012)",
               "Krippendorff, K. (2004)", "Hayes, A. F., & Krippendorff, K. (2007)")  # fmt: skip
    for source in sources:
        assert source in flat


def test_a_rare_code_needs_more_units(capsys: pytest.CaptureFixture[str]) -> None:
    common = _plan(capsys, "--expected-alpha", "0.8", "--ci-width", "0.1")
    rare = _plan(capsys, "--expected-alpha", "0.8", "--ci-width", "0.1", "--prevalence", "0.1")
    # V = 0.2 (-0.12 + 0.96 / (2 x 0.09)) = 1.0427; n = ceil(3.8415 x 1.0427 / 0.0025) = 1,603.
    assert "Double-code 1,603 units." in rare and "1,603" not in common
    assert "least frequent value p = 0.100" in " ".join(rare.split())
    atlas = _plan(capsys, "--expected-alpha", "0.8", "--prevalence", "0.25")
    assert "to tell alpha from 0.800: 139 values" in atlas  # ATLAS.ti's manual prints 139


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--expected-alpha", "1.5"], "expected_alpha must be in (-1, 1]"),
        (["--expected-alpha", "0.8", "--ci-width", "0"], "ci_width must be in (0, 2)"),
        (["--expected-alpha", "0.8", "--prevalence", "1"], "prevalence must be between 0 and 1"),
        ([], "Missing option '--expected-alpha'"),
    ],
)
def test_impossible_plans_are_one_line_errors(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert run(["agreement", "plan", *args]) == 2
    assert message in " ".join(capsys.readouterr().err.replace("│", " ").split())


def test_agreement_without_coders_says_to_name_them(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["agreement"]) == 2
    assert "name two or more coders" in capsys.readouterr().err
