"""The one gate to what xiaobao holds about a person (PIPL Art.44-47).

A consumer is who their verified phone says (docs/adr/0007): every consumer record on that phone is theirs —
but not one whose identity staff checked as another person's — and so is every call-back those records asked
for (not one where somebody merely typed the phone). Staff whose roles grant ``rights.handle`` see their own
insurer's data requests and no other's. The system (the retention sweep, the export and erasure actions after their own checks)
reads what one person's records are, insurer by insurer. Not found and not allowed give the same answer.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Max, Q, QuerySet

from xiaobao.callbacks.models import CallbackRequest
from xiaobao.claims.models import Claim, ClaimDeadline, ClaimDocument, DocumentRequest
from xiaobao.complaints.models import (
    Attachment,
    Complaint,
    Conflict,
    Extension,
    InformationRequest,
    Message,
    PartnerForward,
    Pause,
)
from xiaobao.identity.access import one, tenant_scoped
from xiaobao.identity.domain.permissions import Permission
from xiaobao.identity.models import Consumer, ConsumerRelationship, PhoneVerification
from xiaobao.intake.models import Draft
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.errors import NotFound
from xiaobao.notifications.models import Notification
from xiaobao.privacy.models import PersonalDataAccess
from xiaobao.rights.models import DataRequest, Erasure


def person_of(actor: Actor) -> list[Consumer]:
    """The consumer records of the person acting: theirs, and every other record on the same verified phone;
    refused (``NotFound``) for anyone but a consumer."""
    if actor.kind is not ActorKind.CONSUMER or actor.consumer_id is None:
        raise NotFound()
    me = Consumer.objects.filter(pk=actor.consumer_id).first()
    if me is None:
        raise NotFound()
    return records_on_phone(me)


def records_on_phone(consumer: Consumer) -> list[Consumer]:
    """This record and the others on its phone — except a record whose identity staff checked as someone else's
    (a family sharing one phone: the mother registered at the counter is not her son who signed in)."""
    if consumer.phone_index is None:
        return [consumer]
    on_phone = Consumer.objects.filter(Q(pk=consumer.pk) | Q(phone_index=consumer.phone_index))
    someone_else = Q(id_checked_by_staff=True) & ~Q(pk=consumer.pk)
    if consumer.resident_id_index is not None:
        someone_else &= ~Q(resident_id_index=consumer.resident_id_index)
    return list(on_phone.exclude(someone_else).order_by("pk"))


def others_on_phone(phone_index: str, consumer_ids: list[int]) -> bool:
    """Another consumer record, not among these, is on this phone."""
    return Consumer.objects.filter(phone_index=phone_index).exclude(pk__in=consumer_ids).exists()


def consumer_of_system(consumer_id: int, *, for_update: bool = False) -> Consumer:
    return one(Consumer.objects.all(), consumer_id, for_update=for_update)


def consumers_to_review() -> QuerySet[Consumer]:
    """Every consumer not yet erased in full, for the retention sweep."""
    erased = Erasure.objects.filter(insurer__isnull=True).values("consumer_id")
    return Consumer.objects.exclude(pk__in=erased).order_by("pk")


def _in(field: str, consumer_ids: list[int], insurer_id: int | None, *, insurer_field: str = "insurer_id") -> Q:
    where = Q(**{f"{field}__in": consumer_ids})
    return where & Q(**{insurer_field: insurer_id}) if insurer_id is not None else where


def complaints_of(consumer_ids: list[int], insurer_id: int | None = None) -> QuerySet[Complaint]:
    return Complaint.objects.filter(_in("complainant_id", consumer_ids, insurer_id)).order_by("pk")


def complaint_parts_of(complaint_ids: list[int]) -> dict[str, QuerySet[Any]]:
    return {
        "messages": Message.objects.filter(complaint_id__in=complaint_ids).order_by("pk"),
        "information_requests": InformationRequest.objects.filter(complaint_id__in=complaint_ids).order_by("pk"),
        "attachments": Attachment.objects.filter(complaint_id__in=complaint_ids).order_by("pk"),
        "forwards": PartnerForward.objects.filter(complaint_id__in=complaint_ids).order_by("pk"),
        "extensions": Extension.objects.filter(complaint_id__in=complaint_ids).order_by("pk"),
        "conflicts": Conflict.objects.filter(complaint_id__in=complaint_ids).order_by("pk"),
        "pauses": Pause.objects.filter(complaint_id__in=complaint_ids).order_by("pk"),
    }


def claims_of(consumer_ids: list[int], insurer_id: int | None = None) -> QuerySet[Claim]:
    return Claim.objects.filter(_in("claimant_id", consumer_ids, insurer_id)).order_by("pk")


def claim_documents_of(claim_ids: list[int]) -> QuerySet[ClaimDocument]:
    return ClaimDocument.objects.filter(claim_id__in=claim_ids).order_by("pk")


def document_requests_of(claim_ids: list[int]) -> QuerySet[DocumentRequest]:
    return DocumentRequest.objects.filter(claim_id__in=claim_ids).order_by("pk")


def data_reveals_of(consumer_ids: list[int], insurer_id: int | None = None) -> QuerySet[PersonalDataAccess]:
    """Staff's reveals of these records' full values (the reasons they typed are about the person)."""
    return PersonalDataAccess.objects.filter(_in("consumer_id", consumer_ids, insurer_id)).order_by("pk")


def claim_last_closed_on(claim_ids: list[int]) -> dict[int, date]:
    """The day each claim's last clock closed (a claim has no closing date of its own)."""
    found: dict[int, date] = {}
    closed = ClaimDeadline.objects.filter(claim_id__in=claim_ids, closed_on__isnull=False)
    for claim_id, closed_on in closed.values_list("claim_id", "closed_on"):
        if closed_on is not None:
            found[claim_id] = max(closed_on, found.get(claim_id, closed_on))
    return found


def callbacks_of(consumers: list[Consumer], insurer_id: int | None = None) -> QuerySet[CallbackRequest]:
    """Call-backs asked for by these records. One asked without a record only typed a phone — anybody may type
    anybody's — so it is not this person's to see or delete (it keeps its own retention)."""
    ids = [c.pk for c in consumers]
    where = Q(consumer_id__in=ids)
    if insurer_id is not None:
        where &= Q(insurer_id=insurer_id)
    return CallbackRequest.objects.filter(where).order_by("pk")


def drafts_of(consumer_ids: list[int], insurer_id: int | None = None) -> QuerySet[Draft]:
    return Draft.objects.filter(_in("consumer_id", consumer_ids, insurer_id)).order_by("pk")


def notices_to(consumer_ids: list[int], insurer_id: int | None = None) -> QuerySet[Notification]:
    return Notification.objects.filter(_in("consumer_id", consumer_ids, insurer_id)).order_by("created_at", "pk")


def notices_about(about: dict[str, list[int]]) -> QuerySet[Notification]:
    """Every notice about these rows (``{"complaints.complaint": [ids], …}``), to staff as to the consumer: a
    staff notice may quote what the person wrote."""
    where = Q(pk__in=[])
    for about_type, ids in about.items():
        where |= Q(about_type=about_type, about_id__in=[str(pk) for pk in ids])
    return Notification.objects.filter(where).order_by("created_at", "pk")


def phone_check(verification_id: int) -> PhoneVerification | None:
    return PhoneVerification.objects.filter(pk=verification_id).first()


def phone_checks_of(phone_indexes: list[str]) -> QuerySet[PhoneVerification]:
    return PhoneVerification.objects.filter(phone_index__in=phone_indexes)


def insurers_holding(consumers: list[Consumer]) -> list[int]:
    """Every insurer that holds data about these records: a relationship, a case, a call-back."""
    ids = [c.pk for c in consumers]
    found = set(ConsumerRelationship.objects.filter(consumer_id__in=ids).values_list("insurer_id", flat=True))
    found |= set(complaints_of(ids).values_list("insurer_id", flat=True))
    found |= set(claims_of(ids).values_list("insurer_id", flat=True))
    found |= set(callbacks_of(consumers).values_list("insurer_id", flat=True))
    return sorted(found)


def newest_record_at(consumers: list[Consumer], insurer_id: int) -> datetime | None:
    """When the newest case, claim or call-back of these records at this insurer began."""
    ids = [c.pk for c in consumers]
    found = [
        complaints_of(ids, insurer_id).aggregate(at=Max("registered_at"))["at"],
        claims_of(ids, insurer_id).aggregate(at=Max("reported_at"))["at"],
        callbacks_of(consumers, insurer_id).aggregate(at=Max("requested_at"))["at"],
    ]
    present = [at for at in found if at is not None]
    return max(present) if present else None


def insurers_related_to(consumer: Consumer) -> list[int]:
    """The insurers with a relationship to this one record: those whose staff can correct it."""
    return sorted(set(ConsumerRelationship.objects.filter(consumer=consumer).values_list("insurer_id", flat=True)))


def sibling_requests(request: DataRequest) -> QuerySet[DataRequest]:
    """The other insurers' open requests for the same correction of the same record, locked."""
    return (
        DataRequest.objects.filter(
            consumer_id=request.consumer_id, kind=request.kind, field=request.field, state="open"
        )
        .exclude(pk=request.pk)
        .select_for_update()
        .order_by("pk")
    )


def relationships_of(consumer_ids: list[int]) -> QuerySet[ConsumerRelationship]:
    return ConsumerRelationship.objects.filter(consumer_id__in=consumer_ids).select_related("insurer").order_by("pk")


def erasures_of(consumer_ids: list[int]) -> QuerySet[Erasure]:
    return Erasure.objects.filter(consumer_id__in=consumer_ids).order_by("pk")


def requests_of_person(actor: Actor) -> QuerySet[DataRequest]:
    """The person's own requests, across every insurer."""
    ids = [c.pk for c in person_of(actor)]
    return DataRequest.objects.filter(consumer_id__in=ids).select_related("insurer").order_by("-requested_at", "-pk")


def open_requests_of(consumer_ids: list[int], kind: str, field: str) -> QuerySet[DataRequest]:
    """The person's requests of this kind (a correction: of this field) still waiting for an answer."""
    return DataRequest.objects.filter(consumer_id__in=consumer_ids, kind=kind, field=field, state="open").order_by("pk")


def requests_of(consumer_ids: list[int], insurer_id: int | None = None) -> QuerySet[DataRequest]:
    return DataRequest.objects.filter(_in("consumer_id", consumer_ids, insurer_id)).order_by("pk")


def data_requests_for(actor: Actor) -> QuerySet[DataRequest]:
    return tenant_scoped(DataRequest.objects.all(), actor, Permission.HANDLE_DATA_REQUESTS)


def data_request_for(actor: Actor, request_id: Any, *, for_update: bool = False) -> DataRequest:
    return one(data_requests_for(actor), request_id, for_update=for_update)


def file_in_use_elsewhere(name: str, pk: int, kind: str) -> bool:
    """Another attachment or claim document holds the same stored file (uploads are stored by content address)."""
    attachments = Attachment.objects.filter(file=name)
    documents = ClaimDocument.objects.filter(file=name)
    if kind == "attachment":
        attachments = attachments.exclude(pk=pk)
    else:
        documents = documents.exclude(pk=pk)
    return attachments.exists() or documents.exists()
