"""Verifying a phone with a one-time code (SEC-1, CMP-I1): sent through the SMS gateway, kept only as a hash.

In development the code can be read in the outbox (RecordedSms); in production it leaves only by SMS.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils.translation import gettext

from xiaobao.identity.models import PhoneVerification
from xiaobao.kernel.actors import SYSTEM
from xiaobao.kernel.errors import InvalidInput
from xiaobao.kernel.i18n import _
from xiaobao.notifications.actions import notification_queue
from xiaobao.ops import clock, ratelimit
from xiaobao.privacy.domain.identifiers import normalise_phone
from xiaobao.privacy.keys import blind_indexer

CODE_DIGITS = 6
VALID_FOR = timedelta(minutes=10)
MAX_TRIES = 5


class WrongCode(InvalidInput):
    code = "wrong_code"
    default_message = _("That code is not right, or it has expired. Check the text message, or ask for a new code.")


def _hash(verification_id: int, code: str) -> str:
    key = blind_indexer().index("otp", str(verification_id)).encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def phone_verification_start(*, phone: str, purpose: str, client: str, language: str = "zh-hans") -> PhoneVerification:
    """Send a code to the phone. At most 5 codes per phone and 10 per client address per hour, so one
    address can neither flood a phone nor send codes to a list of numbers."""
    normalised = normalise_phone(phone)
    index = blind_indexer().index("phone", normalised)
    buckets = [(f"otp:{index}", 5), (f"otp-ip:{client}", 10)]
    for bucket, limit in buckets:
        ratelimit.check(bucket, limit=limit, window=timedelta(hours=1))
    for bucket, _limit in buckets:
        ratelimit.hit(bucket)
    now = clock.now()
    verification = PhoneVerification.objects.create(
        phone_index=index, code_hash="", purpose=purpose, created_at=now, expires_at=now + VALID_FOR
    )
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    verification.code_hash = _hash(verification.pk, code)
    verification.save(update_fields=["code_hash"])
    from django.utils import translation

    with translation.override(language):
        body = gettext(
            "Your xiaobao verification code is %(code)s. It is valid for 10 minutes. Do not tell anyone."
        ) % {"code": code}
    notification_queue(
        actor=SYSTEM, channel="sms", to_address=normalised, body=body, purpose="verification_code", language=language
    )
    return verification


def phone_verification_check(*, verification_id: int, code: str) -> PhoneVerification:
    """The code is right and in time; five wrong tries spend it. A wrong try is counted even though it is refused."""
    verification, right = _try_code(verification_id, code)
    if verification is None or not right:
        raise WrongCode()
    return verification


@transaction.atomic
def _try_code(verification_id: int, code: str) -> tuple[PhoneVerification | None, bool]:
    verification = PhoneVerification.objects.select_for_update().filter(pk=verification_id).first()
    if verification is None or verification.verified_at is not None:
        return verification, False
    now = clock.now()
    if now > verification.expires_at or verification.attempts >= MAX_TRIES:
        return verification, False
    if not hmac.compare_digest(verification.code_hash, _hash(verification.pk, code.strip())):
        verification.attempts += 1
        verification.save(update_fields=["attempts"])
        return verification, False
    verification.verified_at = now
    verification.save(update_fields=["verified_at"])
    return verification, True
