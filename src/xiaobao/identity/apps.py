from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "xiaobao.identity"
    label = "identity"
    verbose_name = "Identity and tenancy"

    def ready(self) -> None:
        from xiaobao.identity import events  # noqa: F401  (declares audit event types)
