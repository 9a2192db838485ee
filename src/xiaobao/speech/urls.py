from django.urls import path

from xiaobao.speech import views

app_name = "speech"

urlpatterns = [
    path("speech/<str:key>.wav", views.audio, name="audio"),
]
