from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "xiaobao.demo"
    label = "demo"
    verbose_name = "Demo data"
