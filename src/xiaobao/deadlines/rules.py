"""Every statutory limit of RULES.md, one object per id, in one place.

Each rule carries its length, its unit (calendar or working days), whether a
last day that is a rest day moves to the next working day (CMP-T7), and its
source. Lengths are defaults: the regulator is revising the complaint
measures, so callers may pass another length (``RuleSet.with_lengths``).

Counting (CMP-T7, Civil Code Art.201/203): the start day is not counted;
day 1 is the next day. "以内" includes the last day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from xiaobao.kernel.errors import DomainError
from xiaobao.kernel.i18n import _


class Unit(StrEnum):
    CALENDAR_DAYS = "calendar days"
    WORKING_DAYS = "working days"


class UnknownRule(DomainError):
    code = "unknown_rule"
    default_message = _("There is no statutory rule with the id %(rule_id)s.")


@dataclass(frozen=True)
class Rule:
    id: str
    length: int
    unit: Unit
    counts_from: str
    what: str
    source: str
    roll_forward: bool = True
    extends: str | None = None
    """The rule this one adds to (CMP-T3 adds 30 days to CMP-T2's 30)."""


COMPLAINT_MEASURES = "《银行业保险业消费投诉处理管理办法》 (CBIRC Order 2020 No.3)"
INSURANCE_LAW = "PRC Insurance Law (2015)"
LIFE_SERVICE_RULES = "Life-insurance service rules (CIRC Order 2010 No.4)"

_RULES = (
    Rule(
        "CMP-T1",
        15,
        Unit.CALENDAR_DAYS,
        _("the day the complaint is received"),
        _("decide a complaint and tell the complainant"),
        f"{COMPLAINT_MEASURES} Art.18; counting Art.43, Civil Code Art.201/203",
    ),
    Rule(
        "CMP-T2",
        30,
        Unit.CALENDAR_DAYS,
        _("the day the complaint is received"),
        _("decide a complex complaint (extended to 30 days)"),
        f"{COMPLAINT_MEASURES} Art.18",
    ),
    Rule(
        "CMP-T3",
        30,
        Unit.CALENDAR_DAYS,
        _("the day the complaint is received"),
        _(
            "decide a particularly complex complaint: 30 more days on top of CMP-T2 (60 at most), "
            "with senior approval and the complainant told"
        ),
        f"{COMPLAINT_MEASURES} Art.18",
        extends="CMP-T2",
    ),
    Rule(
        "CMP-T6",
        7,
        Unit.WORKING_DAYS,
        _("the day the regulator receives the complaint"),
        _("the regulator forwards a complaint to the insurer"),
        f"{COMPLAINT_MEASURES} Art.33",
    ),
    Rule(
        "CMP-N2-REQUEST",
        30,
        Unit.CALENDAR_DAYS,
        _("the day the decision notice is received"),
        _("the complainant may ask the higher-level office for review"),
        f"{COMPLAINT_MEASURES} Art.20",
    ),
    Rule(
        "CMP-N2-DECISION",
        30,
        Unit.CALENDAR_DAYS,
        _("the day the review request is received"),
        _("decide the review"),
        f"{COMPLAINT_MEASURES} Art.20",
    ),
    Rule(
        "CLM-T2",
        30,
        Unit.CALENDAR_DAYS,
        _("the day the claim and its complete documents are received"),
        _("verify and decide a claim, unless the contract sets less"),
        f"{INSURANCE_LAW} Art.23",
    ),
    Rule(
        "CLM-T3",
        10,
        Unit.CALENDAR_DAYS,
        _("the day the amount is agreed"),
        _("pay the agreed amount"),
        f"{INSURANCE_LAW} Art.23",
    ),
    Rule(
        "CLM-T4",
        3,
        Unit.CALENDAR_DAYS,
        _("the day of the refusal decision"),
        _("send the written refusal notice with reasons"),
        f"{INSURANCE_LAW} Art.24",
    ),
    Rule(
        "CLM-T5",
        60,
        Unit.CALENDAR_DAYS,
        _("the day the claim and its proofs are received"),
        _("pay in advance the part the evidence already supports"),
        f"{INSURANCE_LAW} Art.25",
    ),
    Rule(
        "CLM-T6",
        5,
        Unit.WORKING_DAYS,
        _("the day the claim (or its material) is received"),
        _("life insurance: decide a simple claim, or give the one-time notice of missing material"),
        f"{LIFE_SERVICE_RULES} Art.23, Art.10/19",
    ),
)


class RuleSet:
    """The rules in force. ``DEFAULT`` holds RULES.md's numbers."""

    def __init__(self, rules: Mapping[str, Rule]) -> None:
        self._rules = dict(rules)

    def __getitem__(self, rule_id: str) -> Rule:
        try:
            return self._rules[rule_id.upper()]
        except KeyError:
            raise UnknownRule(rule_id=rule_id) from None

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._rules.values())

    def ids(self) -> list[str]:
        return list(self._rules)

    def total_length(self, rule: Rule) -> int:
        """Days from the start: CMP-T3 is 30 + CMP-T2's 30."""
        return rule.length + (self.total_length(self[rule.extends]) if rule.extends else 0)

    def with_lengths(self, lengths: Mapping[str, int]) -> RuleSet:
        """The same rules with configured lengths (e.g. when the measures are revised)."""
        changed = dict(self._rules)
        for rule_id, length in lengths.items():
            if length < 1:
                raise ValueError(f"{rule_id}: a limit is at least one day")
            changed[rule_id] = replace(self[rule_id], length=length)
        return RuleSet(changed)


DEFAULT = RuleSet({rule.id: rule for rule in _RULES})
