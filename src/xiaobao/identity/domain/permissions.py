"""Which role may do what. The single table the access policy consults.

A permission is a dotted name, ``<area>.<verb>``. Apps add their own rows here
as they arrive, so the whole policy can be read in one place.
"""

from __future__ import annotations

from enum import StrEnum

from xiaobao.kernel.actors import Actor, ActorKind, Role


class Permission(StrEnum):
    VIEW_ORGANISATION = "identity.view_organisation"
    MANAGE_STAFF = "identity.manage_staff"
    ADMINISTER_INSURER = "identity.administer_insurer"
    VIEW_STAFF = "identity.view_staff"
    VIEW_CONSUMER = "identity.view_consumer"
    MANAGE_PARTNERS = "identity.manage_partners"
    VIEW_PARTNERS = "identity.view_partners"
    REVEAL_PERSONAL_DATA = "privacy.reveal"
    VIEW_PERSONAL_DATA_LOG = "privacy.view_access_log"
    VIEW_AUDIT = "audit.view"
    VERIFY_AUDIT = "audit.verify"
    VIEW_NOTIFICATIONS = "notifications.view"
    VIEW_COMPLAINTS = "complaints.view"
    REGISTER_COMPLAINTS = "complaints.register"
    TRIAGE_COMPLAINTS = "complaints.triage"
    ASSIGN_COMPLAINTS = "complaints.assign"
    HANDLE_COMPLAINTS = "complaints.handle"
    APPROVE_EXTENSIONS = "complaints.approve_extension"
    DECIDE_REVIEWS = "complaints.decide_review"
    VIEW_CLAIMS = "claims.view"
    HANDLE_CLAIMS = "claims.handle"
    HANDLE_CALLBACKS = "callbacks.handle"
    HANDLE_DATA_REQUESTS = "rights.handle"
    HANDLE_BREACHES = "breaches.handle"
    SELL = "sales.sell"
    SERVE_POLICIES = "sales.serve_policies"
    MANAGE_PRODUCTS = "sales.manage_products"
    REGISTER_SALES_MATERIAL = "sales.register_material"
    APPROVE_SALES_MATERIAL = "sales.approve_material"
    MANAGE_SALESPEOPLE = "sales.manage_salespeople"
    VIEW_SALES = "sales.view"
    CHECK_SALES = "sales.check_quality"
    REFER_TO_MEDIATION = "disputes.refer"
    VIEW_MEDIATION_STATISTICS = "disputes.view_statistics"
    VIEW_REPORTS = "reports.view"
    RECORD_REPORT_DENOMINATORS = "reports.record_denominators"
    VIEW_INSIGHTS = "insights.view"
    REMEDIATE = "insights.remediate"
    MANAGE_EDUCATION = "outreach.manage_education"
    PREPARE_DISCLOSURE = "disclosure.prepare"
    APPROVE_DISCLOSURE = "disclosure.approve"


_EVERY_STAFF_ROLE = frozenset(Role)

ROLE_PERMISSIONS: dict[Permission, frozenset[Role]] = {
    Permission.VIEW_ORGANISATION: _EVERY_STAFF_ROLE,
    Permission.VIEW_STAFF: frozenset({Role.SUPERVISOR, Role.SENIOR_MANAGER, Role.ADMINISTRATOR, Role.AUDITOR}),
    Permission.MANAGE_STAFF: frozenset({Role.ADMINISTRATOR}),
    # The insurer's own settings: branches, counters, complaint channels, checklists, agreements (issue #14).
    Permission.ADMINISTER_INSURER: frozenset({Role.ADMINISTRATOR}),
    Permission.VIEW_CONSUMER: frozenset({Role.HANDLER, Role.SUPERVISOR, Role.SENIOR_MANAGER, Role.COMPLIANCE_OFFICER}),
    Permission.VIEW_PARTNERS: frozenset(
        {Role.HANDLER, Role.SUPERVISOR, Role.SENIOR_MANAGER, Role.COMPLIANCE_OFFICER, Role.ADMINISTRATOR}
    ),
    Permission.MANAGE_PARTNERS: frozenset({Role.ADMINISTRATOR, Role.COMPLIANCE_OFFICER}),
    # Revealing a full ID number or phone is for those who must call or verify.
    Permission.REVEAL_PERSONAL_DATA: frozenset({Role.HANDLER, Role.SUPERVISOR, Role.COMPLIANCE_OFFICER}),
    Permission.VIEW_PERSONAL_DATA_LOG: frozenset({Role.COMPLIANCE_OFFICER, Role.AUDITOR}),
    Permission.VIEW_AUDIT: frozenset({Role.COMPLIANCE_OFFICER, Role.AUDITOR, Role.SENIOR_MANAGER}),
    Permission.VERIFY_AUDIT: frozenset({Role.AUDITOR, Role.COMPLIANCE_OFFICER, Role.ADMINISTRATOR}),
    Permission.VIEW_NOTIFICATIONS: frozenset({Role.HANDLER, Role.SUPERVISOR, Role.COMPLIANCE_OFFICER}),
    Permission.VIEW_COMPLAINTS: frozenset(
        {Role.HANDLER, Role.SUPERVISOR, Role.SENIOR_MANAGER, Role.COMPLIANCE_OFFICER, Role.AUDITOR}
    ),
    Permission.REGISTER_COMPLAINTS: frozenset({Role.HANDLER, Role.SUPERVISOR}),
    Permission.TRIAGE_COMPLAINTS: frozenset({Role.HANDLER, Role.SUPERVISOR}),
    Permission.ASSIGN_COMPLAINTS: frozenset({Role.SUPERVISOR}),
    # A handler handles only the complaints assigned to them (complaints.access); a supervisor any.
    Permission.HANDLE_COMPLAINTS: frozenset({Role.HANDLER, Role.SUPERVISOR}),
    Permission.APPROVE_EXTENSIONS: frozenset({Role.SUPERVISOR, Role.SENIOR_MANAGER}),
    Permission.DECIDE_REVIEWS: frozenset({Role.SUPERVISOR, Role.SENIOR_MANAGER}),
    Permission.VIEW_CLAIMS: frozenset(
        {Role.HANDLER, Role.SUPERVISOR, Role.SENIOR_MANAGER, Role.COMPLIANCE_OFFICER, Role.AUDITOR}
    ),
    # The handler role covers claims adjusters ("complaint handler / claims adjuster").
    Permission.HANDLE_CLAIMS: frozenset({Role.HANDLER, Role.SUPERVISOR}),
    # Call-back requests (INC-E3): those who answer the phone see their insurer's queue and record the calls.
    Permission.HANDLE_CALLBACKS: frozenset({Role.HANDLER, Role.SUPERVISOR}),
    # A consumer's request to correct or delete their data (PIPL Art.46, 47) is answered by compliance.
    Permission.HANDLE_DATA_REQUESTS: frozenset({Role.COMPLIANCE_OFFICER}),
    # A personal-data breach (SEC-3, PI-5): compliance opens the incident, tells the consumers and the regulator.
    Permission.HANDLE_BREACHES: frozenset({Role.COMPLIANCE_OFFICER}),
    # Selling (SAL-2): the front-line staff who meet buyers run the suitability questionnaire with them and witness
    # a buyer's declaration; compliance reads them through the sale's own pages.
    Permission.SELL: frozenset({Role.HANDLER, Role.SUPERVISOR}),
    # Policy service (issue #16 item 5): issue a policy, take a surrender for the holder, record the refund paid.
    Permission.SERVE_POLICIES: frozenset({Role.HANDLER, Role.SUPERVISOR}),
    # The insurer keeps its own product pages and their tiers (SAL-1, SAL-S1): its administrators, and
    # compliance, who answer for the tiering.
    Permission.MANAGE_PRODUCTS: frozenset({Role.ADMINISTRATOR, Role.COMPLIANCE_OFFICER}),
    # Sales material (SAL-1): registered by administrators, senior managers or compliance; approved by
    # compliance only — and never by the person who registered it (``sales.domain.materials``).
    Permission.REGISTER_SALES_MATERIAL: frozenset({Role.ADMINISTRATOR, Role.SENIOR_MANAGER, Role.COMPLIANCE_OFFICER}),
    Permission.APPROVE_SALES_MATERIAL: frozenset({Role.COMPLIANCE_OFFICER}),
    # Who may sell what (SAL-S1): the register of salespeople and their grades.
    Permission.MANAGE_SALESPEOPLE: frozenset({Role.ADMINISTRATOR, Role.COMPLIANCE_OFFICER}),
    # Recorded sales (SAL-3): compliance and audit replay them; complaint handlers open the bundle of a sale a
    # complaint names. Sellers see their own sales without this permission (sales.access).
    Permission.VIEW_SALES: frozenset(
        {Role.COMPLIANCE_OFFICER, Role.AUDITOR, Role.SUPERVISOR, Role.HANDLER, Role.SENIOR_MANAGER}
    ),
    # Drawing the quality-check sample and recording findings (SAL-R2) is compliance's.
    Permission.CHECK_SALES: frozenset({Role.COMPLIANCE_OFFICER}),
    # Mediation (DSP-1, DSP-3; issue #17): who handles the complaint refers it, with the consumer's consent, and
    # follows the agreement to the court and to its performance; compliance reads the figures by organisation.
    Permission.REFER_TO_MEDIATION: frozenset({Role.HANDLER, Role.SUPERVISOR}),
    Permission.VIEW_MEDIATION_STATISTICS: frozenset({Role.COMPLIANCE_OFFICER, Role.SENIOR_MANAGER}),
    # Complaint statistics (CMP-S2): compliance sees the whole insurer; a senior manager their branch and the
    # branches below it (the head office's managers: the whole insurer). The regulator is no insurer's staff:
    # ``reports.access`` lets them read every insurer's aggregates, and nothing else.
    Permission.VIEW_REPORTS: frozenset({Role.COMPLIANCE_OFFICER, Role.SENIOR_MANAGER}),
    # The insurer's policies in force and premium, the denominators of the per-10,000 and per-100-million rates.
    Permission.RECORD_REPORT_DENOMINATORS: frozenset({Role.COMPLIANCE_OFFICER}),
    # Root causes and fairness (CMP-S1, INC-4; issue #18): compliance reads the groups of similar complaints and
    # the monthly fairness comparison, and records the remediation actions.
    Permission.VIEW_INSIGHTS: frozenset({Role.COMPLIANCE_OFFICER}),
    Permission.REMEDIATE: frozenset({Role.COMPLIANCE_OFFICER}),
    # Education (EDU-1..3): outreach plans and their events, the public library (written by one, published by
    # another holding this permission: four eyes), and the public's questions — compliance and senior managers.
    Permission.MANAGE_EDUCATION: frozenset({Role.COMPLIANCE_OFFICER, Role.SENIOR_MANAGER}),
    # Public disclosure (issue #18 item 4): compliance prepares the insurer's yearly complaint-handling report;
    # another person — compliance or a senior manager, never the one who prepared it — approves it before it is
    # public (``disclosure.domain.reports``).
    Permission.PREPARE_DISCLOSURE: frozenset({Role.COMPLIANCE_OFFICER}),
    Permission.APPROVE_DISCLOSURE: frozenset({Role.COMPLIANCE_OFFICER, Role.SENIOR_MANAGER}),
}


def staff_may(actor: Actor, permission: Permission) -> bool:
    """True when the actor is insurer staff holding a role that grants the permission."""
    if actor.kind is not ActorKind.STAFF or actor.insurer_id is None:
        return False
    return bool(actor.roles & ROLE_PERMISSIONS[permission])
