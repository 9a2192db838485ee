from django.contrib import admin
from django.urls import path

from xiaobao.config.api import api
from xiaobao.ops.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
