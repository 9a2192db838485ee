from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "xiaobao.audit"
    label = "audit"
    verbose_name = "Audit log"
