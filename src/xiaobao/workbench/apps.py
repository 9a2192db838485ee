from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    name = "xiaobao.workbench"
    label = "workbench"
    verbose_name = "Staff workbench"
