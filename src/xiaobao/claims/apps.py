from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "xiaobao.claims"
    label = "claims"
    verbose_name = "Claims"

    def ready(self) -> None:
        from xiaobao.claims import events  # noqa: F401
        from xiaobao.claims.selectors import document_file_names
        from xiaobao.ops.stored_files import register_owner

        register_owner("claims", document_file_names)
