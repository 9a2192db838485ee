from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "xiaobao.disputes"
    label = "disputes"
    verbose_name = "Disputes: mediation and judicial confirmation (DSP-1, DSP-3)"

    def ready(self) -> None:
        from xiaobao.disputes import events  # noqa: F401
        from xiaobao.disputes.selectors import evidence_file_names
        from xiaobao.ops.stored_files import register_owner

        register_owner("disputes", evidence_file_names)
