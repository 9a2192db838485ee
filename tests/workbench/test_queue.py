"""The queue at volume (#14 item 3): one search box, sorting, the shared filter, bulk assignment, saved views,
export. Each through the page a staff member uses."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.test import Client

from tests.support.desk import Desk
from tests.support.matrix import Cast, assert_matrix, row_counts
from tests.support.world import fresh_resident_id
from tests.workbench.test_claim_pages import signed_in
from xiaobao.audit.models import AuditEvent
from xiaobao.complaints import actions
from xiaobao.complaints.models import Complaint, Conflict, SavedQueueView
from xiaobao.complaints.selectors import QueueFilters, parse_queue_filters
from xiaobao.identity.actions import ConsumerDetails
from xiaobao.kernel.actors import SYSTEM, Actor, Role
from xiaobao.kernel.errors import PermissionDenied

pytestmark = pytest.mark.django_db

REFERENCE = re.compile(r"LN-\d{4}-\d{6}")
ROW = re.compile(r'<th scope="row"><a href="[^"]+">(LN-\d{4}-\d{6})</a>')


def shown(client: Client, query: str = "") -> list[str]:
    """The references the queue page lists, in its order."""
    response = client.get(f"/workbench/{query}")
    assert response.status_code == 200
    return ROW.findall(response.content.decode())


def filed_by(desk: Desk, *, name: str, phone: str, resident_id: str, **overrides: object) -> Complaint:
    """A complaint of ours by a complainant registered with these details."""
    return desk.register(
        complainant_id=None,
        complainant=ConsumerDetails(name=name, phone=phone, resident_id=resident_id),
        **overrides,
    )


@pytest.fixture
def people(desk: Desk) -> dict[str, Complaint]:
    """Three complainants of ours, one each of theirs and of a case the supervisor is recused from — the last
    two with the very same name, phone and policy number as ours."""
    ours = filed_by(
        desk, name="周桂兰", phone="13700001111", resident_id=fresh_resident_id(), policy_number="PDAA2026-0001"
    )
    other = filed_by(desk, name="吴建国", phone="13700002222", resident_id=fresh_resident_id())
    third = filed_by(desk, name="陈海燕", phone="13700003333", resident_id=fresh_resident_id())
    theirs_supervisor = desk.world.theirs.staff(Role.SUPERVISOR)[1]
    theirs = actions.complaint_register(
        actor=theirs_supervisor,
        data=actions.NewComplaint(
            handling_branch_id=desk.world.theirs.city.pk,
            channel="hotline",  # type: ignore[arg-type]
            received_at=ours.received_at,
            product_line="medical",  # type: ignore[arg-type]
            reason="claims",  # type: ignore[arg-type]
            description="他们公司的投诉。",
            policy_number="PDAA2026-0001",
            complainant=ConsumerDetails(name="周桂兰", phone="13700001111"),
        ),
    )
    recused = desk.register(
        complainant_id=ours.complainant_id,
        policy_number="PDAA2026-0001",
        involved_staff_ids=(desk.supervisor.staff_id,),
    )
    return {"ours": ours, "other": other, "third": third, "theirs": theirs, "recused": recused}


@pytest.mark.parametrize(
    "typed",
    [
        "{reference}",  # the whole reference, in lower case
        "{reference_start}",  # its start
        "137 0000 1111",  # the phone, typed with spaces
        "+86 137-0000-1111",
        "{resident_id}",
        "周桂兰",
        "\u3000周桂兰 ",  # an ideographic space around the name (NFKC)
        "pdaa2026-0001",  # the policy number in lower case
    ],
)
def test_one_search_box_finds_the_case_by_what_was_typed_and_nothing_else(
    client: Client, desk: Desk, people: dict[str, Complaint], typed: str
) -> None:
    ours = people["ours"]
    query = typed.format(
        reference=ours.reference.lower(),
        reference_start=ours.reference[:-1],
        resident_id=ours.complainant.resident_id.lower(),
    )
    found = shown(signed_in(client, desk.supervisor), f"?q={query}")
    if typed == "{reference_start}":
        assert ours.reference in found  # a prefix also finds its neighbours, never another insurer's
    else:
        assert found == [ours.reference]
    assert people["theirs"].reference not in found
    assert people["recused"].reference not in found


def test_a_recused_staff_member_does_not_find_the_case_by_any_search(desk: Desk, people: dict[str, Complaint]) -> None:
    """CMP-R1: the case naming the supervisor shares phone, name and policy number with one they may see."""
    client = signed_in(Client(), desk.supervisor)
    recused = people["recused"]
    for typed in (recused.reference, "13700001111", "周桂兰", "PDAA2026-0001"):
        assert recused.reference not in shown(client, f"?q={typed}")
    # …while a colleague with no interest in it finds it
    colleague = signed_in(Client(), desk.province_supervisor)
    assert recused.reference in shown(colleague, "?q=13700001111")


def test_a_search_that_matches_nobody_says_so(client: Client, desk: Desk, people: dict[str, Complaint]) -> None:
    page = signed_in(client, desk.supervisor).get("/workbench/?q=查无此人").content.decode()
    assert "没有符合条件的在办投诉" in page
    assert REFERENCE.findall(page) == []


def test_the_queue_sorts_by_each_column_both_ways_and_says_so(client: Client, desk: Desk, clock: object) -> None:
    complaints = [desk.in_state(state) for state in ("registered", "investigating", "accepted", "assigned")]
    client = signed_in(client, desk.supervisor)
    by_reference = sorted(c.reference for c in complaints)

    assert shown(client, "?sort=reference") == by_reference
    assert shown(client, "?sort=-reference") == by_reference[::-1]
    assert shown(client, "?sort=received") == [c.reference for c in complaints]  # registered one after another
    assert shown(client, "?sort=-received") == [c.reference for c in complaints][::-1]
    by_state = [c.reference for c in sorted(complaints, key=lambda c: (c.state, c.pk))]
    assert shown(client, "?sort=state") == by_state
    page = client.get("/workbench/?sort=-reference").content.decode()
    assert 'aria-sort="descending"' in page
    assert page.count("aria-sort=") == 1
    assert 'href="?sort=reference"' in page  # the sorted column's link turns it round
    assert 'aria-sort="ascending"' in client.get("/workbench/").content.decode()  # due date, the default


def test_paging_a_sorted_queue_shows_every_case_once(client: Client, desk: Desk) -> None:
    """Every case received the same minute and due the same day: the order still holds across pages."""
    complaints = [desk.register() for _ in range(55)]
    client = signed_in(client, desk.supervisor)
    for sort in ("due", "-due", "received", "-received", "state"):
        pages = shown(client, f"?sort={sort}") + shown(client, f"?sort={sort}&page=2")
        assert sorted(pages) == sorted(c.reference for c in complaints), sort


@pytest.mark.parametrize(
    "query",
    [
        "",
        "sort=-reference",
        "state=registered&sort=received",
        "q=13700001111",
        "q=%E5%91%A8%E6%A1%82%E5%85%B0",  # 周桂兰
        "flag=elderly",
        "limit=2&page=2&sort=reference",
    ],
)
def test_the_page_and_the_api_give_the_same_rows_for_the_same_parameters(
    desk: Desk, people: dict[str, Complaint], query: str
) -> None:
    desk.in_state("investigating")
    page = shown(signed_in(Client(), desk.supervisor), f"?{query}")
    api = signed_in(Client(), desk.supervisor).get(f"/api/v1/complaints?{query}")
    assert api.status_code == 200, api.json()
    assert [row["reference"] for row in api.json()] == page


def test_the_api_refuses_a_malformed_sort_and_the_page_ignores_it(client: Client, desk: Desk) -> None:
    desk.register()
    client = signed_in(client, desk.supervisor)
    assert client.get("/api/v1/complaints?sort=sideways").status_code == 422
    assert client.get("/workbench/?sort=sideways").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "?page=99999999999999999999999",
        "?page=-1&sort=-due",
        "?q=LN%00-2026",
        "?q=%00%00",
        "?q=" + "周" * 10_000,
        "?q=" + "1" * 10_000,
        "?q=%E2%80%AE%27--&sort=reference",
        "?sort=%00&limit=99999999999999999999&offset=-5",
        "?handler_id=99999999999999999999999&branch_id=abc&due_within_days=%C2%B2",
    ],
)
def test_odd_input_gives_a_page_never_a_server_error(client: Client, desk: Desk, query: str) -> None:
    desk.register()
    assert signed_in(client, desk.supervisor).get(f"/workbench/{query}").status_code == 200


# --- bulk assignment -------------------------------------------------------------------------------------


def _accepted(desk: Desk, n: int = 2) -> list[int]:
    return [desk.in_state("accepted").pk for _ in range(n)]


def test_bulk_assignment_across_the_permission_matrix(desk: Desk) -> None:
    """Only a supervisor of the insurer assigns; every other attempt changes nothing."""
    cast = Cast.build(desk.world, Role.SUPERVISOR)

    def attempt(actor: Actor, ids: list[int]) -> bool:
        outcomes = actions.complaints_assign(actor=actor, complaint_ids=ids, handler_id=desk.handler_staff.pk)
        return all(outcome.assigned for outcome in outcomes)

    assert_matrix(cast, attempt, allowed={"staff_with_role"}, given=lambda: _accepted(desk))


def test_a_handler_without_the_supervisor_role_assigns_nothing(desk: Desk) -> None:
    ids = _accepted(desk)
    before = row_counts()
    client = signed_in(Client(), desk.handler)
    response = client.post("/workbench/assign/", {"complaint": ids, "handler_id": desk.other_handler_staff.pk})
    assert response.status_code == 302  # back to the queue, saying it was refused
    assert row_counts() == before
    assert set(Complaint.objects.filter(pk__in=ids).values_list("handler_id", flat=True)) == {None}


@pytest.mark.parametrize("who", ["anonymous", "consumer", "other_insurer_staff"])
def test_the_bulk_assignment_page_refuses_those_who_may_not_and_changes_nothing(desk: Desk, who: str) -> None:
    ids = _accepted(desk)
    cast = Cast.build(desk.world, Role.SUPERVISOR)
    client = Client()
    if who == "consumer":
        from xiaobao.identity.models import Consumer

        client.force_login(Consumer.objects.get(pk=cast.consumer.consumer_id).user)
    elif who == "other_insurer_staff":
        signed_in(client, cast.other_insurer_staff)
    before = row_counts()
    response = client.post("/workbench/assign/", {"complaint": ids, "handler_id": desk.handler_staff.pk})
    if who == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 404
    assert row_counts() == before


def test_a_supervisor_assigns_from_page_two_and_is_told_what_was_refused_and_why(client: Client, desk: Desk) -> None:
    """CMP-R1: the case naming the handler is refused with its reason; the others are assigned; back to page 2."""
    for _ in range(50):
        desk.register()
    chosen = _accepted(desk, 3)
    naming = desk.in_state("accepted", involved_staff_ids=(desk.handler_staff.pk,))
    closed = desk.in_state("closed")
    client = signed_in(client, desk.supervisor)

    response = client.post(
        "/workbench/assign/",
        {
            "complaint": [*chosen, naming.pk, closed.pk],
            "handler_id": desk.handler_staff.pk,
            "back": "page=2&sort=due",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/workbench/?page=2"
    page = client.get(response["Location"]).content.decode()
    assert naming.reference in page
    assert closed.reference in page
    assert "aria-current" in page or 'rel="prev"' in page  # back on page 2
    assert set(Complaint.objects.filter(pk__in=chosen).values_list("handler_id", flat=True)) == {desk.handler_staff.pk}
    naming.refresh_from_db()
    assert naming.handler_id is None
    assert Conflict.objects.filter(complaint=naming, kind=Conflict.REFUSED).exists()  # recorded, as for one case
    outcomes = {o.complaint_id: o for o in _outcomes_of(desk, [naming.pk, closed.pk])}
    assert not outcomes[naming.pk].assigned
    assert outcomes[naming.pk].reason
    assert not outcomes[closed.pk].assigned


def _outcomes_of(desk: Desk, ids: list[int]) -> list[actions.AssignmentOutcome]:
    return actions.complaints_assign(actor=desk.supervisor, complaint_ids=ids, handler_id=desk.handler_staff.pk)


def test_the_result_says_how_many_were_assigned_and_lists_each_refusal(client: Client, desk: Desk) -> None:
    chosen = _accepted(desk, 2)
    naming = desk.in_state("accepted", involved_staff_ids=(desk.handler_staff.pk,))
    client = signed_in(client, desk.supervisor)
    page = client.post(
        "/workbench/assign/",
        {"complaint": [*chosen, naming.pk], "handler_id": desk.handler_staff.pk, "back": "page=1"},
        follow=True,
    ).content.decode()
    assert "已指派 2 件投诉" in page
    assert f"{naming.reference}:" in page or f"{naming.reference}：" in page


# --- saved views -----------------------------------------------------------------------------------------


def test_a_staff_member_saves_a_view_sees_it_as_a_link_and_deletes_it(client: Client, desk: Desk) -> None:
    client = signed_in(client, desk.supervisor)
    response = client.post(
        "/workbench/views/", {"name": "老人的急件", "query": "flag=elderly&due_within_days=3&page=4"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/workbench/?due_within_days=3&flag=elderly"
    page = client.get("/workbench/").content.decode()
    assert 'href="?due_within_days=3&amp;flag=elderly">老人的急件</a>' in page
    view = SavedQueueView.objects.get()
    assert client.post(f"/workbench/views/{view.pk}/delete/").status_code == 302
    assert not SavedQueueView.objects.exists()


def test_saved_views_are_private(desk: Desk) -> None:
    view = actions.saved_view_save(actor=desk.supervisor, name="mine", filters=_filters({"state": "registered"}))
    colleague = signed_in(Client(), desk.province_supervisor)
    assert "mine" not in colleague.get("/workbench/").content.decode()
    before = row_counts()
    assert colleague.post(f"/workbench/views/{view.pk}/delete/").status_code == 404
    assert colleague.post("/workbench/views/99999999999999999999999/delete/").status_code == 404
    assert row_counts() == before
    assert "mine" in signed_in(Client(), desk.supervisor).get("/workbench/").content.decode()


def _filters(params: dict[str, str]) -> QueueFilters:
    return parse_queue_filters(params)


def test_saving_a_view_across_the_permission_matrix(desk: Desk) -> None:
    cast = Cast.build(desk.world, Role.HANDLER)
    assert_matrix(
        cast,
        lambda actor: actions.saved_view_save(actor=actor, name="v", filters=_filters({})),
        allowed={"staff_with_role", "other_insurer_staff"},  # everyone who reads a queue keeps views of their own
    )


# --- export ----------------------------------------------------------------------------------------------


def test_the_csv_export_holds_what_is_shown_masked_and_is_logged(
    client: Client, desk: Desk, people: dict[str, Complaint]
) -> None:
    client = signed_in(client, desk.supervisor)
    response = client.post("/workbench/export/?q=13700001111", {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert len(lines) == 2  # the heading and the one case the search shows
    assert lines[1][0] == people["ours"].reference
    assert "周*兰" in lines[1]
    assert "137****1111" in lines[1]
    assert "周桂兰" not in text
    assert "13700001111" not in text
    assert people["ours"].complainant.resident_id not in text
    assert people["theirs"].reference not in text
    assert people["recused"].reference not in text
    logged = AuditEvent.objects.get(event_type="complaint.queue_exported")
    assert logged.actor_id == desk.supervisor.audit_id
    # the search is a person's phone: the log keeps it masked (docs/adr/0015)
    assert logged.new_values == {"format": "csv", "query": "q=137%2A%2A%2A%2A1111", "rows": 1, "capped": False}


def test_the_xlsx_export_opens_in_a_spreadsheet_program(
    client: Client, desk: Desk, people: dict[str, Complaint]
) -> None:
    from openpyxl import load_workbook

    response = signed_in(client, desk.supervisor).post("/workbench/export/?sort=reference", {"format": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    ours = sorted(c.reference for k, c in people.items() if k not in {"theirs", "recused"})
    assert [row[0] for row in rows[1:]] == ours
    assert not any("周桂兰" in str(cell) for row in rows for cell in row)


def test_another_insurers_staff_export_none_of_ours(client: Client, desk: Desk, people: dict[str, Complaint]) -> None:
    theirs = desk.world.theirs.staff(Role.SUPERVISOR)[1]
    text = signed_in(client, theirs).post("/workbench/export/", {"format": "csv"}).content.decode("utf-8-sig")
    assert people["theirs"].reference in text
    assert all(people[k].reference not in text for k in ("ours", "other", "third", "recused"))


def test_the_export_is_refused_to_those_outside_the_workbench(desk: Desk, people: dict[str, Complaint]) -> None:
    cast = Cast.build(desk.world, Role.SUPERVISOR)
    assert_matrix(
        cast,
        lambda actor: actions.complaint_queue_export(actor=actor, filters=_filters({}), file_format="csv").rows,  # type: ignore[arg-type]
        allowed={"staff_with_role", "other_insurer_staff"},  # each sees their own insurer's queue only (above)
    )


def test_an_export_past_the_cap_says_so(
    client: Client, desk: Desk, people: dict[str, Complaint], monkeypatch: pytest.MonkeyPatch
) -> None:
    from xiaobao.complaints.actions import _queue
    from xiaobao.workbench import exports

    monkeypatch.setattr(_queue, "EXPORT_CAP", 2)
    monkeypatch.setattr(exports, "EXPORT_CAP", 2)
    response = signed_in(client, desk.supervisor).post("/workbench/export/", {"format": "csv"})
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(lines) == 1 + 2 + 1  # heading, two rows, the note
    assert "2" in lines[-1][0]
    assert "3" in lines[-1][0]
    assert response["X-Rows-Matching"] == "3"
    assert AuditEvent.objects.get(event_type="complaint.queue_exported").new_values["capped"] is True


def test_nothing_leaves_a_trace_when_the_system_actor_is_not_staff() -> None:
    """The export and the saved views are a staff member's: the system actor keeps none."""
    before = row_counts()
    with pytest.raises(PermissionDenied):
        actions.saved_view_save(actor=SYSTEM, name="x", filters=_filters({}))
    with pytest.raises(PermissionDenied):
        actions.complaint_queue_export(actor=SYSTEM, filters=_filters({}), file_format="csv")
    assert row_counts() == before
