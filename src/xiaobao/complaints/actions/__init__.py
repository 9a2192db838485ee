"""The only code that writes complaints. One function per step of the lifecycle (DESIGN.md).

Each step: fetch through ``complaints.access`` with a row lock, ask the
domain whether it is allowed, save with ``update_fields``, record one audit
event, and queue what the complainant or staff must be told — all in one
transaction.
"""

from __future__ import annotations

from xiaobao.casework.receipts import ReceiptSweep
from xiaobao.complaints.actions._complainant import (
    ReviewWindowClosed,
    complaint_attach,
    complaint_choose_next_step,
    complaint_decide_review,
    complaint_request_review,
    complaint_want_mediation,
    complaint_withdraw,
)
from xiaobao.complaints.actions._extensions import (
    complaint_apply_extension,
    complaint_decide_extension,
    complaint_request_extension,
)
from xiaobao.complaints.actions._handling import (
    complaint_accept,
    complaint_add_message,
    complaint_assign,
    complaint_close,
    complaint_decide,
    complaint_declare_conflict,
    complaint_decline,
    complaint_investigate,
    complaint_new_facts,
    complaint_pause,
    complaint_request_information,
    complaint_resume,
    complaint_send_decision,
    interest_facts,
)
from xiaobao.complaints.actions._mediation import complaint_mediation_pause, complaint_mediation_resume
from xiaobao.complaints.actions._partners import (
    PARTNER_DATA_CATEGORY,
    complaint_forward,
    partner_forward_answer,
)
from xiaobao.complaints.actions._queue import (
    EXPORT_CAP,
    EXPORT_FORMATS,
    MAX_BULK_ASSIGNMENT,
    AssignmentOutcome,
    QueueExport,
    complaint_queue_export,
    complaints_assign,
    saved_view_delete,
    saved_view_save,
)
from xiaobao.complaints.actions._receipts import (
    Received,
    complaint_receive,
    receipt_failed_attempt,
    receipt_register,
    receipts_claim,
    receipts_release,
    receipts_sweep,
)
from xiaobao.complaints.actions._registration import (
    NewComplaint,
    Registration,
    access_code_hash,
    complaint_file_online,
    complaint_register,
    complaint_registration,
    new_access_code,
    policy_number_index,
)
from xiaobao.complaints.actions._shared import (
    OUTCOME_TEXT,
    Upload,
)
from xiaobao.complaints.actions._sweep import (
    SweepResult,
    complaints_sweep,
)
from xiaobao.ops.idempotency import IdempotencyKeyReused

__all__ = [
    "EXPORT_CAP",
    "EXPORT_FORMATS",
    "MAX_BULK_ASSIGNMENT",
    "OUTCOME_TEXT",
    "PARTNER_DATA_CATEGORY",
    "AssignmentOutcome",
    "IdempotencyKeyReused",
    "NewComplaint",
    "QueueExport",
    "ReceiptSweep",
    "Received",
    "Registration",
    "ReviewWindowClosed",
    "SweepResult",
    "Upload",
    "access_code_hash",
    "complaint_accept",
    "complaint_add_message",
    "complaint_apply_extension",
    "complaint_assign",
    "complaint_attach",
    "complaint_choose_next_step",
    "complaint_close",
    "complaint_decide",
    "complaint_decide_extension",
    "complaint_decide_review",
    "complaint_declare_conflict",
    "complaint_decline",
    "complaint_file_online",
    "complaint_forward",
    "complaint_investigate",
    "complaint_mediation_pause",
    "complaint_mediation_resume",
    "complaint_new_facts",
    "complaint_pause",
    "complaint_queue_export",
    "complaint_receive",
    "complaint_register",
    "complaint_registration",
    "complaint_request_extension",
    "complaint_request_information",
    "complaint_request_review",
    "complaint_resume",
    "complaint_send_decision",
    "complaint_want_mediation",
    "complaint_withdraw",
    "complaints_assign",
    "complaints_sweep",
    "interest_facts",
    "new_access_code",
    "partner_forward_answer",
    "policy_number_index",
    "receipt_failed_attempt",
    "receipt_register",
    "receipts_claim",
    "receipts_release",
    "receipts_sweep",
    "saved_view_delete",
    "saved_view_save",
]
