from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "xiaobao.complaints"
    label = "complaints"
    verbose_name = "Complaints"

    def ready(self) -> None:
        from xiaobao.complaints import events  # noqa: F401
        from xiaobao.complaints.selectors import attachment_file_names, receipts_health
        from xiaobao.ops.health import register_part
        from xiaobao.ops.stored_files import register_owner

        register_owner("complaints", attachment_file_names)
        register_part("intake", receipts_health)
