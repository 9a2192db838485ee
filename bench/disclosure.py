"""Public disclosure (issue #18 item 4) at volume, on PostgreSQL.

    scripts/with-postgres.sh .venv/bin/python bench/disclosure.py [--complaints 300000] [--consent-share 0.1]

Fills the database up to ``--complaints`` complaints over the last 36 months with their decision clocks (the
generator of ``bench/reports.py``: ``INSERT … SELECT … generate_series``), gives ``--consent-share`` of them an
open-data consent, then times:

- preparing an insurer's report of last year (``disclosure.actions.report_prepare``): the year's twelve months
  recounted into the statistics summary (``reports.actions.figures_refresh``, every insurer) and the insurer's
  figures frozen — what a compliance officer waits for after pressing "Prepare";
- approving it, then the public report page and its PDF, served by the test client;
- one publication of the open data set (``disclosure.actions.open_data_publish``, the periodic task's work).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from _support import PROJECT, require_postgres, setup_django
from reports import generate


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--complaints", type=int, default=300_000)
    parser.add_argument("--consent-share", type=float, default=0.1)
    args = parser.parse_args()
    require_postgres()
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=PROJECT, check=True)
    subprocess.run([sys.executable, "manage.py", "demo_load"], cwd=PROJECT, check=True, stdout=subprocess.DEVNULL)
    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from xiaobao.complaints.models import Complaint
    from xiaobao.disclosure import actions
    from xiaobao.disclosure.models import DisclosureReport, OpenDataConsent
    from xiaobao.identity.actors import actor_for_user
    from xiaobao.kernel.actors import SYSTEM
    from xiaobao.ops import clock

    missing = args.complaints - Complaint.objects.count()
    if missing > 0:
        started = time.perf_counter()
        generate(missing)
        print(f"generated {missing:,} complaints and their clocks in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO disclosure_opendataconsent (complaint_id, consumer_id, insurer_id_copy, given_at) "
            "SELECT id, complainant_id, insurer_id, now() FROM complaints_complaint "
            "WHERE abs(hashint4(id::int)) %% 1000 < %s ON CONFLICT DO NOTHING",
            [int(args.consent_share * 1000)],
        )
        cursor.execute("VACUUM ANALYZE")
    year = clock.today().year - 1
    users = get_user_model().objects
    compliance = actor_for_user(users.get(username="anhe.compliance"))
    manager = actor_for_user(users.get(username="anhe.manager"))
    DisclosureReport.objects.filter(insurer_id=compliance.insurer_id, year=year).delete()
    in_year = Complaint.objects.filter(received_on__year=year).count()
    ours = Complaint.objects.filter(received_on__year=year, insurer_id=compliance.insurer_id).count()
    print(
        f"complaints in the database: {Complaint.objects.count():,}; received in {year}: {in_year:,} ({ours:,} anhe's)"
    )

    prepare_s, report = timed(lambda: actions.report_prepare(actor=compliance, year=year))
    print(f"prepare the {year} report (12 months recounted, figures frozen): {prepare_s:6.2f} s")
    assert report.figures["total"]["received"] == ours, "the report lost or added complaints"
    approve_s, _ = timed(lambda: actions.report_approve(actor=manager, report_id=report.pk))
    print(f"approve it:                                              {approve_s:6.3f} s")
    client = Client()
    address = f"/disclosure/{report.insurer.code}/{year}/"
    cold_s, page = timed(lambda: client.get(address))
    assert page.status_code == 200
    page_s, page = timed(lambda: client.get(address))
    print(f"public report page ({len(page.content):,} bytes): first {cold_s:6.3f} s, again {page_s:6.3f} s")
    pdf_s, pdf = timed(lambda: client.get(address + "report.pdf"))
    print(f"its PDF ({len(pdf.content):,} bytes):                              {pdf_s:6.3f} s")
    index_s, _ = timed(lambda: client.get("/disclosure/"))
    print(f"the public list of insurers:                             {index_s:6.3f} s")
    consents = OpenDataConsent.objects.filter(withdrawn_at__isnull=True).count()
    publish_s, publication = timed(lambda: actions.open_data_publish(actor=SYSTEM))
    size = len(publication.csv_text.encode()) + len(publication.json_text.encode())
    print(
        f"publish the open data set ({consents:,} consents, {publication.rows:,} rows, {size / 1e6:.1f} MB): {publish_s:6.2f} s"
    )
    assert publication.rows == consents


if __name__ == "__main__":
    main()
