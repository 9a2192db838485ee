from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from xiaobao.config.api import api
from xiaobao.ops.views import healthz
from xiaobao.web import accounts
from xiaobao.web.forms import ThrottledAuthenticationForm

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/", api.urls),
    path(
        "accounts/login/", auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm), name="login"
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", accounts.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-factor/enrol/", accounts.two_factor_enrol, name="two_factor_enrol"),
    path("accounts/password/", accounts.password_change, name="password_change"),
    path("accounts/password/reset/", accounts.password_reset, name="password_reset"),
    path("accounts/password/reset/done/", accounts.password_reset_complete, name="password_reset_complete"),
    path("accounts/password/reset/<uidb64>/<token>/", accounts.password_reset_confirm, name="password_reset_confirm"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("xiaobao.reports.urls")),
    path("", include("xiaobao.disclosure.urls")),
    path("workbench/", include("xiaobao.workbench.urls")),
    path("mediation/", include("xiaobao.workbench.mediator_urls")),
    path("admin/", admin.site.urls),
    path("", include("xiaobao.speech.urls")),
    path("", include("xiaobao.portal.urls")),
]

if settings.XIAOBAO_BENCH_ENDPOINTS:
    from xiaobao.ops.bench_views import bare_insert, bare_read

    # First, not last: the baseline is resolved as cheaply as an API route (after the portal's patterns it paid
    # some 800 Python calls per request for the resolving alone, which flattered every ratio against it).
    urlpatterns[:0] = [path("bench/bare-insert", bare_insert), path("bench/bare-read", bare_read)]
