from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "xiaobao.claims"
    label = "claims"
    verbose_name = "Claims"

    def ready(self) -> None:
        from xiaobao.claims import events  # noqa: F401
