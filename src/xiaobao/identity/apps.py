from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "xiaobao.identity"
    label = "identity"
    verbose_name = "Identity and tenancy"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from xiaobao.identity import events  # noqa: F401  (declares audit event types)
        from xiaobao.identity.middleware import session_began

        user_logged_in.connect(session_began, dispatch_uid="xiaobao.identity.session_began")
