"""The mediation organisation's workspace (DSP-1), under ``/mediation/``."""

from django.urls import path

from xiaobao.workbench import mediator

app_name = "mediation"
urlpatterns = [
    path("", mediator.workspace, name="workspace"),
    path("statistics/", mediator.statistics, name="statistics"),
    path("referrals/<int:referral_id>/", mediator.referral, name="referral"),
    path("referrals/<int:referral_id>/accept/", mediator.accept, name="accept"),
    path("referrals/<int:referral_id>/outcome/", mediator.outcome, name="outcome"),
    path("referrals/<int:referral_id>/files/<int:attachment_id>/", mediator.document, name="document"),
]
