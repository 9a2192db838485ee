"""The decision and its notice (RULES.md CMP-N1): facts, basis, reasons, outcome, remedy, and options."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from xiaobao.kernel.errors import InvalidInput
from xiaobao.kernel.i18n import _


class Outcome(StrEnum):
    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    NOT_UPHELD = "not_upheld"
    SETTLED = "settled"


class Remedy(StrEnum):
    """The consumer's options, stated in every decision notice (CMP-N1, CMP-N2, DSP-2)."""

    REVIEW = "review"
    MEDIATION = "mediation"
    ARBITRATION = "arbitration"
    COURT = "court"


REMEDY_TEXT = {
    Remedy.REVIEW: _("ask our higher-level office to review this decision within 30 days of receiving this notice"),
    Remedy.MEDIATION: _("apply to an insurance dispute mediation organisation for mediation"),
    Remedy.ARBITRATION: _("apply for arbitration where the contract or a later agreement provides for it"),
    Remedy.COURT: _("bring a lawsuit before a people's court"),
}


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    findings: str
    basis: str
    reasons: str
    remedy: str
    """What the insurer will do (pay, correct, apologise); may be empty when not upheld."""

    @property
    def options(self) -> tuple[Remedy, ...]:
        return tuple(Remedy)


class IncompleteDecision(InvalidInput):
    code = "incomplete_decision"
    default_message = _("A decision states the facts found, its basis and its reasons (CMP-N1): %(missing)s missing.")


PART_TEXT = {
    "findings": _("the facts found"),
    "basis": _("the basis"),
    "reasons": _("the reasons"),
    "remedy": _("what the insurer will do"),
}
"""The parts of a decision as a handler reads them (before: "findings, basis, reasons, remedy missing")."""


def check_decision(decision: Decision) -> Decision:
    missing = [name for name in ("findings", "basis", "reasons") if not getattr(decision, name).strip()]
    if decision.outcome in {Outcome.UPHELD, Outcome.PARTLY_UPHELD, Outcome.SETTLED} and not decision.remedy.strip():
        missing.append("remedy")
    if missing:
        raise IncompleteDecision(missing=tuple(PART_TEXT[name] for name in missing))
    return decision
