"""Features whose packages are optional extras say which extra to install when it is missing."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from coder.cli.main import run
from coder.db.engine import make_engine
from coder.errors import MissingExtraError

REPO = Path(__file__).resolve().parents[1]


def test_postgres_without_its_driver_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'coder\[postgres\]'"):
        make_engine("postgresql+psycopg://ana@localhost/study")


def test_serve_without_textual_serve_is_a_one_line_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "textual_serve", None)
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)
    assert run(["serve", "--coder", "ana"]) == 1
    err = capsys.readouterr().err
    assert err == (
        "coder: error: coder serve needs the optional 'serve' extra: pip install 'coder[serve]'\n"
    )


def test_the_test_extra_installs_every_optional_feature() -> None:
    """`make test` installs `.[test]`, and the suite runs every feature."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    features = sorted(name for name in extras if name != "test")
    assert f"coder[{','.join(features)}]" in extras["test"]
