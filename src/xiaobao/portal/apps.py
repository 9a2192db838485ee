from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "xiaobao.portal"
    label = "portal"
    verbose_name = "Consumer portal"
