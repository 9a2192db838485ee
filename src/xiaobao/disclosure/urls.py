from django.urls import path

from xiaobao.disclosure import views

app_name = "disclosure"
urlpatterns = [
    path("disclosure/", views.index, name="index"),
    path("disclosure/open-data/", views.open_data, name="open_data"),
    path("disclosure/open-data/complaints.<str:file_format>", views.open_data_file, name="open_data_file"),
    path("disclosure/<slug:code>/<int:year>/", views.report, name="report"),
    path("disclosure/<slug:code>/<int:year>/report.pdf", views.report_pdf, name="report_pdf"),
    path("workbench/disclosure/", views.workbench, name="workbench"),
    path("workbench/disclosure/prepare/", views.workbench_prepare, name="workbench_prepare"),
    path("workbench/disclosure/<int:report_id>/", views.workbench_report, name="workbench_report"),
    path("workbench/disclosure/<int:report_id>/approve/", views.workbench_approve, name="workbench_approve"),
]
