"""The code-quality gates run as tests: lint, format, types and the layering of STYLE.md."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import grimp
import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
#: Longest file under coder/ (STYLE.md: files small enough to read in one sitting).
MAX_LINES = 450


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
    """mypy strict on coder/, and checked on tests/ (pyproject.toml: [tool.mypy])."""
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


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components (Tarjan) of more than one module in ``graph``."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return cycles


def test_no_import_cycle_among_coders_modules() -> None:
    """No two modules of coder import each other, directly or round a loop (function-local
    imports count; imports only for type checking do not, as in import-linter)."""
    graph = grimp.build_graph("coder", exclude_type_checking_imports=True, cache_dir=None)
    cycles = import_cycles(graph)
    assert cycles == [], "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def private_imports(path: Path) -> Iterator[str]:
    """Each import in ``path`` of a private name (``_x``) from another module, or of a private
    module from outside the package that holds it, as ``line: what``."""
    module = ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            imports = [(target, [alias.name for alias in node.names])]
        elif isinstance(node, ast.Import):
            imports = [(alias.name, []) for alias in node.names]
        else:
            continue
        for target, names in imports:
            parts = target.split(".")
            if parts[0] != "coder":
                continue
            for depth, part in enumerate(parts):
                owner = ".".join(parts[:depth])
                inside = module == owner or module.startswith(owner + ".")
                if part.startswith("_") and not part.startswith("__") and not inside:
                    yield f"{node.lineno}: private module {'.'.join(parts[: depth + 1])}"
            for name in names:
                if name.startswith("_") and not name.startswith("__"):
                    yield f"{node.lineno}: private name {target}.{name}"


def test_no_private_name_crosses_a_module() -> None:
    found = [
        f"{path.relative_to(REPO)}:{where}"
        for path in sorted((REPO / "coder").rglob("*.py"))
        for where in private_imports(path)
    ]
    assert found == [], "private imports across modules:\n" + "\n".join(found)


def test_no_file_under_coder_is_too_long() -> None:
    lengths = {
        str(path.relative_to(REPO)): len(path.read_text(encoding="utf-8").splitlines())
        for path in (REPO / "coder").rglob("*.py")
    }
    too_long = {name: n for name, n in lengths.items() if n > MAX_LINES}
    assert too_long == {}, f"files over {MAX_LINES} lines: {too_long}"
