from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "xiaobao.rights"
    label = "rights"
    verbose_name = "Data rights (PIPL)"
