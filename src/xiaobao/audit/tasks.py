"""The worker's share of the auditor's page: verifying every chain of an insurer (issue #18)."""

from __future__ import annotations

from django_tasks import task

from xiaobao.audit.actions import insurer_verification_failed, insurer_verification_run


@task()
def verify_insurer(verification_id: int) -> str:
    """Verify every chain of the verification's insurer and keep the result on it; a run that fails says so."""
    try:
        return insurer_verification_run(verification_id=verification_id).state
    except Exception:
        insurer_verification_failed(verification_id=verification_id)
        raise
