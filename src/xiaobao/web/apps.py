from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "xiaobao.web"
    label = "web"
    verbose_name = "Web layout"
