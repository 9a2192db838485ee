from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "xiaobao.sales"
    label = "sales"
    verbose_name = "Sales"

    def ready(self) -> None:
        from xiaobao.ops.stored_files import register_owner
        from xiaobao.sales import events  # noqa: F401
        from xiaobao.sales.selectors import material_file_names, stored_file_names

        register_owner("sales", lambda: [*material_file_names(), *stored_file_names()])
