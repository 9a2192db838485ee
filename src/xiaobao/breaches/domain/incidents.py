"""A personal-data breach and who it touched (SEC-3, PI-5; PIPL Art.57).

An incident names a time window, a source (one staff account, one partner, one partner key, or "all" — a storage
breach) and the kinds of data exposed. The consumers it affected are found from what the logs say was read in the
window — staff reveals of full values and partner reads through the API — and, for a storage breach, from every
case received in the window. The rules here decide; the caller brings the log rows as plain values.

Pure: no clock, no database. The window is stated in Asia/Shanghai and includes both of its ends.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from xiaobao.kernel.errors import InvalidInput, TransitionNotAllowed
from xiaobao.kernel.i18n import _

SHANGHAI = ZoneInfo("Asia/Shanghai")


class DataType(StrEnum):
    """The kinds of personal data an incident may have exposed."""

    NAME = "name"
    PHONE = "phone"
    ID_NUMBER = "id_number"
    EMAIL = "email"
    POLICY_NUMBER = "policy_number"
    COMPLAINT_TEXT = "complaint_text"
    CLAIM_DOCUMENT = "claim_document"


DATA_TYPE_TEXT: dict[DataType, str] = {
    DataType.NAME: _("name"),
    DataType.PHONE: _("phone number"),
    DataType.ID_NUMBER: _("ID number"),
    DataType.EMAIL: _("email address"),
    DataType.POLICY_NUMBER: _("policy number"),
    DataType.COMPLAINT_TEXT: _("complaint texts"),
    DataType.CLAIM_DOCUMENT: _("claim documents"),
}

REVEALED_FIELD_TYPES: dict[str, DataType] = {
    "name": DataType.NAME,
    "resident_id": DataType.ID_NUMBER,
    "phone": DataType.PHONE,
    "email": DataType.EMAIL,
}
"""A staff reveal (``privacy.PersonalDataAccess.field``) exposes one full value of this kind."""

PARTNER_CATEGORY_TYPES: dict[str, frozenset[DataType]] = {
    "complaint": frozenset({DataType.COMPLAINT_TEXT}),
    "complainant_contact": frozenset({DataType.NAME, DataType.PHONE}),
    "policy": frozenset({DataType.POLICY_NUMBER}),
}
"""A partner read exposes the kinds of data of the agreement categories it released
(``privacy.domain.agreements.CATEGORY_FIELDS``: the summary, the complainant's name and phone, the policy)."""


class CaseKind(StrEnum):
    COMPLAINT = "complaint"
    CLAIM = "claim"
    CLAIM_DOCUMENT = "claim_document"


_IDENTITY = frozenset({DataType.NAME, DataType.PHONE, DataType.ID_NUMBER})
HELD_TYPES: dict[CaseKind, frozenset[DataType]] = {
    CaseKind.COMPLAINT: _IDENTITY | {DataType.POLICY_NUMBER, DataType.COMPLAINT_TEXT},
    CaseKind.CLAIM: _IDENTITY | {DataType.POLICY_NUMBER},
    CaseKind.CLAIM_DOCUMENT: frozenset({DataType.CLAIM_DOCUMENT}),
}
"""What an insurer holds about a person with each kind of record: a storage breach exposes these. (An email
address is not asked for with a case: its exposure is found from the logs only.)"""


class SourceKind(StrEnum):
    STAFF = "staff"
    PARTNER = "partner"
    PARTNER_KEY = "partner_key"
    ALL = "all"


SOURCE_TEXT: dict[SourceKind, str] = {
    SourceKind.STAFF: _("a staff account"),
    SourceKind.PARTNER: _("a partner"),
    SourceKind.PARTNER_KEY: _("a partner's API key"),
    SourceKind.ALL: _("everything held (a storage breach)"),
}


@dataclass(frozen=True, slots=True)
class Source:
    """Where the data leaked from: one staff account, one partner, one partner key (by id), or everything."""

    kind: SourceKind
    id: int | None = None

    def __post_init__(self) -> None:
        if (self.kind is SourceKind.ALL) != (self.id is None):
            raise IncidentIncomplete(_("Choose where the data leaked from."))


class IncidentState(StrEnum):
    OPEN = "open"
    ASSESSED = "assessed"
    NOTIFIED = "notified"
    REPORTED = "reported"
    CLOSED = "closed"


STATE_TEXT: dict[IncidentState, str] = {
    IncidentState.OPEN: _("open: the affected consumers are not yet found"),
    IncidentState.ASSESSED: _("assessed: the affected consumers are found"),
    IncidentState.NOTIFIED: _("consumers notified"),
    IncidentState.REPORTED: _("reported to the regulator"),
    IncidentState.CLOSED: _("closed"),
}


class Step(StrEnum):
    ASSESS = "assess"
    NOTIFY = "notify"
    REPORT = "report"
    CLOSE = "close"


STEPS: dict[Step, tuple[frozenset[IncidentState], IncidentState]] = {
    Step.ASSESS: (frozenset({IncidentState.OPEN}), IncidentState.ASSESSED),
    # Notifying again changes nothing for those already told (one notice per consumer), so it may be repeated.
    Step.NOTIFY: (frozenset({IncidentState.ASSESSED, IncidentState.NOTIFIED}), IncidentState.NOTIFIED),
    Step.REPORT: (frozenset({IncidentState.NOTIFIED}), IncidentState.REPORTED),
    Step.CLOSE: (frozenset({IncidentState.REPORTED}), IncidentState.CLOSED),
}
"""SEC-3, PI-5: open → assessed → consumers notified → regulator reported → closed. The list of affected
consumers is frozen at assessment, so nobody is told who was not found then, and nobody found is left untold."""


class StepNotAllowed(TransitionNotAllowed):
    code = "breach_step_not_allowed"
    default_message = _(
        "This step is not open in the incident's present state: assess it, notify the consumers, report it to "
        "the regulator and close it, in that order."
    )


class IncidentIncomplete(InvalidInput):
    code = "incident_incomplete"
    default_message = _(
        "An incident needs what happened, when it was discovered, the time window, the source, the kinds of data, "
        "the cause, the possible harm, the remediation, what consumers can do and a contact."
    )


def next_state(state: str, step: Step) -> IncidentState:
    allowed, target = STEPS[step]
    if IncidentState(state) not in allowed:
        raise StepNotAllowed()
    return target


MIN_TEXT = 5
MAX_WINDOW = timedelta(days=366 * 5)


@dataclass(frozen=True, slots=True)
class IncidentFacts:
    """What the compliance officer states when opening an incident (PIPL Art.57: the kinds of data, the cause
    and possible harm, the remedy taken, what the person can do, and how to reach the handler)."""

    summary: str
    discovered_at: datetime
    window_start: datetime
    window_end: datetime
    source: Source
    data_types: frozenset[DataType]
    cause: str
    harm: str
    remediation: str
    consumer_steps: str
    contact: str


def check_facts(facts: IncidentFacts, now: datetime) -> None:
    """Every fact is there; the window is ordered, at most five years long, and began before the discovery,
    which is not in the future."""
    texts = (facts.summary, facts.cause, facts.harm, facts.remediation, facts.consumer_steps, facts.contact)
    if any(len(text.strip()) < MIN_TEXT for text in texts):
        raise IncidentIncomplete(
            _(
                "Describe what happened, the cause, the possible harm, the remediation, what consumers can do "
                "and the contact, each in at least 5 characters."
            )
        )
    if not facts.data_types:
        raise IncidentIncomplete(_("Tick the kinds of data the incident exposed."))
    if facts.window_end < facts.window_start:
        raise IncidentIncomplete(_("The window of exposure must end after it begins."))
    if facts.window_end - facts.window_start > MAX_WINDOW:
        raise IncidentIncomplete(_("The window of exposure runs at most five years; open one incident per period."))
    if facts.discovered_at > now:
        raise IncidentIncomplete(_("The discovery cannot be in the future."))
    if facts.window_start > facts.discovered_at:
        raise IncidentIncomplete(_("The window of exposure must begin before the incident was discovered."))


def shanghai_text(moment: datetime) -> str:
    """A moment as Asia/Shanghai wall-clock time, to the second (the regulator's report, the incident page)."""
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


TIMELINE_TEXT: dict[str, str] = {
    "discovered": _("discovered"),
    "opened": _("incident opened"),
    "assessed": _("affected consumers found"),
    "notified": _("consumers notified"),
    "reported": _("reported to the regulator"),
    "closed": _("closed"),
}


def in_window(at: datetime, start: datetime, end: datetime) -> bool:
    """Both ends belong to the window (a read at exactly its first or last second counts)."""
    return start <= at <= end


def shanghai_moment(naive: datetime) -> datetime:
    """A wall-clock time typed in Asia/Shanghai, as an aware moment."""
    return naive.replace(tzinfo=SHANGHAI) if naive.tzinfo is None else naive.astimezone(SHANGHAI)


@dataclass(frozen=True, slots=True)
class Reveal:
    """One staff reveal from the access log."""

    consumer_id: int
    staff_id: int
    field: str
    at: datetime


@dataclass(frozen=True, slots=True)
class PartnerRead:
    """One partner read from the partner-read log."""

    consumer_id: int
    partner_id: int
    key_id: int | None
    categories: Sequence[str]
    at: datetime


@dataclass(frozen=True, slots=True)
class Holding:
    """One record the insurer received in the window, holding a person's data (for a storage breach)."""

    consumer_id: int
    kind: CaseKind
    at: datetime


class Evidence(StrEnum):
    REVEAL = "reveal"
    PARTNER_READ = "partner_read"
    HOLDING = "holding"


@dataclass
class Exposure:
    """What one affected consumer had exposed, and which logs say so."""

    data_types: set[DataType] = field(default_factory=set)
    evidence: set[Evidence] = field(default_factory=set)


def _source_matches_reveal(source: Source, reveal: Reveal) -> bool:
    return source.kind is SourceKind.ALL or (source.kind is SourceKind.STAFF and reveal.staff_id == source.id)


def _source_matches_read(source: Source, read: PartnerRead) -> bool:
    if source.kind is SourceKind.ALL:
        return True
    if source.kind is SourceKind.PARTNER:
        return read.partner_id == source.id
    return source.kind is SourceKind.PARTNER_KEY and read.key_id == source.id


def types_of_reveal(reveal: Reveal) -> frozenset[DataType]:
    kind = REVEALED_FIELD_TYPES.get(reveal.field)
    return frozenset({kind}) if kind else frozenset()


def types_of_read(read: PartnerRead) -> frozenset[DataType]:
    return frozenset(t for category in read.categories for t in PARTNER_CATEGORY_TYPES.get(category, ()))


def affected(
    *,
    source: Source,
    data_types: Iterable[DataType],
    window_start: datetime,
    window_end: datetime,
    reveals: Iterable[Reveal] = (),
    reads: Iterable[PartnerRead] = (),
    holdings: Iterable[Holding] = (),
) -> dict[int, Exposure]:
    """SEC-3, PI-5: every consumer whose data of the incident's kinds left through its source in its window —
    a reveal of a field of those kinds, a partner read of a category holding them, or (source "all") a record
    holding them received in the window — with the kinds exposed. Holdings count only for a storage breach."""
    wanted = frozenset(data_types)
    found: dict[int, Exposure] = {}

    def note(consumer_id: int, types: frozenset[DataType], evidence: Evidence) -> None:
        hit = types & wanted
        if hit:
            exposure = found.setdefault(consumer_id, Exposure())
            exposure.data_types |= hit
            exposure.evidence.add(evidence)

    for reveal in reveals:
        if in_window(reveal.at, window_start, window_end) and _source_matches_reveal(source, reveal):
            note(reveal.consumer_id, types_of_reveal(reveal), Evidence.REVEAL)
    for read in reads:
        if in_window(read.at, window_start, window_end) and _source_matches_read(source, read):
            note(read.consumer_id, types_of_read(read), Evidence.PARTNER_READ)
    if source.kind is SourceKind.ALL:
        for holding in holdings:
            if in_window(holding.at, window_start, window_end):
                note(holding.consumer_id, HELD_TYPES[holding.kind], Evidence.HOLDING)
    return found


def counts_by_type(exposures: Iterable[Iterable[str]]) -> dict[str, int]:
    """How many affected consumers had each kind of data exposed (the regulator's report), every kind listed."""
    counts = dict.fromkeys((t.value for t in DataType), 0)
    for types in exposures:
        for kind in set(types):
            counts[kind] = counts.get(kind, 0) + 1
    return counts


def delivery_counts(statuses: Iterable[str]) -> Mapping[str, int]:
    """Notices queued, sent (the channel's receipt kept as proof) and failed."""
    counts = {"queued": 0, "sent": 0, "failed": 0}
    for status in statuses:
        counts["queued"] += 1
        if status in counts:
            counts[status] += 1
    return counts
