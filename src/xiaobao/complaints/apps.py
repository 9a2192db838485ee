from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "xiaobao.complaints"
    label = "complaints"
    verbose_name = "Complaints"

    def ready(self) -> None:
        from xiaobao.complaints import events  # noqa: F401
