"""The code's shape, checked like its behaviour: small signatures, modules a reader can hold,
imports at the top, in the code that ships (steward/, assets/, pipelines/; tests and benchmarks
are exempt). The import layers are checked by `lint-imports` in `make test`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import REPO

MAX_PARAMETERS = 8
MAX_MODULE_LINES = 600
# Modules allowed above MAX_MODULE_LINES, each with the reason.
LONG_MODULES: dict[str, str] = {}
# Functions allowed to take ``**kwargs`` (which would hide any number of parameters), with the reason.
KEYWORD_BAGS = {
    "steward/run/context.py:for_project": "the other RunContext fields, passed on as they are",
    "assets/_metadata.py:frame_metadata": "extra metadata entries for the Dagster UI, by name",
    "assets/normalise.py:normalised_contacts": "Dagster passes one raw input per configured source",
    "assets/normalise.py:quarantined_records": "Dagster passes one raw input per configured source",
    "assets/publish.py:crm_golden_contacts": "Dagster passes each upstream asset by name (ins=...)",
    "assets/publish.py:match_snapshot": "Dagster passes each upstream asset by name (ins=...)",
}
# Modules allowed to import steward modules inside functions, each with the reason.
LAZY_IMPORTS = {
    "steward/cli.py": "each command imports what it needs, so `steward --help` does not wait for pandas and GX",
    "steward/match/engines/__init__.py": "pyspark is an optional dependency, imported when Spark is asked for",
}


def _python_files(*roots: str) -> list[Path]:
    return sorted(p for root in roots for p in (REPO / root).rglob("*.py"))


def _functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def _parameter_count(function: ast.FunctionDef) -> int:
    args = function.args
    names = [a.arg for a in args.posonlyargs + args.args]
    count = len(names) + len(args.kwonlyargs) + bool(args.vararg) + bool(args.kwarg)
    return count - (1 if names and names[0] in ("self", "cls") else 0)


def test_no_function_takes_more_than_eight_parameters():
    wide = [f"{path.relative_to(REPO)}:{function.lineno} {function.name} ({_parameter_count(function)})"
            for path in _python_files("steward", "assets", "pipelines")
            for function in _functions(ast.parse(path.read_text()))
            if _parameter_count(function) > MAX_PARAMETERS]
    assert not wide, "group these parameters in an object: " + ", ".join(wide)


def test_no_function_hides_parameters_in_a_keyword_bag():
    bags = [f"{path.relative_to(REPO)}:{function.name}"
            for path in _python_files("steward", "assets", "pipelines")
            for function in _functions(ast.parse(path.read_text())) if function.args.kwarg]
    unexplained = [name for name in bags if name not in KEYWORD_BAGS]
    assert not unexplained, f"name these parameters (or give a reason in KEYWORD_BAGS): {unexplained}"


def test_no_engine_module_is_longer_than_a_reader_can_hold():
    long = {str(path.relative_to(REPO)): len(path.read_text().splitlines()) for path in _python_files("steward")}
    too_long = {name: lines for name, lines in long.items() if lines > MAX_MODULE_LINES and name not in LONG_MODULES}
    assert not too_long, f"split these modules (or give a reason in LONG_MODULES): {too_long}"


def test_engine_modules_import_at_the_top():
    inside = []
    for path in _python_files("steward"):
        name = str(path.relative_to(REPO))
        if name in LAZY_IMPORTS:
            continue
        tree = ast.parse(path.read_text())
        for function in _functions(tree):
            for node in ast.walk(function):
                module = node.module if isinstance(node, ast.ImportFrom) else None
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [module or ""]
                if isinstance(node, (ast.Import, ast.ImportFrom)) and any(n.startswith("steward") for n in names):
                    inside.append(f"{name}:{node.lineno}")
    assert not inside, f"import these at the top (an import cycle is a layering problem): {inside}"


@pytest.mark.parametrize("checker", [test_no_function_takes_more_than_eight_parameters,
                                     test_no_function_hides_parameters_in_a_keyword_bag,
                                     test_no_engine_module_is_longer_than_a_reader_can_hold,
                                     test_engine_modules_import_at_the_top])
def test_the_checks_can_fail(checker, monkeypatch, tmp_path):
    """Each check finds a planted offender (a module that is long, wide and imports late)."""
    offender = tmp_path / "steward" / "offender.py"
    offender.parent.mkdir()
    body = "def wide(a, b, c, d, e, f, g, h, i, **more):\n    import steward.schema\n    return a\n"
    offender.write_text(body + "\n" * (MAX_MODULE_LINES + 1))
    monkeypatch.setattr(__import__(__name__, fromlist=["REPO"]), "REPO", tmp_path)
    with pytest.raises(AssertionError):
        checker()
