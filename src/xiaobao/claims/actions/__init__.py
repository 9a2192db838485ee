"""The only code that writes claims (CLM-1..3; RULES.md CLM-T1..T6). One function per step.

Each step: fetch through ``claims.access`` with a row lock, ask the domain,
save, record one audit event, and queue what the claimant must be told — all in
one transaction.
"""

from __future__ import annotations

from xiaobao.claims.actions._checklists import (
    ChecklistItemText,
    checklist_item_keep,
    checklist_item_save,
    checklist_wording_keep,
    other_languages,
)
from xiaobao.claims.actions._deciding import (
    claim_advance_payment,
    claim_agree_amount,
    claim_assess,
    claim_pause,
    claim_pay,
    claim_refuse,
    claim_resume,
)
from xiaobao.claims.actions._documents import claim_receive_document, claim_request_documents
from xiaobao.claims.actions._receipts import (
    claim_document_receive,
    claim_receipt_register,
    claim_receipts_sweep,
    claim_receive,
    document_receipt_attach,
)
from xiaobao.claims.actions._reporting import NewClaim, access_code_hash, claim_report, emergency_declare
from xiaobao.claims.actions._shared import HELD_BY_INSURER, checklist, described, explained, missing
from xiaobao.claims.actions._sweep import ClaimSweepResult, claims_sweep
from xiaobao.claims.actions._visits import claim_book_home_visit

__all__ = [
    "HELD_BY_INSURER",
    "ChecklistItemText",
    "ClaimSweepResult",
    "NewClaim",
    "access_code_hash",
    "checklist",
    "checklist_item_keep",
    "checklist_item_save",
    "checklist_wording_keep",
    "claim_advance_payment",
    "claim_agree_amount",
    "claim_assess",
    "claim_book_home_visit",
    "claim_document_receive",
    "claim_pause",
    "claim_pay",
    "claim_receipt_register",
    "claim_receipts_sweep",
    "claim_receive",
    "claim_receive_document",
    "claim_refuse",
    "claim_report",
    "claim_request_documents",
    "claim_resume",
    "claims_sweep",
    "described",
    "document_receipt_attach",
    "emergency_declare",
    "explained",
    "missing",
    "other_languages",
]
