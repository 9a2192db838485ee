from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "xiaobao.claims"
    label = "claims"
    verbose_name = "Claims"

    def ready(self) -> None:
        from xiaobao.casework.receipts import ReceiptKind, register_kind
        from xiaobao.claims import events
        from xiaobao.claims.models import ClaimReceipt, DocumentReceipt
        from xiaobao.claims.selectors import document_file_names, receipts_health
        from xiaobao.ops.health import register_part
        from xiaobao.ops.stored_files import register_owner

        register_owner("claims", document_file_names)
        register_part("claims_intake", receipts_health)
        for name, model, process in (
            ("claims", ClaimReceipt, _register_claim),
            ("claim_documents", DocumentReceipt, _attach_document),
        ):
            register_kind(
                ReceiptKind(
                    name=name,
                    model=model,
                    process=process,
                    refused_event=events.RECEIPT_REFUSED,
                    failed_event=events.RECEIPT_FAILED,
                )
            )


def _register_claim(receipt_id: int) -> object:
    from xiaobao.claims import actions

    return actions.claim_receipt_register(receipt_id=receipt_id)


def _attach_document(receipt_id: int) -> object:
    from xiaobao.claims import actions

    return actions.document_receipt_attach(receipt_id=receipt_id)
