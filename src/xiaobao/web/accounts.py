"""The staff account pages (issue #19, SEC-1): the code step after the password, the enrolment of an
authenticator, changing one's password, and setting a new one from an emailed link.

The pages only parse and render; the writes are the audited actions of ``identity.actions``; wrong codes and
reset mails are counted in the shared rate-limit table (``identity.login_throttle``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN, redirect_to_login
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_bytes
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_encode
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from xiaobao.identity import actions, login_throttle, two_factor
from xiaobao.identity.actors import actor_for_request, actor_for_user
from xiaobao.identity.models import Authenticator, EnrolmentTicket
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.ops import clock
from xiaobao.ops.client import client_ip
from xiaobao.ops.i18n import message_of
from xiaobao.ops.ratelimit import TooManyAttempts


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Six-digit code"),
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        max_length=8,
        error_messages={"invalid": _("Type the six digits your app shows, without letters.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": r"[0-9 ]*", "size": 8}
        ),
        help_text=_("The code your authenticator app shows for xiaobao now; it changes every 30 seconds."),
    )


def _next(request: HttpRequest) -> str:
    """Back to the page asked for: a path on this site only, else the staff's start page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("portal:after_login")


def _account_actor(request: HttpRequest) -> Actor:
    """Staff act as themselves; someone of the admin site who is not staff of an insurer, as the site's user."""
    actor = actor_for_request(request)
    if actor.kind is ActorKind.ANONYMOUS:
        return Actor(kind=ActorKind.SYSTEM, user_id=request.user.pk, label=f"admin-site:{request.user.get_username()}")
    return actor


def _code_attempt(request: HttpRequest, form: CodeForm, check: Any) -> Authenticator | None:
    """One code attempt, throttled per account: counted before the code is checked (so attempts sent together
    cannot all pass), uncounted if right; wrong, it stays counted, outside the refused change's transaction so
    a refusal cannot roll the count back, and the one that locks the code step for the day tells the holder."""
    if not form.is_valid():
        return None
    user_id = int(request.user.pk or 0)
    try:
        attempt = login_throttle.code_attempt(user_id)
    except TooManyAttempts as locked:
        form.add_error(None, message_of(locked))
        return None
    device: Authenticator | None = check(form.cleaned_data["code"].replace(" ", "").strip())
    if device is None:
        if login_throttle.code_wrong(user_id):
            actions.account_two_factor_locked(
                actor=_account_actor(request), user=request.user, language=get_language() or "zh-hans"
            )
        form.add_error("code", message_of(actions.WrongTwoFactorCode()))
    else:
        login_throttle.code_right(attempt)
    return device


@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponseBase:
    """The second step of signing in: the code from the person's authenticator (each code once)."""
    if not request.user.is_authenticated:
        return redirect_to_login(_next(request))
    if two_factor.is_verified(request) or not two_factor.needs_second_factor(request):
        return HttpResponseRedirect(_next(request))
    if two_factor.confirmed_device(request.user) is None:
        return HttpResponseRedirect(f"{reverse('two_factor_enrol')}?{request.GET.urlencode()}")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":

        def check(code: str) -> Authenticator | None:
            with transaction.atomic():
                device = Authenticator.objects.select_for_update().filter(user=request.user, confirmed=True).first()
                return device if device is not None and device.verify_token(code) else None

        device = _code_attempt(request, form, check)
        if device is not None:
            two_factor.mark_verified(request, device)
            return HttpResponseRedirect(_next(request))
    return render(
        request,
        "web/accounts/two_factor_verify.html",
        {"form": form, "next": _next(request)},
        status=200,
    )


class TicketForm(forms.Form):
    ticket = forms.CharField(
        label=_("Set-up code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "size": 12}),
        help_text=_("Ten letters and digits, as your administrator gave it to you (for example ABCDE-FGH23)."),
    )


def _ticket_step(request: HttpRequest, ticket: EnrolmentTicket) -> HttpResponseBase:
    """After an administrator's reset: the one-time set-up code first, counted like a wrong code when wrong."""
    form = TicketForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user_id = int(request.user.pk or 0)
        try:
            attempt = login_throttle.code_attempt(user_id)
        except TooManyAttempts as locked:
            form.add_error(None, message_of(locked))
        else:
            if two_factor.ticket_accepts(ticket, form.cleaned_data["ticket"]):
                login_throttle.code_right(attempt)
                request.session[two_factor.TICKET_PRESENTED] = ticket.pk
                return HttpResponseRedirect(request.get_full_path())
            if login_throttle.code_wrong(user_id):
                actions.account_two_factor_locked(
                    actor=_account_actor(request), user=request.user, language=get_language() or "zh-hans"
                )
            form.add_error(
                "ticket",
                _(
                    "That set-up code is not right, or is more than three days old. Type it as your administrator "
                    "gave it, or ask them for a new one."
                ),
            )
    return render(request, "web/accounts/two_factor_ticket.html", {"form": form, "next": _next(request)})


@require_http_methods(["GET", "POST"])
def two_factor_enrol(request: HttpRequest) -> HttpResponseBase:
    """A first authenticator: the secret as a QR code and as text, confirmed by a first code. Only for someone
    without one: replacing an authenticator is the administrator's reset, never the password alone — after
    which the one-time set-up code the reset issued comes first."""
    if not request.user.is_authenticated:
        return redirect_to_login(_next(request))
    if not two_factor.needs_second_factor(request):
        return HttpResponseRedirect(_next(request))
    if two_factor.confirmed_device(request.user) is not None:
        return HttpResponseRedirect(f"{reverse('two_factor_verify')}?{request.GET.urlencode()}")
    ticket = two_factor.enrolment_ticket(request.user)
    ticket_id = two_factor.ticket_presented(request, ticket)
    if ticket is not None and ticket_id is None:
        return _ticket_step(request, ticket)
    actor = _account_actor(request)
    device = actions.account_two_factor_enrol(actor=actor, user=request.user, ticket_id=ticket_id)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":

        def check(code: str) -> Authenticator | None:
            try:
                return actions.account_two_factor_confirm(
                    actor=actor, user=request.user, code=code, ticket_id=ticket_id
                )
            except actions.WrongTwoFactorCode:
                return None

        confirmed = _code_attempt(request, form, check)
        if confirmed is not None:
            request.session.pop(two_factor.TICKET_PRESENTED, None)
            two_factor.mark_verified(request, confirmed)
            return HttpResponseRedirect(_next(request))
    return render(
        request,
        "web/accounts/two_factor_enrol.html",
        {
            "form": form,
            "next": _next(request),
            "qr": two_factor.qr_svg(device),
            "secret": two_factor.secret_text(device),
        },
    )


# --- the password ---


@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponseBase:
    """Signed-in staff change their own password; this session stays, their other sessions end."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = PasswordChangeForm(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():  # Django's: the old password, the new one twice, validated
        actions.account_password_change(
            actor=_account_actor(request), user=request.user, password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(request, request.user)
        return render(request, "web/accounts/password_changed.html")
    return render(request, "web/accounts/password_change.html", {"form": form}, status=200)


class ClockedTokens(PasswordResetTokenGenerator):
    """Django's reset tokens (HMAC of the password hash and last log-in: used once, then void), dated by the
    application clock so the expiry (``PASSWORD_RESET_TIMEOUT``) is the same clock as everything else."""

    def _now(self) -> Any:
        return clock.now().replace(tzinfo=None)


reset_tokens = ClockedTokens()


class ResetAskForm(forms.Form):
    email = forms.EmailField(label=_("Email address of your account"), max_length=254)
    email.widget.attrs["autocomplete"] = "email"


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Asks for the account's email address; answers the same whether or not an account has it."""
    form = ResetAskForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        address = client_ip(request)
        try:
            login_throttle.reset_check(email, address)
        except TooManyAttempts as locked:
            form.add_error(None, message_of(locked))
        else:
            login_throttle.reset_asked(email, address)
            for user in _accounts_with(email):
                # From the configured address, never the request's Host header: a forged Host would send the
                # token to another site (the link must work from the mailbox, where no request is trusted).
                link = settings.XIAOBAO_PUBLIC_URL + (
                    reverse(
                        "password_reset_confirm",
                        kwargs={
                            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                            "token": reset_tokens.make_token(user),
                        },
                    )
                )
                actions.account_password_reset_send(
                    actor=actor_for_user(user), user=user, link=link, language=get_language() or "zh-hans"
                )
            return render(request, "web/accounts/password_reset_sent.html")
    return render(request, "web/accounts/password_reset.html", {"form": form})


def _accounts_with(email: str) -> list[Any]:
    """Active accounts signing in with a password under this address (consumers have no password)."""
    users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
    return [u for u in users if u.has_usable_password()]


class AuditedPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view (the token checked, then kept in the session, not the address bar); the new password is
    set by the audited action instead of ``form.save()``."""

    def form_valid(self, form: Any) -> HttpResponse:
        actions.account_password_reset(
            actor=actor_for_user(form.user), user=form.user, password=form.cleaned_data["new_password1"]
        )
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


password_reset_confirm = AuditedPasswordResetConfirmView.as_view(
    token_generator=reset_tokens,
    template_name="web/accounts/password_reset_confirm.html",
    success_url=reverse_lazy("password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="web/accounts/password_reset_complete.html"
)
