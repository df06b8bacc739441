"""``coder agreement`` at unit level shows kappa's and alpha's analytical precision (Gwet 2014)
and q = P(alpha < 0.667), P(alpha < 0.800) next to alpha's bootstrap interval, the figures
``agreement_precision`` gives on the coders' decisions, in the terminal, Markdown and JSON, and
the methods paragraph cites them."""

from __future__ import annotations

import json

import numpy as np
import pytest

from coder.agreement.variance import agreement_precision
from tests.agreement.test_agreement_report_cli import TRUST, _report, project  # noqa: F401

# The fixture's plan: ann applies TRUST to sentences 0-15, ben to 0-13, 30 and 31 (40 sentences).
ANN = set(range(16))
BEN = {*range(14), 30, 31}


def _decisions() -> np.ndarray:
    return np.array([[int(i in coder) for i in range(40)] for coder in (ANN, BEN)])


def test_precision_and_q_in_json_terminal_and_markdown(
    project: str,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    data = json.loads(_report(project, capsys, fmt="json"))
    trust = next(c for c in data["result"]["per_code"] if c["name"] == TRUST)
    alpha = agreement_precision(_decisions(), "krippendorff_alpha", categories=[0, 1])
    kappa = agreement_precision(_decisions(), "cohen_kappa", categories=[0, 1])
    assert trust["alpha_precision"]["se"] == pytest.approx(alpha.standard_error, abs=1e-12)
    assert trust["alpha_precision"]["low"] == pytest.approx(alpha.low, abs=1e-12)
    assert trust["kappa_precision"]["p_value"] == pytest.approx(kappa.p_value, abs=1e-12)
    q = trust["alpha_q"]
    assert set(q) == {"0.667", "0.8"} and 0 <= q["0.667"] <= q["0.8"] <= 1
    flat = " ".join(_report(project, capsys).split())
    assert "Per code: precision" in flat
    for header in ("Kappa SE", "Alpha SE", "Alpha CI (t)", "q<.667", "q<.800"):
        assert header in flat, header
    assert f"[{alpha.low:.3f}, {alpha.high:.3f}]" in flat
    assert f"{q['0.667']:.3f}" in flat and f"{alpha.standard_error:.3f}" in flat
    markdown = _report(project, capsys, fmt="md")
    assert "## Per code: precision" in markdown
    assert "P(alpha &lt; 0.667)" in markdown
    assert "Gwet, K. L. (2014). Handbook of Inter-Rater Reliability" in markdown
    assert "Gwet's AC1 is his AC2 with identity weights" in markdown


def test_without_the_bootstrap_no_q_but_the_analytical_figures(
    project: str,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = json.loads(_report(project, capsys, "--bootstrap", "0", fmt="json"))
    trust = next(c for c in data["result"]["per_code"] if c["name"] == TRUST)
    assert trust["alpha_q"] == {} and trust["alpha_precision"]["se"] > 0
    markdown = _report(project, capsys, "--bootstrap", "0", fmt="md")
    assert "Alpha SE" in markdown and "P(alpha" not in markdown
    assert "Hayes" not in markdown.split("## Per code: precision")[1].split("##")[0]
