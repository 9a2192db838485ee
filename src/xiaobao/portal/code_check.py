"""The one step every phone check ends with (filing, signing in, a lapsed check asked again): the code form,
checked against the pending verification; a wrong code is an error on the form, never lost typing."""

from __future__ import annotations

from django.http import HttpRequest

from xiaobao.identity.actions import phone_verification_check
from xiaobao.identity.models import PhoneVerification
from xiaobao.kernel.errors import DomainError
from xiaobao.ops.i18n import message_of
from xiaobao.portal.forms import CodeForm


def code_checked(request: HttpRequest, verification_id: int) -> tuple[CodeForm, PhoneVerification | None]:
    """The code form of this request and, when a right code was posted in time, the verification it proved."""
    form = CodeForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return form, None
    try:
        return form, phone_verification_check(verification_id=verification_id, code=form.cleaned_data["code"])
    except DomainError as refused:
        form.add_error("code", message_of(refused))
        return form, None
