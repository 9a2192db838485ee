from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "xiaobao.complaints"
    label = "complaints"
    verbose_name = "Complaints"

    def ready(self) -> None:
        from xiaobao.casework.receipts import ReceiptKind, register_kind
        from xiaobao.complaints import events
        from xiaobao.complaints.models import Receipt
        from xiaobao.complaints.selectors import attachment_file_names, receipts_health
        from xiaobao.ops.health import register_part
        from xiaobao.ops.stored_files import register_owner

        register_owner("complaints", attachment_file_names)
        register_part("intake", receipts_health)
        register_kind(
            ReceiptKind(
                name="complaints",
                model=Receipt,
                process=_register_receipt,
                refused_event=events.RECEIPT_REFUSED,
                failed_event=events.RECEIPT_FAILED,
            )
        )


def _register_receipt(receipt_id: int) -> object:
    """Looked up at each call, so a test that replaces ``complaints.actions.receipt_register`` is obeyed."""
    from xiaobao.complaints import actions

    return actions.receipt_register(receipt_id=receipt_id)
