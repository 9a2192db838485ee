from django.apps import AppConfig


class CallbacksConfig(AppConfig):
    name = "xiaobao.callbacks"
    label = "callbacks"
    verbose_name = "Call-back requests"
