from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "xiaobao.privacy"
    label = "privacy"
    verbose_name = "Personal data"

    def ready(self) -> None:
        from xiaobao.privacy import events  # noqa: F401
