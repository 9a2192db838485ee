"""The case page's forms: each posted step is read from the form and handed to its one action."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from xiaobao.complaints import actions
from xiaobao.complaints.domain.decisions import Decision, Outcome
from xiaobao.kernel.actors import Actor
from xiaobao.kernel.errors import InvalidInput
from xiaobao.kernel.i18n import _

Form = Mapping[str, str]


def _int(form: Form, name: str) -> int:
    try:
        return int(form.get(name, ""))
    except ValueError:
        raise InvalidInput(_("Please choose from the list.")) from None


def _outcome(form: Form, name: str = "outcome") -> Outcome:
    try:
        return Outcome(form.get(name, ""))
    except ValueError:
        raise InvalidInput(_("Please choose the outcome.")) from None


STEPS: dict[str, Callable[[Actor, int, Form], Any]] = {
    "accept": lambda a, pk, f: actions.complaint_accept(actor=a, complaint_id=pk),
    "decline": lambda a, pk, f: actions.complaint_decline(actor=a, complaint_id=pk, reason=f.get("reason", "")),
    "assign": lambda a, pk, f: actions.complaint_assign(actor=a, complaint_id=pk, handler_id=_int(f, "handler_id")),
    "declare_conflict": lambda a, pk, f: actions.complaint_declare_conflict(
        actor=a, complaint_id=pk, note=f.get("note", "")
    ),
    "investigate": lambda a, pk, f: actions.complaint_investigate(actor=a, complaint_id=pk),
    "pause": lambda a, pk, f: actions.complaint_pause(
        actor=a, complaint_id=pk, kind=f.get("kind", ""), note=f.get("note", "")
    ),
    "resume": lambda a, pk, f: actions.complaint_resume(actor=a, complaint_id=pk),
    "new_facts": lambda a, pk, f: actions.complaint_new_facts(actor=a, complaint_id=pk, note=f.get("note", "")),
    "extend": lambda a, pk, f: actions.complaint_request_extension(
        actor=a, complaint_id=pk, to_complexity=f.get("to_complexity", ""), reason=f.get("reason", "")
    ),
    "decide": lambda a, pk, f: actions.complaint_decide(
        actor=a,
        complaint_id=pk,
        decision=Decision(
            outcome=_outcome(f),
            findings=f.get("findings", ""),
            basis=f.get("basis", ""),
            reasons=f.get("reasons", ""),
            remedy=f.get("remedy", ""),
        ),
    ),
    "notify": lambda a, pk, f: actions.complaint_send_decision(actor=a, complaint_id=pk),
    "close": lambda a, pk, f: actions.complaint_close(actor=a, complaint_id=pk),
    "withdraw": lambda a, pk, f: actions.complaint_withdraw(actor=a, complaint_id=pk),
    "decide_review": lambda a, pk, f: actions.complaint_decide_review(
        actor=a, complaint_id=pk, outcome=_outcome(f), reasons=f.get("reasons", "")
    ),
    "request_information": lambda a, pk, f: actions.complaint_request_information(
        actor=a, complaint_id=pk, text=f.get("text", "")
    ),
    "forward": lambda a, pk, f: actions.complaint_forward(
        actor=a,
        complaint_id=pk,
        partner_id=_int(f, "partner_id"),
        summary=f.get("summary", ""),
        days=_int(f, "days") if f.get("days") else 5,
    ),
}
