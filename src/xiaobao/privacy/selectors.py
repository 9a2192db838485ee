"""Who read a consumer's personal data (PI-4): staff reveals and partner reads, in one list, newest first.

The caller passes the rows its gate allows (``privacy.access``: a consumer's own, or an insurer's for its
compliance staff); this builds the page of them in plain words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import CharField, QuerySet, Value
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xiaobao.identity.domain.permissions import ROLE_PERMISSIONS, Permission
from xiaobao.identity.models import ROLE_CHOICES
from xiaobao.kernel.actors import Actor
from xiaobao.ops.i18n import translated_labels
from xiaobao.privacy.access import agreements_for
from xiaobao.privacy.domain.agreements import DATA_CATEGORY_TEXT, METHOD_TEXT, PURPOSE_TEXT
from xiaobao.privacy.domain.identifiers import mask_name
from xiaobao.privacy.models import DataSharingAgreement, PartnerDataRead, PersonalDataAccess

READS_PER_PAGE = 20

FIELD_TEXT: dict[str, Promise] = {
    "name": _("your name"),
    "resident_id": _("your ID number"),
    "phone": _("your phone number"),
    "email": _("your email address"),
}
REVEAL = "reveal"
PARTNER = "partner"


@dataclass(frozen=True, slots=True)
class DataRead:
    """One read, in words: who (an insurer's staff by role, or a partner by name), what, why, when."""

    at: datetime
    kind: str
    insurer: str
    reader: str | Promise
    what: list[str | Promise]
    why: str | Promise
    record: str = ""
    agreement: str = ""
    staff_name: str = ""
    consumer: str = ""
    partner_key_prefix: str = ""
    request_id: str = ""


def _roles_that_reveal(role_codes: list[str]) -> str:
    """The staff member's roles that allow a reveal: the consumer learns the role, never the name."""
    labels = dict(ROLE_CHOICES)
    allowed = ROLE_PERMISSIONS[Permission.REVEAL_PERSONAL_DATA]
    shown = [str(labels[code]) for code in sorted(role_codes) if code in labels and code in allowed]
    return " / ".join(shown) or str(_("staff member"))


def reads_page(
    reveals: QuerySet[PersonalDataAccess],
    partner_reads: QuerySet[PartnerDataRead],
    page_number: str | None,
    *,
    for_compliance: bool = False,
) -> tuple[Page, list[DataRead]]:  # type: ignore[type-arg]
    """One page of the reads the caller may see, newest first: two tables merged in the database (one query
    for the page, one for its count), then the page's rows read with what they name. Compliance staff also see
    the staff member's name, the consumer (masked), the key and the request; the consumer sees roles only."""
    merged = (
        reveals.annotate(kind=Value(REVEAL, output_field=CharField()))
        .values_list("at", "pk", "kind")
        .union(
            partner_reads.annotate(kind=Value(PARTNER, output_field=CharField())).values_list("at", "pk", "kind"),
            all=True,
        )
        .order_by("-at", "-pk")
    )
    page = Paginator(merged, READS_PER_PAGE).get_page(page_number)
    keys = list(page.object_list)
    reveal_rows = {
        row.pk: row
        for row in PersonalDataAccess.objects.filter(pk__in=[pk for _at, pk, kind in keys if kind == REVEAL])
        .select_related("insurer", "staff", "consumer")
        .prefetch_related("staff__role_grants")
    }
    partner_rows = {
        row.pk: row
        for row in PartnerDataRead.objects.filter(
            pk__in=[pk for _at, pk, kind in keys if kind == PARTNER]
        ).select_related("insurer", "partner", "agreement", "partner_key")
    }
    categories, purposes = translated_labels(DATA_CATEGORY_TEXT), translated_labels(PURPOSE_TEXT)
    reads: list[DataRead] = []
    for _at, pk, kind in keys:
        if kind == REVEAL:
            reveal = reveal_rows[pk]
            reads.append(
                DataRead(
                    at=reveal.at,
                    kind=REVEAL,
                    insurer=reveal.insurer.name,
                    reader=_roles_that_reveal([grant.role for grant in reveal.staff.role_grants.all()]),
                    what=[FIELD_TEXT.get(reveal.field, reveal.field)],
                    why=reveal.reason,
                    staff_name=reveal.staff.display_name if for_compliance else "",
                    consumer=mask_name(reveal.consumer.name or "") if for_compliance else "",
                    request_id=reveal.request_id if for_compliance else "",
                )
            )
        else:
            read = partner_rows[pk]
            reads.append(
                DataRead(
                    at=read.at,
                    kind=PARTNER,
                    insurer=read.insurer.name,
                    reader=read.partner.name,
                    what=[categories.get(category, category) for category in read.categories],
                    why=purposes.get(read.purpose, read.purpose),
                    record=read.record,
                    agreement=read.agreement.reference,
                    consumer=mask_name(read.consumer.name or "") if for_compliance else "",
                    partner_key_prefix=read.partner_key.prefix if read.partner_key and for_compliance else "",
                    request_id=read.request_id if for_compliance else "",
                )
            )
    return page, reads


@dataclass(frozen=True, slots=True)
class AgreementAwaiting:
    """An agreement waiting for a second person's approval, in words (PI-3)."""

    agreement: DataSharingAgreement
    purpose: str | Promise
    categories: list[str | Promise]
    method: str | Promise


def agreements_awaiting_approval(actor: Actor) -> list[AgreementAwaiting]:
    """Agreements of the actor's insurer recorded by someone else and not yet approved or ended (never their own:
    the recorder cannot approve)."""
    rows = (
        agreements_for(actor, Permission.MANAGE_PARTNERS)
        .filter(approved_at__isnull=True, ended_at__isnull=True)
        .exclude(recorded_by_id=actor.staff_id)
        .select_related("partner")
        .order_by("signed_at", "pk")
    )
    categories, purposes = translated_labels(DATA_CATEGORY_TEXT), translated_labels(PURPOSE_TEXT)
    methods = translated_labels(METHOD_TEXT)
    return [
        AgreementAwaiting(
            agreement=row,
            purpose=purposes.get(row.purpose, row.purpose),
            categories=[categories.get(c, c) for c in row.data_categories],
            method=methods.get(row.method, row.method),
        )
        for row in rows
    ]
