from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "xiaobao.web"
    label = "web"
    verbose_name = "Web layout"

    def ready(self) -> None:
        from xiaobao.web.languages import register_language_info

        register_language_info()
