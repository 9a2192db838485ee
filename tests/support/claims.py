"""Claims as tests make them: a hospital claim on the desk's insurer, documents sent one by one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.support.desk import Desk
from xiaobao.claims import actions
from xiaobao.claims.actions import NewClaim
from xiaobao.claims.models import Claim, ClaimDeadline

PDF = b"%PDF-1.4 claim document"
HOSPITAL_ITEMS = ["claim_form", "id_card", "invoice", "discharge_summary", "bank_card"]


def new_claim(**overrides: object) -> NewClaim:
    values: dict[str, object] = {
        "policy_number": "P-2026-01",
        "product_line": "medical",
        "claim_type": "hospitalisation",
        "incident_date": date(2026, 2, 20),
        "incident_region": "210102",
        "description": "肺炎住院 7 天。",
        "amount_claimed": Decimal("12800.00"),
    }
    values.update(overrides)
    return NewClaim(**values)  # type: ignore[arg-type]


def report(desk: Desk, **overrides: object) -> Claim:
    return actions.claim_report(
        actor=desk.handler,
        insurer_id=desk.world.ours.insurer.pk,
        claimant_id=desk.complainant.pk,
        data=new_claim(**overrides),
    )


def clock_of(claim: Claim, which: str) -> ClaimDeadline:
    return ClaimDeadline.objects.get(claim=claim, clock=which)


def send_all(desk: Desk, claim: Claim, items: list[str]) -> None:
    for code in items:
        actions.claim_receive_document(
            actor=desk.handler, claim_id=claim.pk, item_code=code, name=f"{code}.pdf", content=PDF
        )


def claim_request(**overrides: object) -> dict[str, object]:
    """The JSON of a claim made through the API, with ``overrides``."""
    values: dict[str, object] = {
        "policy_number": "ACC-2026-0042",
        "product_line": "accident",
        "claim_type": "injury",
        "incident_date": "2026-02-27",
        "incident_region": "210202",
        "description": "下楼梯摔伤，右腕骨折。",
        "amount_claimed": "8600.00",
        "claimant": {"name": "孙立", "phone": "13800138077"},
    }
    values.update(overrides)
    return values
