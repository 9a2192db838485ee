from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "xiaobao.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from xiaobao.notifications import events  # noqa: F401
