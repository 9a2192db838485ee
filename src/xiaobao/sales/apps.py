from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "xiaobao.sales"
    label = "sales"
    verbose_name = "Sales"

    def ready(self) -> None:
        from xiaobao.sales import events  # noqa: F401
