"""The consumer's options after a decision, explained in plain words (DSP-2; RULES.md CMP-N1, CMP-N2, CMP-T4).

CMP-N1 asks every decision notice to state the remedies — review, mediation, arbitration, court. This module
holds the one guide the portal page, the decision letter, the notices and the refusal letter all read: how each
option works, what it costs, how long it takes, what it needs and when it fits, written for a reader of 75
who has never been to a court. Every text is marked for translation; the boundary that shows it translates.

Figures stated here and their sources:

- review within **30 days** of the notice, decided within **30 days** (CMP-N2, Complaint Measures Art.20);
- time in mediation does not count against the complaint's clock (CMP-T4, Art.18, Art.23);
- a mediated agreement: both parties may ask a court to confirm it within **30 days** of it taking effect
  (Civil Procedure Law, 2023 amendment, Art.205) — *unverified* against the text, not in RULES.md;
- an arbitration award is final: the same dispute cannot go to arbitration or court again
  (Arbitration Law Art.9); arbitration needs a written arbitration agreement (Art.4, Art.16);
- limitation: a claim for insurance money **2 years** from knowing of the insured event, **5 years** for
  life insurance (Insurance Law Art.26); otherwise generally **3 years** from knowing of the harm
  (Civil Code Art.188) — *unverified* against the texts, not in RULES.md;
- a suit about an insurance contract goes to the court where the insurer is domiciled or where the insured
  object is (Civil Procedure Law Art.24) — *unverified*, not in RULES.md.

No other figure is stated: fees and durations of mediation, arbitration and court are described, not numbered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from xiaobao.complaints.domain.decisions import Remedy
from xiaobao.complaints.domain.lifecycle import State
from xiaobao.deadlines import clock as deadline_clock
from xiaobao.deadlines.rules import DEFAULT as RULES
from xiaobao.kernel.calendar import BusinessCalendar
from xiaobao.kernel.errors import TransitionNotAllowed
from xiaobao.kernel.i18n import _


@dataclass(frozen=True)
class OptionGuide:
    """One option as the guide explains it; every text is a msgid, translated where it is shown."""

    option: Remedy
    title: str
    summary: str
    """Two or three sentences: what it is, cost, time — printed in every decision notice."""
    how: str
    cost: str
    time: str
    needs: str
    fits: str
    basis: str
    """The rules behind the figures the option states."""


REVIEW = OptionGuide(
    option=Remedy.REVIEW,
    title=_("Ask for a review"),
    summary=_(
        "Our higher-level office looks at your complaint again, with people who did not decide it. "
        "It is free. Ask within 30 days of receiving the decision; the review is decided within 30 days."
    ),
    how=_(
        "You tell us, in a few words, why you disagree. Our higher-level office (or our head office) looks at the "
        "whole file again. The person who decided your complaint does not decide the review. You receive the "
        "review decision in writing."
    ),
    cost=_("Free."),
    time=_("Ask within 30 days of receiving the decision notice. The review is decided within 30 days."),
    needs=_(
        "Only your reason for disagreeing. You may add new documents, but you do not need to send again anything "
        "we already have."
    ),
    fits=_(
        "When you think we got the facts wrong or missed something, and you want us to look again before going "
        "anywhere else. You can still choose mediation, arbitration or court afterwards."
    ),
    basis=_("Complaint Measures Art.20 (CMP-N2)."),
)

MEDIATION = OptionGuide(
    option=Remedy.MEDIATION,
    title=_("Mediation"),
    summary=_(
        "A neutral mediator from an insurance dispute mediation centre or a court's mediation desk helps you and "
        "us reach an agreement. It is free for you and usually takes a few weeks; nothing is decided without your "
        "agreement."
    ),
    how=_(
        "A mediator from the insurance industry's dispute mediation centre, or from a court's mediation desk, "
        "talks with you and with us, together or one at a time, and helps both sides find an agreement. The "
        "mediator does not decide for you: if you do not agree, nothing is signed and you can still go to "
        "arbitration or court. A signed mediated agreement can be made binding like a judgment: you and we ask a "
        "court to confirm it within 30 days of signing (judicial confirmation)."
    ),
    cost=_("Free for you."),
    time=_(
        "Usually a few weeks; the mediation centre tells you its own time limit. While you are in mediation, the "
        "time limit for deciding your complaint stands still and starts again afterwards."
    ),
    needs=_(
        "Your consent to share your complaint file with the mediation organisation (the decision, what happened "
        "so far and the documents). Bring your policy, your identity document and any papers you have."
    ),
    fits=_(
        "When you want a quick, friendly solution and are ready to meet halfway. It suits most disputes about "
        "claims, sales and surrender."
    ),
    basis=_("Complaint Measures Art.18 and Art.23 (CMP-T4); judicial confirmation: Civil Procedure Law Art.205."),
)

ARBITRATION = OptionGuide(
    option=Remedy.ARBITRATION,
    title=_("Arbitration"),
    summary=_(
        "An arbitration commission hears both sides and makes a final, binding award. It is possible only if your "
        "contract or a later written agreement says disputes go to arbitration; there is a fee, paid in advance."
    ),
    how=_(
        "You apply to the arbitration commission named in the arbitration agreement. Arbitrators hear both sides "
        "and decide. The award is final: there is no appeal and the same dispute cannot be taken to court "
        "afterwards. If we do not do what the award says, a court can enforce it."
    ),
    cost=_(
        "An application fee and a handling fee set by the arbitration commission's own fee schedule, usually paid "
        "in advance; the award says who finally bears them. A lawyer is optional and costs extra."
    ),
    time=_("Usually a few months; the commission's rules set the time limits."),
    needs=_(
        "A written arbitration agreement: a clause in your insurance contract, or an agreement you and we sign "
        "now. Without one, arbitration is not possible. Also your policy, identity document, the decision notice "
        "and the evidence you have."
    ),
    fits=_(
        "When your contract has an arbitration clause and you want one final decision, in private, without appeals."
    ),
    basis=_("Arbitration Law Art.4, Art.9 and Art.16."),
)

COURT = OptionGuide(
    option=Remedy.COURT,
    title=_("Go to court"),
    summary=_(
        "You sue us before a people's court, which decides; either side can appeal once. There are court fees and "
        "it usually takes several months. Mind the time limit: 2 years for insurance money (5 for life insurance) "
        "from when you knew of the insured event."
    ),
    how=_(
        "You file a lawsuit with a people's court. The judge hears both sides and gives a judgment; either side "
        "may appeal once to the court above. Courts also offer mediation before the case is heard. If we do not "
        "do what the judgment says, the court can enforce it."
    ),
    cost=_(
        "Court fees set by the national rules on litigation costs, depending on the amount in dispute, paid in "
        "advance; the losing side usually bears them. A lawyer is optional and costs extra. If you cannot afford "
        "the fees you may ask the court to reduce or defer them, and ask a legal aid centre for free help."
    ),
    time=_(
        "Usually several months, longer with an appeal. Time limit: a claim for insurance money must be brought "
        "within 2 years of when you knew of the insured event, or 5 years for life insurance; other claims "
        "generally within 3 years of when you knew of the harm. Do not wait."
    ),
    needs=_(
        "A written complaint to the court (the statement of claim), your identity document, your policy, the "
        "decision notice and your evidence. The court that hears it is the one where we are domiciled or where "
        "the insured object is."
    ),
    fits=_(
        "When no agreement is possible, there is no arbitration clause, or you want a judge to decide and keep the "
        "right to appeal."
    ),
    basis=_("Insurance Law Art.26; Civil Code Art.188; Civil Procedure Law Art.24."),
)

GUIDE: tuple[OptionGuide, ...] = (REVIEW, MEDIATION, ARBITRATION, COURT)
"""The four options in the order every notice states them (CMP-N1)."""

GUIDE_BY_OPTION = {guide.option: guide for guide in GUIDE}


@dataclass(frozen=True)
class Preparation:
    """For arbitration and court, which the platform does not start itself: what to bring and where to go —
    the kinds of institution, never an invented address."""

    option: Remedy
    bring: tuple[str, ...]
    where: tuple[str, ...]


PREPARATION = {
    Remedy.ARBITRATION: Preparation(
        Remedy.ARBITRATION,
        bring=(
            _("your identity document"),
            _("your insurance policy, with the arbitration clause or the arbitration agreement"),
            _("our decision letter (download it on this page)"),
            _("the evidence you have: receipts, medical records, letters, photos"),
            _("a written application saying what you ask for and why"),
        ),
        where=(
            _("the arbitration commission named in your arbitration clause or agreement"),
            _("if you are not sure which one, ask us, or ask a legal aid centre or a lawyer"),
        ),
    ),
    Remedy.COURT: Preparation(
        Remedy.COURT,
        bring=(
            _("your identity document"),
            _("your insurance policy"),
            _("our decision letter (download it on this page)"),
            _("the evidence you have: receipts, medical records, letters, photos"),
            _("a statement of claim saying what you ask for and why (the court's filing desk can help you write it)"),
        ),
        where=(
            _("the filing desk of the basic people's court where we are domiciled or where the insured object is"),
            _("a legal aid centre, if you need free advice or cannot afford a lawyer"),
        ),
    ),
}


OUTSIDE_THE_PLATFORM = frozenset({Remedy.ARBITRATION, Remedy.COURT})
"""Options the consumer takes up elsewhere: recorded, staff told, and the file held for the dispute."""

AFTER_DECISION = frozenset({State.NOTIFIED, State.REVIEW_REQUESTED, State.CLOSED})
"""A choice is made on a decision that was sent (CMP-N1): not before, not on a withdrawn or declined case."""


class NoDecisionYet(TransitionNotAllowed):
    code = "no_decision_yet"
    default_message = _(
        "You can choose what to do next once you have received our decision. Until then we are still handling "
        "your complaint."
    )


def check_choice(state: State, *, notified: bool, current: str, chosen: Remedy) -> bool:
    """Whether recording ``chosen`` changes anything (False: the same choice again, a repeat);
    ``NoDecisionYet`` before the decision notice went out (DSP-2, CMP-N1)."""
    if not notified or state not in AFTER_DECISION:
        raise NoDecisionYet()
    return current != chosen.value


def review_last_day(notified_on: date, calendar: BusinessCalendar) -> tuple[date, bool]:
    """The last day to ask for a review: 30 days from the day of the notice (CMP-N2, counted as CMP-T7);
    provisional (the earliest it can be) while that year's calendar is not published."""
    return deadline_clock.provisional_due_date(RULES["CMP-N2-REQUEST"], notified_on, calendar)
