"""INC-4: no protected attribute is used in any decision. The code that decides a complaint's or a claim's outcome
and routing — every function of ``complaints.domain`` and ``claims.domain`` — is read for the attributes that
describe a consumer group (age, disability, language, new urban residence, region, ethnicity); a function that
reads one fails the test unless it is allowed below, with its reason.

The allowed ones give *faster service*, never a different outcome: the priority rules of RULES.md INC-E3 and
MISSION INC-2/INC-3 (elderly, disabled and new-urban-resident consumers served first). The complaint clock's
``priority_target`` takes a single ``priority`` flag (set from those rules by the actions), so it is not listed.
Whether groups end up treated alike is then measured, not assumed: ``insights.domain.fairness``."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "xiaobao"
DECISION_PACKAGES = ("complaints/domain", "claims/domain")
PROTECTED = re.compile(
    r"^(elderly|disabled|disability|new_urban_resident|preferred_language|languages?|birth_year|age|\w+_age|"
    r"region|region_code|region_prefixes|incident_region|ethnic|ethnicity|nationality|minority)$"
)

ALLOWED: dict[tuple[str, str], str] = {
    ("claims/domain/green_channel.py", "green_channel_reasons"): (
        "service priority, not an outcome: the green channel (CLM-2, INC-2) handles an elderly or disabled "
        "claimant's claim first; region_code is where a declared major emergency struck, not the consumer's origin"
    ),
    ("claims/domain/green_channel.py", "covers"): (
        "a declared emergency's area codes against the place of the incident (CLM-2): where it happened, "
        "not who the consumer is"
    ),
}


def protected_reads(source: str) -> dict[str, set[str]]:
    """Each function of ``source`` that names a protected attribute (a variable, an attribute, a parameter, a
    keyword or a string key), with the names it uses."""
    found: dict[str, set[str]] = {}
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        names = set()
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name):
                names.add(sub.id)
            elif isinstance(sub, ast.Attribute):
                names.add(sub.attr)
            elif isinstance(sub, ast.arg) or (isinstance(sub, ast.keyword) and sub.arg):
                names.add(str(sub.arg))
            elif isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                names.add(sub.value)
        hits = {name for name in names if PROTECTED.match(name)}
        if hits:
            found[node.name] = hits
    return found


def decision_functions_reading_protected_attributes() -> dict[tuple[str, str], set[str]]:
    found = {}
    for package in DECISION_PACKAGES:
        for path in sorted((PACKAGE / package).glob("*.py")):
            relative = path.relative_to(PACKAGE).as_posix()
            for function, hits in protected_reads(path.read_text(encoding="utf-8")).items():
                found[(relative, function)] = hits
    return found


def test_no_decision_function_reads_a_protected_attribute_unless_allowed_with_a_reason() -> None:
    found = decision_functions_reading_protected_attributes()
    assert {key: hits for key, hits in found.items() if key not in ALLOWED} == {}


def test_every_allowance_is_still_needed() -> None:
    found = decision_functions_reading_protected_attributes()
    assert set(ALLOWED) <= set(found), "an allowance names a function that no longer reads a protected attribute"


def test_a_planted_decision_on_a_protected_attribute_is_caught() -> None:
    planted = (
        "def decide(complaint):\n"
        "    if complaint.elderly or complaint.complainant.preferred_language == 'ko':\n"
        "        return 'not_upheld'\n"
        "    return 'upheld'\n"
        "def route(*, claimant_age, facts):\n"
        "    return facts['region']\n"
        "def fair(facts):\n"
        "    return facts.amount > 100\n"
    )
    assert protected_reads(planted) == {
        "decide": {"elderly", "preferred_language"},
        "route": {"claimant_age", "region"},
    }
