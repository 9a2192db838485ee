from django.apps import AppConfig


class BreachesConfig(AppConfig):
    name = "xiaobao.breaches"
    label = "breaches"
    verbose_name = "Breach response (SEC-3, PI-5)"
