"""The code-quality gates run as tests: lint, format, types and the layering of STYLE.md."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def test_ruff_lint() -> None:
    result = _run(str(BIN / "ruff"), "check", "coder", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    result = _run(str(BIN / "ruff"), "format", "--check", "coder", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy() -> None:
    result = _run(str(BIN / "mypy"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_linter_contracts() -> None:
    result = _run(str(BIN / "lint-imports"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout and " 0 broken" in result.stdout


@pytest.mark.parametrize("package", ["coder.agreement", "coder.domain", "coder.text", "coder.io"])
def test_pure_layers_load_without_the_ui_or_the_database(package: str) -> None:
    """Importing a pure layer in a fresh interpreter pulls in neither textual nor sqlalchemy."""
    code = (
        f"import importlib, pkgutil, sys; pkg = importlib.import_module({package!r})\n"
        "for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('textual', 'sqlalchemy'))\n"
        "print(','.join(bad))"
    )
    result = _run(sys.executable, "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_help_does_not_load_spacy_or_pandas() -> None:
    code = (
        "import sys\n"
        "from coder.cli.main import run\n"
        "rc = run(['--help'])\n"
        "print(rc, 'spacy' in sys.modules, 'pandas' in sys.modules)"
    )
    result = _run(sys.executable, "-c", code)
    assert result.stdout.strip().splitlines()[-1] == "0 False False", result.stdout + result.stderr
