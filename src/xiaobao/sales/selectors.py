"""Public reads: products are published information, shown only under the insurer that sells them."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from xiaobao.kernel.actors import Actor
from xiaobao.sales import access
from xiaobao.sales.models import Product, RecordingUpload, Sale


def products_of(insurer_id: int) -> QuerySet[Product]:
    """On sale first, then by name; withdrawn products keep their pages for the people who hold them."""
    return Product.objects.filter(insurer_id=insurer_id).order_by("-on_sale", "name")


def product_page(insurer_id: int, code: str) -> Product | None:
    """A product of this insurer; another insurer's product code is simply not found here."""
    return Product.objects.filter(insurer_id=insurer_id, code=code).first()


# -- the replayable sale (issue #16 item 4) -----------------------------------------------------------------------


@dataclass(frozen=True)
class SaleSummary:
    sale: Sale
    events: int
    head: str
    recordings: int
    recording_required: bool


def sale_summary(actor: Actor, sale_id: int) -> SaleSummary:
    from xiaobao.sales.actions import recording_required

    sale = access.sale_for(actor, sale_id)
    head = access.events_of(sale).order_by("-sequence").values_list("sequence", "hash").first()
    return SaleSummary(
        sale=sale,
        events=head[0] if head else 0,
        head=head[1] if head else "0" * 64,
        recordings=access.recordings_of(sale).count(),
        recording_required=recording_required(sale),
    )


def upload_state(actor: Actor, token: str) -> RecordingUpload:
    return access.upload_for(actor, token)
