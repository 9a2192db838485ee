from django.urls import path

from xiaobao.workbench import views

app_name = "workbench"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("complaints/<int:complaint_id>/", views.case, name="case"),
    path("complaints/<int:complaint_id>/steps/<str:step>/", views.take_step, name="step"),
    path("complaints/<int:complaint_id>/decision-letter.pdf", views.decision_letter, name="letter"),
    path("approvals/", views.approvals, name="approvals"),
    path("intake/", views.intake, name="intake"),
    path("extensions/<int:extension_id>/decision/", views.decide_extension, name="decide_extension"),
]
