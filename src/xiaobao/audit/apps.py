from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "xiaobao.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from xiaobao.audit import events  # noqa: F401  (declares the audit log's own event types)
