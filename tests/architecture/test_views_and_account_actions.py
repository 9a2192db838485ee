"""The staff account actions read staff records through ``identity.access`` (they are the account holder's own,
asked for without a permission, so there is no lock to take and no reason to go round the gate). Views import
at the top of the module (DESIGN.md): an import inside a function hides a dependency from
import-linter and from the reader. One that breaks an import cycle stays, with ``# import cycle:`` and why on
the line before it."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.architecture.house_rules import violations_in
from tests.architecture.test_house_rules import model_names, tenant_models

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "xiaobao"


def imports_inside_functions(source: str) -> list[int]:
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.Import | ast.ImportFrom):
                before = lines[inner.lineno - 2] if inner.lineno >= 2 else ""
                if "# import cycle:" not in before:
                    found.append(inner.lineno)
    return found


def test_views_import_at_the_top() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): lines
        for path in sorted(PACKAGE.rglob("views.py"))
        if (lines := imports_inside_functions(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_an_import_inside_a_function_is_caught_unless_it_names_its_cycle() -> None:
    assert imports_inside_functions("def page():\n    from x import y\n    return y\n") == [2]
    assert imports_inside_functions("def page():\n    # import cycle: x imports us\n    from x import y\n") == []


def test_the_account_actions_read_staff_only_through_the_gate() -> None:
    source = (PACKAGE / "identity" / "actions" / "_accounts.py").read_text(encoding="utf-8")
    # read as if it were any other module: actions are exempt only for what they lock to change
    found = violations_in(source, "identity/accounts.py", tenant_models(), model_names())
    assert [v for v in found if v.rule == "read"] == []
