from django.urls import path

from xiaobao.portal import call_back, claims, data_reads, kept, mediation, my_data, sign_in, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("i/<slug:code>/", views.insurer, name="insurer"),
    path("i/<slug:code>/products/<slug:product_code>/", views.product, name="product"),
    path("i/<slug:code>/complain/", views.file_start, name="file_start"),
    path("i/<slug:code>/complain/verify/", views.file_verify, name="file_verify"),
    path("i/<slug:code>/complain/details/", views.file_details, name="file_details"),
    path("i/<slug:code>/claim/", claims.claim_apply, name="claim_apply"),
    path("i/<slug:code>/check-again/", kept.check_again, name="check_again"),
    path("claims/<str:reference>/", claims.claim_follow, name="claim"),
    path("claims/<str:reference>/documents/", claims.claim_upload, name="claim_upload"),
    path("claims/<str:reference>/home-visit/", claims.claim_home_visit, name="claim_home_visit"),
    path("claims/<str:reference>/refusal-letter.pdf", claims.claim_refusal_letter, name="claim_letter"),
    path("filed/<str:reference>/", views.filed, name="filed"),
    path("track/", views.track, name="track"),
    path("my/", views.mine, name="mine"),
    path("my/complaints/<str:reference>/mediation/", mediation.mediation_consent, name="mediation_consent"),
    path("my/data/reads/", data_reads.data_reads, name="data_reads"),
    path("my/data/", my_data.my_data, name="my_data"),
    path("my/data/export.json", my_data.my_data_export, name="my_data_export"),
    path("my/data/correct/", my_data.my_data_correct, name="my_data_correct"),
    path("my/data/delete/", my_data.my_data_delete, name="my_data_delete"),
    path("sign-in/", sign_in.sign_in, name="sign_in"),
    path("sign-in/code/", sign_in.sign_in_code, name="sign_in_code"),
    path("sign-in/choose/", sign_in.sign_in_choose, name="sign_in_choose"),
    path("after-login/", views.after_login, name="after_login"),
    path("track/<str:reference>/", views.tracking, name="tracking"),
    path("track/<str:reference>/decision-letter.pdf", views.tracking_letter, name="tracking_letter"),
    path("track/<str:reference>/<str:step>/", views.tracking_step, name="tracking_step"),
    path("elder-mode/", views.elder_mode, name="elder_mode"),
    path("call-back/", call_back.choose_insurer, name="call_back"),
    path("call-back/<str:reference>/", call_back.call_back_done, name="call_back_done"),
    path("i/<slug:code>/call-back/", call_back.insurer_call_back, name="insurer_call_back"),
]
