"""A sale waiting for its suitability assessment, the questionnaire answers tests send, and the people around it."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from tests.conftest import World
from tests.support.sales import make_product
from tests.support.world import Tenant
from xiaobao.identity.models import Consumer
from xiaobao.kernel.actors import Actor, Role
from xiaobao.ops import clock as app_clock
from xiaobao.sales.domain.suitability import Answers, ElderCare, Need, PremiumMode, Proposal
from xiaobao.sales.models import Product, Sale, Salesperson
from xiaobao.sales.suitability.actions import Questionnaire

_numbers = itertools.count(1)
BUYER_NAME = "王秀英"
CAREFUL = {"drop": "take_out", "horizon": "medium", "preference": "sure", "experience": "none"}
BALANCED = {"drop": "wait", "horizon": "medium", "preference": "mixed", "experience": "some"}


def participating_product(insurer: object, **overrides: object) -> Product:
    values: dict[str, object] = {
        "code": f"hongli-{next(_numbers)}",
        "name": "鸿利两全保险（分红型）",
        "product_line": "participating_universal_life",
        "tier": 2,
        "uncertain_benefit": True,
        "term_months": None,
        "cooling_off_days": 15,
        "cooling_off_deduction_yuan": Decimal("10.00"),
    }
    values.update(overrides)
    return make_product(insurer, **values)  # type: ignore[arg-type]


def open_sale(tenant: Tenant, buyer: Consumer | None, product: Product, **overrides: object) -> Sale:
    """A sale as the sale session leaves it for the questionnaire (tests make the row directly)."""
    n = next(_numbers)
    seller = Salesperson.objects.create(
        insurer=tenant.insurer, name=f"Seller {n}", practice_number=f"PN-{n:05d}", grade=3
    )
    values: dict[str, object] = {
        "insurer": tenant.insurer,
        "reference": f"SA-{tenant.insurer.code}-{n:05d}",
        "product": product,
        "seller": seller,
        "channel": Sale.Channel.FACE_TO_FACE,
        "buyer": buyer,
        "buyer_age": 40,
        "started_at": app_clock.now(),
    }
    values.update(overrides)
    return Sale.objects.create(**values)


def answers(**overrides: object) -> Answers:
    values: dict[str, object] = {
        "needs": frozenset({Need.SAVINGS}),
        "risk": BALANCED,
        "household_income_yuan": Decimal("100000"),
        "budget_yuan": Decimal("10000"),
        "has_similar_cover": False,
        "birth_date": date(1986, 1, 15),
    }
    values.update(overrides)
    return Answers(**values)  # type: ignore[arg-type]


def questionnaire(premium: str = "5000", years: int = 10, **overrides: object) -> Questionnaire:
    return Questionnaire(answers=answers(**overrides), proposal=Proposal(Decimal(premium), PremiumMode.ANNUAL, years))


def elder_questionnaire(born: date, premium: str = "5000", years: int = 5, **overrides: object) -> Questionnaire:
    asked = questionnaire(premium, years, birth_date=born, **overrides)
    return replace(asked, elder_care=tuple(ElderCare), companion_present=True)


@dataclass
class Counter:
    """A sales counter of ``ours``: a seller (handler), a supervisor, and the people who must be refused."""

    world: World
    seller: Actor
    supervisor: Actor
    compliance: Actor
    other_insurer_seller: Actor
    buyer: Consumer
    product: Product

    def sale(self, **overrides: object) -> Sale:
        return open_sale(self.world.ours, self.buyer, self.product, **overrides)


def make_counter(world: World) -> Counter:
    ours = world.ours
    return Counter(
        world=world,
        seller=ours.staff(Role.HANDLER)[1],
        supervisor=ours.staff(Role.SUPERVISOR)[1],
        compliance=ours.staff(Role.COMPLIANCE_OFFICER)[1],
        other_insurer_seller=world.theirs.staff(Role.HANDLER)[1],
        buyer=ours.consumer(name=BUYER_NAME, phone="13900001111"),
        product=participating_product(ours.insurer),
    )


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def answer_as_a_careful_buyer_wanting_cover(page: Any, born: str) -> None:
    """In a browser, the questionnaire as a careful buyer who wants cover, a household income of 60,000 yuan and a
    budget of 5,000, proposed 6,000 a year for 5 years — a mismatch for an uncertain-benefit product."""
    for name, value in (
        ("needs", "protection"),
        ("drop", "take_out"),
        ("horizon", "medium"),
        ("preference", "sure"),
        ("experience", "none"),
        ("has_similar_cover", "no"),
        ("premium_mode", "annual"),
    ):
        page.locator(f"input[name={name}][value={value}]").check()
    page.locator("#id_household_income_yuan").fill("60000")
    page.locator("#id_budget_yuan").fill("5000")
    page.locator("#id_birth_date").fill(born)
    page.locator("#id_premium_yuan").fill("6000")
    page.locator("#id_payment_years").fill("5")
