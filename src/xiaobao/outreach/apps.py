from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "xiaobao.outreach"
    label = "outreach"
    verbose_name = "Education and outreach"

    def ready(self) -> None:
        from xiaobao.ops.stored_files import register_owner
        from xiaobao.outreach.selectors import video_file_names

        register_owner("outreach", video_file_names)
