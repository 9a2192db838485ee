"""The worker publishes the open complaint data set (issue #18 item 4) every ``XIAOBAO_OPEN_DATA_SECONDS``."""

from __future__ import annotations

from django_tasks import task

from xiaobao.disclosure import actions
from xiaobao.kernel.actors import SYSTEM


@task()
def publish_open_data() -> int:
    """A new publication from the consents standing now; returns its rows."""
    return actions.open_data_publish(actor=SYSTEM).rows
