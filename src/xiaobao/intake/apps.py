from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "xiaobao.intake"
    label = "intake"
    verbose_name = "Intake channels"

    def ready(self) -> None:
        from xiaobao.intake import events  # noqa: F401  (registers the event types)
        from xiaobao.intake.selectors import mail_health
        from xiaobao.ops.health import register_part

        register_part("mail", mail_health)
