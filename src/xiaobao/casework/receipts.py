"""Write-behind intake shared by every kind of receipt (issue #20, ADR 0023 and its addendum).

A kind of receipt (a complaint, a claim, a document) is a concrete model on ``ReceiptBase`` and a ``ReceiptKind``
registered when its app is ready: the model, what the worker does with one receipt (``process``: register the
complaint, the claim, attach the document — the kind's own actions, in the receipt's transaction) and the audit
events of a receipt refused or given up. What is the same for every kind is here, once: the one-row insert
with its Idempotency-Key, claiming with ``FOR UPDATE SKIP LOCKED``, handing back a dead worker's claims,
failing a receipt that keeps failing, refusing one with the reason, and what ``/healthz`` shows of them.
``manage.py run_intake`` loops over every registered kind.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Count, F, Min

from xiaobao.audit.recorder import record
from xiaobao.audit.registry import EventType
from xiaobao.kernel import receipts
from xiaobao.kernel.actors import SYSTEM, Actor
from xiaobao.kernel.errors import DomainError
from xiaobao.kernel.receipts import ReceiptState
from xiaobao.ops import clock
from xiaobao.privacy.fields import EncryptedTextField

logger = logging.getLogger("xiaobao.intake")


def _choices(enum: type) -> list[tuple[str, str]]:
    return [(member.value, member.value) for member in enum]  # type: ignore[attr-defined]


class ReceiptBase(models.Model):
    """Something received and acknowledged, not yet dealt with: one row written by the request, in autocommit.

    ``received_at`` is the moment of the acknowledgement (the statutory clock starts from it); the caller as
    authenticated and the request as validated are kept sealed (encrypted) in ``payload``. A concrete kind adds
    what the worker's result is (the case, the document) and declares ``receipt_constraints`` and
    ``receipt_indexes`` in its Meta; ``REFERENCE_PREFIX`` and ``REFERENCE_MARK`` make its reference.
    """

    REFERENCE_PREFIX: ClassVar[str] = "LN"
    REFERENCE_MARK: ClassVar[str] = "W"

    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, null=True, related_name="+")
    caller = models.CharField(max_length=64)
    """The caller's audit id (``staff:12``): only they read the receipt, and their Idempotency-Keys are theirs."""
    idempotency_key = models.CharField(max_length=128, null=True, blank=True)  # noqa: DJ001  (none: no retry protection)
    request_hash = models.CharField(max_length=64)
    payload = EncryptedTextField()
    received_at = models.DateTimeField()
    state = models.CharField(max_length=16, choices=_choices(ReceiptState), default=ReceiptState.PENDING.value)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_by = models.CharField(max_length=64, blank=True, default="")
    claimed_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    error = models.JSONField(default=dict, blank=True)
    """Why the registration refused it (``code``, ``message`` msgid, ``params``), or the last failure's kind."""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        from xiaobao.kernel.clock import statutory_date

        return receipts.receipt_reference(
            self.pk, statutory_date(self.received_at), prefix=self.REFERENCE_PREFIX, mark=self.REFERENCE_MARK
        )

    @classmethod
    def parse_reference(cls, reference: str) -> int | None:
        """The receipt id of a well-formed reference of this kind, else None."""
        parsed = receipts.parse_receipt_reference(reference, prefix=cls.REFERENCE_PREFIX, mark=cls.REFERENCE_MARK)
        return None if parsed is None else parsed[1]


def receipt_constraints(name: str) -> list[models.BaseConstraint]:
    """A caller's Idempotency-Key names one receipt of the kind (``name`` prefixes the constraint's name)."""
    return [
        models.UniqueConstraint(
            fields=["caller", "idempotency_key"],
            condition=models.Q(idempotency_key__isnull=False),
            name=f"{name}_idempotency_key_once",
        )
    ]


def receipt_indexes(name: str) -> list[models.Index]:
    """The pending ones in order (the workers' claim), the claimed ones by age (the sweep)."""
    return [
        models.Index(fields=["id"], name=f"{name}_pending", condition=models.Q(state=ReceiptState.PENDING.value)),
        models.Index(
            fields=["claimed_at"], name=f"{name}_claimed", condition=models.Q(state=ReceiptState.CLAIMED.value)
        ),
    ]


R = TypeVar("R", bound=ReceiptBase)


@dataclass(frozen=True)
class ReceiptKind:
    """One kind of receipt, as ``run_intake`` and the sweep see it."""

    name: str
    model: type[ReceiptBase]
    process: Callable[[int], object]
    """Do the work of one claimed receipt in one transaction (lock it, skip it if final, mark it done or refused)."""
    refused_event: EventType
    failed_event: EventType


KINDS: dict[str, ReceiptKind] = {}


def register_kind(kind: ReceiptKind) -> None:
    """Called by the owning app when it is ready (so this layer imports no case type)."""
    KINDS[kind.name] = kind


def kinds() -> tuple[ReceiptKind, ...]:
    return tuple(KINDS.values())


def kind_of(model: type[ReceiptBase]) -> ReceiptKind:
    return next(kind for kind in KINDS.values() if kind.model is model)


# ---- the request's half ----


def insert(receipt: ReceiptBase) -> bool:
    """The one INSERT, in autocommit: the acknowledgement is durable when it is given. False when the caller's
    Idempotency-Key names a receipt already (the caller then reads ``of_caller``). Inside a caller's transaction
    (the tests, the immediate mode), a savepoint keeps a refused twin from spoiling it."""
    try:
        with transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext():
            receipt.save(force_insert=True)
    except IntegrityError:
        if receipt.idempotency_key is None:
            raise
        return False
    return True


def of_caller(model: type[R], caller: str, idempotency_key: str) -> R | None:
    """The receipt a caller's earlier request with this Idempotency-Key left."""
    return model.objects.filter(caller=caller, idempotency_key=idempotency_key).first()  # type: ignore[attr-defined, no-any-return]


def for_caller(model: type[R], actor: Actor, reference: str, *related: str) -> R | None:
    """A receipt for the caller that posted it only: None for anyone else (they are told it does not exist)."""
    receipt_id = model.parse_reference(reference)
    if receipt_id is None:
        return None
    receipt = model.objects.select_related(*related).filter(pk=receipt_id, caller=actor.audit_id).first()  # type: ignore[attr-defined]
    if receipt is None or receipt.reference != reference.strip():
        return None
    return receipt  # type: ignore[no-any-return]


# ---- the worker's half ----


def locked(model: type[R], receipt_id: int) -> R | None:
    """The worker's receipt, locked for its processing (the worker is the system: no tenant filter)."""
    return model.objects.select_for_update().filter(pk=receipt_id).first()  # type: ignore[attr-defined, no-any-return]


def claim(model: type[ReceiptBase], *, worker_id: str, limit: int) -> list[int]:
    """Up to ``limit`` pending receipts, oldest first, for this worker: ``FOR UPDATE SKIP LOCKED`` lets any
    number of workers claim side by side, each receipt by one."""
    objects = model.objects  # type: ignore[attr-defined]
    with transaction.atomic():
        ids = list(
            objects.select_for_update(skip_locked=True)
            .filter(state=ReceiptState.PENDING.value)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            objects.filter(pk__in=ids).update(
                state=ReceiptState.CLAIMED.value,
                claimed_by=worker_id,
                claimed_at=clock.now(),
                attempts=F("attempts") + 1,
            )
    return ids


def mark_done(receipt: ReceiptBase, *fields: str) -> None:
    """Done, with the result fields the kind set (``fields``), in the processing's transaction."""
    receipt.state = ReceiptState.DONE.value
    receipt.done_at = clock.now()
    receipt.error = {}
    receipt.save(update_fields=["state", "done_at", "error", *fields])


def _plain(params: Any) -> dict[str, object]:
    return {name: list(value) if isinstance(value, tuple) else value for name, value in dict(params).items()}


def refuse(receipt: ReceiptBase, *, actor: Actor, error: DomainError, event_type: EventType) -> None:
    """What only the processing could check refused it: the reason kept for its caller, and an audit event on the
    receipt's own chain, by the caller."""
    receipt.state = ReceiptState.REFUSED.value
    receipt.done_at = clock.now()
    receipt.error = {"code": error.code, "message": str(error.message), "params": _plain(error.params)}
    receipt.save(update_fields=["state", "done_at", "error"])
    record(
        event_type=event_type,
        actor=actor,
        subject=receipt,
        insurer_id=receipt.insurer_id,
        new={"receipt": receipt.reference, "code": error.code, "received_at": receipt.received_at.isoformat()},
        first=True,
    )
    logger.info("receipt %s refused: %s", receipt.reference, error.code)


def failed_attempt(kind: ReceiptKind, *, receipt_id: int, error: str) -> None:
    """A processing that failed for a reason other than a refusal (a defect): the receipt goes back to pending
    for another try, or is failed after ``MAX_ATTEMPTS`` claims. ``error`` names the kind of failure only (an
    exception's class): its message could quote the request, and the receipt's columns are not encrypted."""
    with transaction.atomic():
        receipt = locked(kind.model, receipt_id)
        if receipt is None or receipt.state != ReceiptState.CLAIMED.value:
            return
        receipt.state = receipts.after_stale_claim(receipt.attempts).value
        receipt.error = {"failure": error[:100]}
        receipt.save(update_fields=["state", "error"])
        if receipt.state == ReceiptState.FAILED.value:
            _record_failed(kind, receipt)


def _record_failed(kind: ReceiptKind, receipt: ReceiptBase) -> None:
    """The acknowledged request could not be dealt with: an event on the receipt's own chain, for the audit log
    and the operators (``/healthz`` counts failed receipts)."""
    record(
        event_type=kind.failed_event,
        actor=SYSTEM,
        subject=receipt,
        insurer_id=receipt.insurer_id,
        new={
            "receipt": receipt.reference,
            "attempts": receipt.attempts,
            "failure": str((receipt.error or {}).get("failure", "abandoned by its workers")),
            "received_at": receipt.received_at.isoformat(),
        },
        first=True,
    )


def release(model: type[ReceiptBase], *, worker_id: str) -> int:
    """An intake worker stopping (or back from a database outage) hands back the receipts it claimed and has
    not processed, rather than leave them for the sweep; none of them is being processed at that moment."""
    return int(
        model.objects.filter(state=ReceiptState.CLAIMED.value, claimed_by=worker_id).update(  # type: ignore[attr-defined]
            state=ReceiptState.PENDING.value
        )
    )


@dataclass(frozen=True)
class ReceiptSweep:
    requeued: int
    failed: int


def sweep(kind: ReceiptKind, *, now: datetime | None = None) -> ReceiptSweep:
    """Hand back receipts whose worker died between the two halves (claimed longer than the lease,
    ``XIAOBAO_INTAKE_LEASE_SECONDS``); fail those claimed ``MAX_ATTEMPTS`` times."""
    now = now or clock.now()
    cutoff = now - timedelta(seconds=settings.XIAOBAO_INTAKE_LEASE_SECONDS)
    objects = kind.model.objects  # type: ignore[attr-defined]
    with transaction.atomic():
        # A receipt being processed is locked by its worker: the UPDATE waits, then finds it done and leaves it.
        stale = objects.filter(state=ReceiptState.CLAIMED.value, claimed_at__lt=cutoff)
        abandoned = list(stale.filter(attempts__gte=receipts.MAX_ATTEMPTS).select_for_update(skip_locked=True))
        for receipt in abandoned:
            receipt.state = ReceiptState.FAILED.value
            receipt.save(update_fields=["state"])
            _record_failed(kind, receipt)
        failed = len(abandoned)
        requeued = stale.filter(attempts__lt=receipts.MAX_ATTEMPTS).update(state=ReceiptState.PENDING.value)
    if requeued or failed:
        logger.warning(
            "%s receipts taken back from dead intake workers: %s re-queued, %s failed", kind.name, requeued, failed
        )
    return ReceiptSweep(requeued=requeued, failed=failed)


def sweep_all(*, now: datetime | None = None) -> dict[str, ReceiptSweep]:
    return {kind.name: sweep(kind, now=now) for kind in kinds()}


def health(model: type[ReceiptBase]) -> dict[str, object] | None:
    """For /healthz: receipts owed — waiting, claimed by a worker, failed — and the age of the oldest; None
    when none is owed."""
    owed = ("pending", "claimed", "failed")
    rows = (
        model.objects.filter(state__in=owed)  # type: ignore[attr-defined]
        .values("state")
        .annotate(n=Count("pk"), oldest=Min("received_at"))
    )
    by_state = {row["state"]: row for row in rows}
    if not by_state:
        return None
    oldest = min(row["oldest"] for row in by_state.values())
    return {
        "waiting": by_state.get("pending", {}).get("n", 0),
        "claimed": by_state.get("claimed", {}).get("n", 0),
        "failed": by_state.get("failed", {}).get("n", 0),
        "oldest_seconds": round((clock.now() - oldest).total_seconds(), 1),
    }


def refusal_shown(receipt: ReceiptBase) -> dict[str, str] | None:
    """What a refused receipt tells its caller: the refusal's code and its message in the caller's language;
    None for a receipt not refused."""
    from xiaobao.ops.i18n import message_of

    if receipt.state != ReceiptState.REFUSED.value:
        return None
    refusal = DomainError(receipt.error.get("message") or None, **receipt.error.get("params", {}))
    refusal.code = receipt.error.get("code", DomainError.code)  # type: ignore[misc]
    return {"code": refusal.code, "message": message_of(refusal)}
