from django.urls import path

from xiaobao.workbench import claims, views

app_name = "workbench"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("complaints/<int:complaint_id>/", views.case, name="case"),
    path("complaints/<int:complaint_id>/steps/<str:step>/", views.take_step, name="step"),
    path("complaints/<int:complaint_id>/decision-letter.pdf", views.decision_letter, name="letter"),
    path("complaints/<int:complaint_id>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("approvals/", views.approvals, name="approvals"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<uuid:notification_id>/read/", views.inbox_read, name="inbox_read"),
    path("partners/", views.partners, name="partners"),
    path("intake/", views.intake, name="intake"),
    path("claims/", claims.claim_queue, name="claims"),
    path("claims/<int:claim_id>/", claims.claim_case, name="claim"),
    path("claims/<int:claim_id>/steps/<str:step>/", claims.claim_step, name="claim_step"),
    path("claims/<int:claim_id>/documents/<int:document_id>/", claims.claim_document, name="claim_document"),
    path("extensions/<int:extension_id>/decision/", views.decide_extension, name="decide_extension"),
]
