from django.apps import AppConfig


class SpeechConfig(AppConfig):
    name = "xiaobao.speech"
    label = "speech"
    verbose_name = "Read-aloud"
