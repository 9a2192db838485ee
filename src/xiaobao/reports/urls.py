from django.urls import path

from xiaobao.reports import views

app_name = "reports"
urlpatterns = [
    path("workbench/reports/", views.dashboard, name="dashboard"),
    path("workbench/reports/export/", views.export, name="export"),
    path("workbench/reports/denominators/", views.denominator, name="denominator"),
    path("regulator/", views.regulator_dashboard, name="regulator"),
    path("regulator/export/", views.regulator_export, name="regulator_export"),
]
