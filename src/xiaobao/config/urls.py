from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from xiaobao.config.api import api
from xiaobao.ops.views import healthz
from xiaobao.web.forms import ThrottledAuthenticationForm

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/", api.urls),
    path(
        "accounts/login/", auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm), name="login"
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("workbench/", include("xiaobao.workbench.urls")),
    path("admin/", admin.site.urls),
    path("", include("xiaobao.speech.urls")),
    path("", include("xiaobao.portal.urls")),
]

if settings.XIAOBAO_BENCH_ENDPOINTS:
    from xiaobao.ops.bench_views import bare_insert, bare_read

    urlpatterns += [path("bench/bare-insert", bare_insert), path("bench/bare-read", bare_read)]
