"""Suitability: learn the buyer, match the product, advise against a clear mismatch (SAL-2, SAL-S2..S4).

The questionnaire (SAL-S2, NFRA Order 2023 No.2 Art.21) asks in plain words for the buyer's needs, a few
questions that give a risk profile, the household's yearly income, the budget for this insurance, whether they
already hold similar cover, and their birth date. ``assess`` matches a product and the proposed premium against
the profile and gives reasons, each with the RULES.md id it rests on:

- a clear mismatch (a need the product does not serve, a risk above the profile, money needed soon in a
  product that loses value when surrendered early) → advise against (SAL-S3); a buyer who insists signs a
  declaration that it is their own choice;
- for products whose benefit is not guaranteed (participating, universal, unit-linked life insurance) the four
  thresholds of NFRA Order 2025 No.7 Art.39 (SAL-S4), each of which needs the buyer's signed declaration:
  single premium **>** 4× household yearly income; yearly premium **>** 20 % of it; payment years + age
  **≥** 75; premium **≥** 150 % of the stated budget. For other products the same figures are only a caution
  to explain (SAL-S2 ability to pay): the law sets them for uncertain-benefit products alone;
- buyers **65 or older** get extra care (SAL-S4, Art.18): see ``ELDER_CARE_MEASURES``.

Money is ``Decimal`` throughout; no float touches a threshold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import IntEnum, StrEnum

from xiaobao.kernel.errors import InvalidInput
from xiaobao.kernel.i18n import _

# --- SAL-S4 (NFRA Order 2025 No.7 Art.39, Art.18, Art.17), the figures exactly as RULES.md states them ---
SAL_S4_SINGLE_PREMIUM_INCOME_MULTIPLE = Decimal(4)
"""SAL-S4: a single premium **greater than** 4 times the household's yearly income needs a declaration."""
SAL_S4_ANNUAL_PREMIUM_INCOME_SHARE = Decimal("0.20")
"""SAL-S4: a yearly premium **greater than** 20 % of the household's yearly income needs a declaration."""
SAL_S4_PAYMENT_YEARS_PLUS_AGE = 75
"""SAL-S4: payment years plus the buyer's age **75 or more** needs a declaration."""
SAL_S4_BUDGET_MULTIPLE = Decimal("1.5")
"""SAL-S4: a premium **of 150 % or more** of the buyer's stated budget needs a declaration."""
SAL_S4_ELDER_CARE_AGE = 65
"""SAL-S4: buyers aged **65 or older** get extra care."""
SAL_S4_RETENTION_YEARS = 5
"""SAL-S4: suitability records are kept at least 5 years after the contract ends."""


class Need(StrEnum):
    PROTECTION = "protection"
    SAVINGS = "savings"
    GROWTH = "growth"


NEED_TEXT = {
    Need.PROTECTION: _("Cover if I fall ill, have an accident or die"),
    Need.SAVINGS: _("Saving for a goal, such as a child's education or my retirement"),
    Need.GROWTH: _("Making my money grow, even if its value goes up and down"),
}


class RiskProfile(IntEnum):
    """Ordered: a product's risk may not be above the buyer's profile."""

    CONSERVATIVE = 1
    BALANCED = 2
    GROWTH = 3

    @property
    def code(self) -> str:
        return self.name.lower()


RISK_PROFILE_TEXT = {
    RiskProfile.CONSERVATIVE: _("careful: keeping the money safe matters most"),
    RiskProfile.BALANCED: _("balanced: some ups and downs are acceptable for a better return"),
    RiskProfile.GROWTH: _("growth: large ups and downs are acceptable for the chance of more"),
}


@dataclass(frozen=True)
class Choice:
    value: str
    text: str
    points: int


@dataclass(frozen=True)
class RiskQuestion:
    code: str
    text: str
    choices: tuple[Choice, ...]


RISK_QUESTIONS: tuple[RiskQuestion, ...] = (
    RiskQuestion(
        "drop",
        _("If the money you put in were worth less for a while, what would you do?"),
        (
            Choice("take_out", _("Take it out at once, even at a loss"), 0),
            Choice("wait", _("Wait for it to recover"), 1),
            Choice("add", _("Put more in while it is cheap"), 2),
        ),
    ),
    RiskQuestion(
        "horizon",
        _("When might you need this money back?"),
        (
            Choice("short", _("Within 3 years"), 0),
            Choice("medium", _("In 3 to 10 years"), 1),
            Choice("long", _("Not for more than 10 years"), 2),
        ),
    ),
    RiskQuestion(
        "preference",
        _("Which matters more to you?"),
        (
            Choice("sure", _("Getting all my money back for sure"), 0),
            Choice("mixed", _("Some safety and some growth"), 1),
            Choice("more", _("A chance of more, even if I might get back less"), 2),
        ),
    ),
    RiskQuestion(
        "experience",
        _("Have you bought funds, shares or investment insurance before?"),
        (
            Choice("none", _("Never"), 0),
            Choice("some", _("A few times"), 1),
            Choice("often", _("Often"), 2),
        ),
    ),
)
QUESTIONS_BY_CODE: Mapping[str, RiskQuestion] = {question.code: question for question in RISK_QUESTIONS}


def risk_profile(answers: Mapping[str, str]) -> RiskProfile:
    """SAL-S2: the sum of the points of the four risk answers (0..8): up to 2 careful, 3 to 5 balanced, 6 or
    more growth. An answer missing or not among the choices is refused."""
    points = 0
    for question in RISK_QUESTIONS:
        chosen = {choice.value: choice.points for choice in question.choices}.get(answers.get(question.code, ""))
        if chosen is None:
            raise InvalidInput(_("Answer every question about money and risk."))
        points += chosen
    if points <= 2:
        return RiskProfile.CONSERVATIVE
    if points <= 5:
        return RiskProfile.BALANCED
    return RiskProfile.GROWTH


class PremiumMode(StrEnum):
    SINGLE = "single"
    ANNUAL = "annual"


@dataclass(frozen=True)
class Answers:
    """What the buyer answered (SAL-S2): personal and financial data, stored encrypted."""

    needs: frozenset[Need]
    risk: Mapping[str, str]
    household_income_yuan: Decimal
    budget_yuan: Decimal
    """What the buyer means to pay for this insurance: per year for a yearly premium, in all for a single one."""
    has_similar_cover: bool
    birth_date: date

    def __post_init__(self) -> None:
        if not self.needs:
            raise InvalidInput(_("Choose at least one need."))
        if self.household_income_yuan <= 0 or self.budget_yuan <= 0:
            raise InvalidInput(_("Income and budget are amounts greater than zero."))


@dataclass(frozen=True)
class Profile:
    needs: frozenset[Need]
    risk: RiskProfile
    household_income_yuan: Decimal
    budget_yuan: Decimal
    has_similar_cover: bool
    age: int
    money_needed_soon: bool


def age_on(birth_date: date, day: date) -> int:
    """Age in whole years on ``day`` (周岁): one more on each birthday; a 29 February birthday counts on 1 March
    in a common year."""
    if birth_date > day:
        raise InvalidInput(_("The birth date is after today."))
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - (1 if before_birthday else 0)


def profile_of(answers: Answers, on: date) -> Profile:
    """SAL-S2: the profile the questionnaire gives on the day of the assessment."""
    return Profile(
        needs=answers.needs,
        risk=risk_profile(answers.risk),
        household_income_yuan=answers.household_income_yuan,
        budget_yuan=answers.budget_yuan,
        has_similar_cover=answers.has_similar_cover,
        age=age_on(answers.birth_date, on),
        money_needed_soon=answers.risk.get("horizon") == "short",
    )


@dataclass(frozen=True)
class ProductFacts:
    """What matching needs to know of a product (``sales.Product``)."""

    tier: int
    uncertain_benefit: bool
    investment_linked: bool
    term_months: int | None
    protection_line: bool
    """A line that pays on illness, accident, death or loss (not a participating/universal savings line)."""


@dataclass(frozen=True)
class Proposal:
    """The premium proposed to the buyer (``sales.Sale``)."""

    premium_yuan: Decimal
    mode: PremiumMode
    payment_years: int

    def __post_init__(self) -> None:
        if self.premium_yuan <= 0 or self.payment_years < 1:
            raise InvalidInput(_("The premium is greater than zero and paid for at least one year."))
        if self.mode is PremiumMode.SINGLE and self.payment_years != 1:
            raise InvalidInput(_("A single premium is paid once: one year of payment."))


def product_need(product: ProductFacts) -> Need:
    """The need a product serves: investment-linked → growth; other uncertain-benefit or savings lines →
    savings; the rest → protection."""
    if product.investment_linked:
        return Need.GROWTH
    if product.uncertain_benefit or not product.protection_line:
        return Need.SAVINGS
    return Need.PROTECTION


def product_risk(product: ProductFacts) -> RiskProfile:
    """The profile a buyer needs for a product: investment-linked → growth, benefit not guaranteed →
    balanced, a guaranteed benefit → careful (SAL-S1 risk, SAL-S2)."""
    if product.investment_linked:
        return RiskProfile.GROWTH
    if product.uncertain_benefit:
        return RiskProfile.BALANCED
    return RiskProfile.CONSERVATIVE


class Severity(StrEnum):
    MATCH = "match"
    """A point in favour, stated so the record shows why."""
    CAUTION = "caution"
    """Something to explain to the buyer; no declaration needed."""
    THRESHOLD = "threshold"
    """A SAL-S4 threshold crossed: the buyer's signed declaration is needed."""
    MISMATCH = "mismatch"
    """A clear mismatch: advise against; a buyer who insists signs a declaration (SAL-S3)."""


NEEDS_DECLARATION = frozenset({Severity.THRESHOLD, Severity.MISMATCH})


@dataclass(frozen=True)
class Reason:
    """One reason of the result: a stable code, the RULES.md id, its weight, and its text (a msgid the page
    translates, filled with ``params``)."""

    code: str
    rule_id: str
    severity: Severity
    text: str
    params: Mapping[str, str] = field(default_factory=dict)


class Outcome(StrEnum):
    SUITABLE = "suitable"
    DECLARATION_NEEDED = "declaration_needed"
    """Suitable, but a SAL-S4 threshold is crossed: the buyer signs a declaration."""
    ADVISE_AGAINST = "advise_against"
    """A clear mismatch (SAL-S3): the seller advises against; a buyer who insists signs a declaration."""


OUTCOME_TEXT = {
    Outcome.SUITABLE: _("Suitable"),
    Outcome.DECLARATION_NEEDED: _("Suitable, but the buyer must sign a declaration"),
    Outcome.ADVISE_AGAINST: _("Not suitable: advise the buyer against it"),
}


class ElderCare(StrEnum):
    """SAL-S4 (NFRA Order 2025 No.7 Art.18) asks for extra care with buyers 65 or older; xiaobao's measures:"""

    SECOND_EXPLANATION = "second_explanation"
    """The seller explains the main terms (what is paid, what is not guaranteed, the cooling-off period, the cost
    of leaving early) a second time, in plain words, and the buyer says them back in their own words."""
    COMPANION = "companion"
    """A family member or a trusted person is invited to be present; whether they came is recorded."""


ELDER_CARE_TEXT = {
    ElderCare.SECOND_EXPLANATION: _(
        "I explained the main terms a second time in plain words — what is paid, what is not guaranteed, the "
        "cooling-off period and the cost of leaving early — and the buyer told them back in their own words."
    ),
    ElderCare.COMPANION: _("A family member or a trusted person was invited to be present."),
}
ELDER_CARE_MEASURES = tuple(ElderCare)


def elder_care_needed(age: int) -> bool:
    """SAL-S4: extra care for buyers aged 65 or older."""
    return age >= SAL_S4_ELDER_CARE_AGE


@dataclass(frozen=True)
class Threshold:
    code: str
    text: str


SINGLE_PREMIUM_OVER_INCOME = Threshold(
    "single_premium_over_4x_income",
    _("The single premium is more than 4 times the household's yearly income."),
)
ANNUAL_PREMIUM_OVER_INCOME = Threshold(
    "annual_premium_over_20pct_income",
    _("The yearly premium is more than a fifth (20 per cent) of the household's yearly income."),
)
PAYMENT_YEARS_PLUS_AGE = Threshold(
    "payment_years_plus_age_75",
    _("The years of payment plus the buyer's age come to 75 or more."),
)
PREMIUM_OVER_BUDGET = Threshold(
    "premium_150pct_of_budget",
    _("The premium is one and a half times (150 per cent) the budget the buyer stated, or more."),
)


def thresholds_crossed(profile: Profile, proposal: Proposal) -> list[Threshold]:
    """SAL-S4 (NFRA Order 2025 No.7 Art.39): which of the four thresholds this premium crosses, by exactly the
    comparisons RULES.md states — single premium > 4× income; yearly premium > 20 % of income; payment years +
    age ≥ 75; premium ≥ 150 % of the budget."""
    crossed: list[Threshold] = []
    income = profile.household_income_yuan
    if proposal.mode is PremiumMode.SINGLE and proposal.premium_yuan > SAL_S4_SINGLE_PREMIUM_INCOME_MULTIPLE * income:
        crossed.append(SINGLE_PREMIUM_OVER_INCOME)
    if proposal.mode is PremiumMode.ANNUAL and proposal.premium_yuan > SAL_S4_ANNUAL_PREMIUM_INCOME_SHARE * income:
        crossed.append(ANNUAL_PREMIUM_OVER_INCOME)
    if proposal.payment_years + profile.age >= SAL_S4_PAYMENT_YEARS_PLUS_AGE:
        crossed.append(PAYMENT_YEARS_PLUS_AGE)
    if proposal.premium_yuan >= SAL_S4_BUDGET_MULTIPLE * profile.budget_yuan:
        crossed.append(PREMIUM_OVER_BUDGET)
    return crossed


@dataclass(frozen=True)
class Assessment:
    profile: Profile
    outcome: Outcome
    reasons: tuple[Reason, ...]
    thresholds: tuple[str, ...]
    elder_care: bool

    @property
    def advised_against(self) -> bool:
        return self.outcome is Outcome.ADVISE_AGAINST

    @property
    def declaration_needed(self) -> bool:
        return self.outcome is not Outcome.SUITABLE

    @property
    def declared_reasons(self) -> tuple[Reason, ...]:
        """The reasons a buyer's declaration covers: every mismatch and every threshold crossed."""
        return tuple(reason for reason in self.reasons if reason.severity in NEEDS_DECLARATION)


def _fit(profile: Profile, product: ProductFacts) -> list[Reason]:
    """SAL-S2, SAL-S3: the product against the buyer's needs, risk profile, horizon and existing cover."""
    reasons: list[Reason] = []
    need = product_need(product)
    if need in profile.needs:
        reasons.append(Reason("need_served", "SAL-S2", Severity.MATCH, _("The product serves a need the buyer named.")))
    else:
        reasons.append(
            Reason(
                "need_not_served",
                "SAL-S3",
                Severity.MISMATCH,
                _("The product does not serve any need the buyer named."),
            )
        )
    required = product_risk(product)
    if required > profile.risk:
        reasons.append(
            Reason(
                "risk_above_profile",
                "SAL-S3",
                Severity.MISMATCH,
                _("The product's risk is above the buyer's risk profile."),
            )
        )
    else:
        reasons.append(
            Reason(
                "risk_within_profile", "SAL-S2", Severity.MATCH, _("The product's risk is within the buyer's profile.")
            )
        )
    if profile.money_needed_soon and product.uncertain_benefit:
        reasons.append(
            Reason(
                "money_needed_soon",
                "SAL-S3",
                Severity.MISMATCH,
                _("The buyer may need the money within 3 years, and this product returns less if left early."),
            )
        )
    if profile.has_similar_cover:
        reasons.append(
            Reason(
                "similar_cover_held",
                "SAL-S2",
                Severity.CAUTION,
                _("The buyer already holds similar cover: explain what this adds and what overlaps."),
            )
        )
    return reasons


def assess(profile: Profile, product: ProductFacts, proposal: Proposal) -> Assessment:
    """SAL-S2..S4: match the product and the premium against the buyer's profile, with reasons."""
    reasons = _fit(profile, product)
    crossed = thresholds_crossed(profile, proposal)
    for threshold in crossed:
        if product.uncertain_benefit:
            reasons.append(Reason(threshold.code, "SAL-S4", Severity.THRESHOLD, threshold.text))
        else:
            reasons.append(Reason(threshold.code, "SAL-S2", Severity.CAUTION, threshold.text))
    elder = elder_care_needed(profile.age)
    if elder:
        reasons.append(
            Reason(
                "elder_care",
                "SAL-S4",
                Severity.CAUTION,
                _("The buyer is %(age)s: take the extra care for buyers 65 or older."),
                {"age": str(profile.age)},
            )
        )
    if any(reason.severity is Severity.MISMATCH for reason in reasons):
        outcome = Outcome.ADVISE_AGAINST
    elif any(reason.severity is Severity.THRESHOLD for reason in reasons):
        outcome = Outcome.DECLARATION_NEEDED
    else:
        outcome = Outcome.SUITABLE
    return Assessment(
        profile=profile,
        outcome=outcome,
        reasons=tuple(reasons),
        thresholds=tuple(t.code for t in crossed) if product.uncertain_benefit else (),
        elder_care=elder,
    )


# --- the buyer's declaration (SAL-S3, SAL-S4) ---

DECLARATION_OPENING = _(
    "I, the buyer, have been told that %(product)s may not suit me, for the reasons below. I have been advised "
    "and have had the chance to ask questions. Buying it is my own choice."
)
DECLARATION_CLOSING = _(
    "I know I may cancel within the cooling-off period of %(days)s days after I sign for the policy and get my "
    "premium back."
)


def signature_matches(typed_name: str, name_on_record: str | None) -> bool:
    """A typed signature is the buyer's full name: spaces do not count; with a name on record it must match."""
    typed = "".join(typed_name.split())
    if not typed:
        return False
    return name_on_record is None or typed == "".join(name_on_record.split())


class DeclarationChanged(InvalidInput):
    code = "declaration_changed"
    default_message = _("The declaration has changed since it was shown. Read it again and sign again.")


class DeclarationNotConfirmed(InvalidInput):
    code = "declaration_not_confirmed"
    default_message = _("Type the buyer's full name as on their ID, and tick the box to confirm.")


class DeclarationRequired(InvalidInput):
    """SAL-S3/S4: the sale cannot be completed until the buyer's declaration is signed (or it is assessed)."""

    code = "declaration_required"
    default_message = _("This sale cannot be completed yet: %(missing)s")


class ElderCareIncomplete(InvalidInput):
    code = "elder_care_incomplete"
    default_message = _("The buyer is 65 or older: confirm each extra-care step before the assessment (SAL-S4).")


def check_elder_care(age: int, taken: Sequence[str]) -> None:
    """SAL-S4: at 65 or older every measure in ``ELDER_CARE_MEASURES`` is confirmed; below, none is asked."""
    if elder_care_needed(age) and not set(ELDER_CARE_MEASURES) <= set(taken):
        raise ElderCareIncomplete()
