from django.urls import path

from xiaobao.workbench import administration as admin
from xiaobao.workbench import claims, queue, views

app_name = "workbench"
urlpatterns = [
    path("", queue.queue, name="queue"),
    path("assign/", queue.bulk_assign, name="bulk_assign"),
    path("export/", queue.export, name="queue_export"),
    path("views/", queue.saved_view_save, name="saved_view_save"),
    path("views/<int:view_id>/delete/", queue.saved_view_delete, name="saved_view_delete"),
    path("complaints/<int:complaint_id>/", views.case, name="case"),
    path("complaints/<int:complaint_id>/steps/<str:step>/", views.take_step, name="step"),
    path("complaints/<int:complaint_id>/decision-letter.pdf", views.decision_letter, name="letter"),
    path("complaints/<int:complaint_id>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("complaints/<int:complaint_id>/reveal/", views.reveal, name="reveal"),
    path("approvals/", views.approvals, name="approvals"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<uuid:notification_id>/read/", views.inbox_read, name="inbox_read"),
    path("partners/", views.partners, name="partners"),
    path("intake/", views.intake, name="intake"),
    path("claims/", claims.claim_queue, name="claims"),
    path("claims/<int:claim_id>/", claims.claim_case, name="claim"),
    path("claims/<int:claim_id>/steps/<str:step>/", claims.claim_step, name="claim_step"),
    path("claims/<int:claim_id>/documents/<int:document_id>/", claims.claim_document, name="claim_document"),
    path("claims/<int:claim_id>/reveal/", claims.claim_reveal, name="claim_reveal"),
    path("extensions/<int:extension_id>/decision/", views.decide_extension, name="decide_extension"),
    # the insurer administrator's pages (issue #14)
    path("administration/", admin.overview, name="admin_overview"),
    path("administration/channels/", admin.channels_save, name="admin_channels"),
    path("administration/branches/", admin.branches, name="admin_branches"),
    path("administration/branches/add/", admin.branch_add, name="admin_branch_add"),
    path("administration/branches/<int:branch_id>/rename/", admin.branch_rename, name="admin_branch_rename"),
    path("administration/staff/", admin.staff_list, name="admin_staff_list"),
    path("administration/staff/add/", admin.staff_add, name="admin_staff_add"),
    path("administration/staff/<int:staff_id>/", admin.staff_page, name="admin_staff"),
    path("administration/staff/<int:staff_id>/roles/", admin.staff_roles, name="admin_staff_roles"),
    path("administration/staff/<int:staff_id>/password/", admin.staff_password, name="admin_staff_password"),
    path("administration/staff/<int:staff_id>/deactivate/", admin.staff_deactivate, name="admin_staff_deactivate"),
    path("administration/partners/", admin.partner_list, name="admin_partners"),
    path("administration/partners/add/", admin.partner_add, name="admin_partner_add"),
    path("administration/partners/<int:partner_id>/", admin.partner_page, name="admin_partner"),
    path("administration/partners/<int:partner_id>/keys/", admin.partner_key_issue, name="admin_key_issue"),
    path("administration/partners/<int:partner_id>/agreements/", admin.agreement_record, name="admin_agreement"),
    path(
        "administration/partners/<int:partner_id>/deactivate/", admin.partner_deactivate, name="admin_partner_deactivate"
    ),
    path("administration/keys/<int:key_id>/revoke/", admin.partner_key_revoke, name="admin_key_revoke"),
    path("administration/counters/", admin.counters, name="admin_counters"),
    path("administration/counters/add/", admin.counter_add, name="admin_counter_add"),
    path("administration/counters/<int:point_id>/", admin.counter_page, name="admin_counter"),
    path("administration/checklists/", admin.checklists, name="admin_checklists"),
    path("administration/checklists/<slug:line>/<slug:kind>/", admin.checklist, name="admin_checklist"),
    path(
        "administration/checklists/<slug:line>/<slug:kind>/save/", admin.checklist_item_save, name="admin_checklist_save"
    ),
    path(
        "administration/checklists/<slug:line>/<slug:kind>/<str:language>/",
        admin.checklist_wording,
        name="admin_checklist_wording",
    ),
]
