from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "xiaobao.intake"
    label = "intake"
    verbose_name = "Intake channels"
