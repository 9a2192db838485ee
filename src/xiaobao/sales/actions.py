"""The only writer of products. Each change is in the audit log."""

from __future__ import annotations

import hashlib

from django.db import transaction

from xiaobao.audit.recorder import record
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.errors import PermissionDenied
from xiaobao.sales import events
from xiaobao.sales.models import Product


@transaction.atomic
def product_save(*, actor: Actor, product: Product, changed_by: str) -> Product:
    """Publish a new product page or change one; the event says who changed what."""
    if actor.kind is not ActorKind.SYSTEM:
        raise PermissionDenied()  # the platform's administrators, through the admin site
    first = product.pk is None
    old = {} if first else _described(Product.objects.select_for_update().get(pk=product.pk))
    product.full_clean()
    product.save()
    new = _described(product)
    record(
        event_type=events.PRODUCT_PUBLISHED if first else events.PRODUCT_CHANGED,
        actor=actor,
        subject=product,
        insurer_id=product.insurer_id,
        first=first,
        old={key: value for key, value in old.items() if new[key] != value},
        new={"by": changed_by, **{key: value for key, value in new.items() if old.get(key) != value}},
    )
    return product


def _described(product: Product) -> dict[str, object]:
    return {
        "code": product.code,
        "name": product.name,
        "line": product.product_line,
        "summary": product.summary,
        "terms_sha256": hashlib.sha256(product.terms.encode()).hexdigest(),
        "register_number": product.register_number,
        "register_url": product.register_url,
        "on_sale": product.on_sale,
    }
