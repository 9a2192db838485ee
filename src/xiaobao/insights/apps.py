from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "xiaobao.insights"
    label = "insights"
    verbose_name = "Root causes and fairness (CMP-S1, INC-4)"
