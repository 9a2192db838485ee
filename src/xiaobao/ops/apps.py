from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "xiaobao.ops"
    label = "ops"
    verbose_name = "Operations"
