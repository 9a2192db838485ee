#!/usr/bin/env bash
# Security scan of the pages and endpoints of issue #19 (docs/security-scan.md): sqlmap, wapiti and
# schemathesis against xiaobao served by gunicorn on 127.0.0.1, on a throw-away PostgreSQL with the demo data,
# signed in the way real people sign in (staff: password then the authenticator's code; a consumer: phone then
# the SMS code; a partner: an API key). Prints per tool the requests made, the findings and the server errors.
#
#   scripts/security-scan.sh                     # about 45 minutes with the default time bounds
#   SQLMAP_SECONDS=30 WAPITI_SECONDS=60 scripts/security-scan.sh   # a shorter run
#
# Everything goes to var/security-scan/<time>/ (server.log, sqlmap/, wapiti/, schemathesis/, summary.txt).
# Only 127.0.0.1 is ever contacted. Exit status: 0 when no tool found anything and the server answered no 500.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

if [ -z "${SECURITY_SCAN_INSIDE:-}" ]; then
  # Always a throw-away cluster: the scan writes junk into every table it reaches.
  unset DATABASE_URL
  export SECURITY_SCAN_INSIDE=1
  exec scripts/with-postgres.sh "$0" "$@"
fi

SQLMAP_SECONDS="${SQLMAP_SECONDS:-90}"              # per sqlmap target (a form or a URL)
WAPITI_SECONDS="${WAPITI_SECONDS:-180}"             # per wapiti run (one session, one folder)
SCHEMATHESIS_SECONDS="${SCHEMATHESIS_SECONDS:-180}" # the whole schemathesis run
SCAN_TOOLS="${SCAN_TOOLS:-schemathesis sqlmap wapiti}" # fewer to re-run one tool
runs() { [[ " $SCAN_TOOLS " == *" $1 "* ]]; }
SQLMAP_TARGETS="${SQLMAP_TARGETS:-.}"               # a regex on the target names below, to re-run some
BIN="$ROOT/.venv/bin"
SCANNERS="$ROOT/var/scanners"
OUT="$ROOT/var/security-scan/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"/{sqlmap,wapiti,schemathesis,var}
touch "$OUT/schemathesis/output.txt"

# --- what the scan needs, installed when missing (PyPI for the scanners, Debian when PyPI fails) ----------
[ -x "$BIN/st" ] || make install-test
if [ ! -x "$SCANNERS/bin/sqlmap" ] || [ ! -x "$SCANNERS/bin/wapiti" ]; then
  python3 -m venv "$SCANNERS"
  if ! "$SCANNERS/bin/pip" install -q "sqlmap==1.10.10" "wapiti3==3.2.3"; then
    scripts/apt-install.sh sqlmap wapiti
    ln -sf "$(command -v sqlmap)" "$SCANNERS/bin/sqlmap"
    ln -sf "$(command -v wapiti)" "$SCANNERS/bin/wapiti"
  fi
fi
SQLMAP="$SCANNERS/bin/sqlmap"
WAPITI="$SCANNERS/bin/wapiti"

# --- xiaobao on 127.0.0.1, production-like (DEBUG off), with the demo data --------------------------------
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
export XIAOBAO_VAR_DIR="$OUT/var" DEBUG=0 HOST=127.0.0.1 PORT WEB_CONCURRENCY=2 PYTHONPATH="$ROOT/src"
MANAGE=("$BIN/python" manage.py)
"${MANAGE[@]}" migrate --noinput -v0
"${MANAGE[@]}" collectstatic --noinput -v0
"${MANAGE[@]}" demo_load >/dev/null

# A partner with an approved agreement in force, a forward to it and its key; a second agreement awaiting
# approval; a consumer's correction request; one demo staff member without an authenticator (to enrol).
"${MANAGE[@]}" shell -v0 -c '
from datetime import timedelta
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice
from xiaobao.complaints import actions as complaint_actions
from xiaobao.complaints.models import Complaint
from xiaobao.identity.actions import partner_key_issue
from xiaobao.identity.actors import actor_for_user
from xiaobao.identity.models import Partner
from xiaobao.ops import clock
from xiaobao.privacy import actions as privacy
from xiaobao.rights import actions as rights
from xiaobao.rights.domain.requests import RequestKind

def actor(name):
    return actor_for_user(get_user_model().objects.get(username=name))

admin, compliance, handler = actor("anhe.admin"), actor("anhe.compliance"), actor("anhe.handler")
partner = Partner.objects.get(insurer_id=admin.insurer_id, code="AG-001")
today = clock.today()
measures = "传输加密，仅投诉专员可见，结案后删除"
in_force = privacy.agreement_record(actor=admin, partner_id=partner.pk, terms=privacy.AgreementTerms(
    reference="DSA-SCAN-1", purpose="complaint_handling", purpose_detail="投诉处理（安全扫描）",
    data_categories=["complaint", "complainant_contact"], method="partner_api", protection_measures=measures,
    valid_from=today - timedelta(days=1), valid_until=today + timedelta(days=60)))
privacy.agreement_approve(actor=compliance, agreement_id=in_force.pk)
pending = privacy.agreement_record(actor=admin, partner_id=partner.pk, terms=privacy.AgreementTerms(
    reference="DSA-SCAN-2", purpose="complaint_handling", purpose_detail="待批准（安全扫描）",
    data_categories=["complaint"], method="partner_api", protection_measures=measures,
    valid_from=today, valid_until=today + timedelta(days=30)))
case = Complaint.objects.filter(insurer_id=admin.insurer_id, state="investigating").order_by("pk").first()
forward = complaint_actions.complaint_forward(
    actor=handler, complaint_id=case.pk, partner_id=partner.pk, summary="代理人销售时未说明免责条款（安全扫描）")
_, key = partner_key_issue(actor=admin, partner_id=partner.pk, label="security scan")
made = rights.data_request_make(
    actor=actor("consumer.elder"), kind=RequestKind.CORRECTION, field="name", value="王淑芳", note="安全扫描")
TOTPDevice.objects.filter(user__username="anhe.handler2").delete()
print(f"PARTNER_KEY={key}\nFORWARD_ID={forward.pk}\nPARTNER_ID={partner.pk}\nAGREEMENT_ID={in_force.pk}")
print(f"PENDING_AGREEMENT_ID={pending.pk}\nREQUEST_ID={made[0].pk}")
' >"$OUT/ids.env"
# shellcheck disable=SC1091
source "$OUT/ids.env"

"$BIN/gunicorn" --config python:xiaobao.config.gunicorn xiaobao.config.wsgi >"$OUT/server.log" 2>&1 &
SERVER=$!
stop_server() { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; }
trap stop_server EXIT
for _ in $(seq 1 60); do curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break; sleep 1; done
curl -fsS -o /dev/null "$BASE/healthz"
echo "security-scan: xiaobao on $BASE, results in $OUT"

# --- sessions, obtained as people obtain them ------------------------------------------------------------
SCAN_BASE="$BASE" "$BIN/python" - >"$OUT/cookies.tsv" <<'PY'
import os, re, subprocess, sys

import requests

BASE, PASSWORD, MANAGE = os.environ["SCAN_BASE"], "xiaobao-demo-2026", [sys.executable, "manage.py"]


def token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def staff(username: str, *, second_step: bool = True) -> requests.Session:
    s = requests.Session()
    page = s.get(f"{BASE}/accounts/login/?next=/workbench/")
    r = s.post(f"{BASE}/accounts/login/", allow_redirects=False, data={
        "username": username, "password": PASSWORD, "next": "/workbench/", "csrfmiddlewaretoken": token(page.text)})
    assert r.status_code == 302, (username, r.status_code)
    r = s.get(f"{BASE}/workbench/", allow_redirects=False)  # the password alone opens nothing: the code step
    assert r.status_code == 302 and r.headers["Location"].startswith("/accounts/two-factor/"), (username, r.headers)
    if not second_step:
        return s
    page = s.get(BASE + r.headers["Location"])
    code = subprocess.run(MANAGE + ["demo_code", username], check=True, capture_output=True, text=True).stdout.strip()
    r = s.post(page.url, allow_redirects=False, data={
        "code": code, "next": "/workbench/", "csrfmiddlewaretoken": token(page.text)})
    assert r.status_code == 302 and r.headers["Location"] == "/workbench/", (username, r.status_code)
    assert s.get(f"{BASE}/workbench/", allow_redirects=False).status_code == 200
    return s


def consumer(phone: str) -> requests.Session:
    s = requests.Session()
    page = s.get(f"{BASE}/sign-in/?next=/my/data/")
    s.post(f"{BASE}/sign-in/", allow_redirects=False, data={
        "phone": phone, "next": "/my/data/", "csrfmiddlewaretoken": token(page.text)})
    page = s.get(f"{BASE}/sign-in/code/")
    read = (  # the code as the outbox holds it (development only; in production it leaves only by SMS)
        "import re; from xiaobao.notifications.models import Notification; "
        "n = Notification.objects.filter(purpose='verification_code').order_by('-created_at').first(); "
        "print(re.search(r'(\\d{6})', n.body).group(1))"
    )
    shell = subprocess.run(MANAGE + ["shell", "-v0", "-c", read], check=True, capture_output=True, text=True)
    r = s.post(f"{BASE}/sign-in/code/", allow_redirects=False, data={
        "code": shell.stdout.strip().splitlines()[-1], "csrfmiddlewaretoken": token(page.text)})
    assert r.status_code == 302, (r.status_code, r.text[:200])
    assert s.get(f"{BASE}/my/data/", allow_redirects=False).status_code == 200
    return s


people = {
    "consumer": consumer("13800138001"),        # 王淑芬
    "compliance": staff("anhe.compliance"),     # compliance officer: data requests, data reads, approvals
    "admin": staff("anhe.admin"),               # administrator: the partner page and its agreement forms
    "password": staff("anhe.supervisor"),       # changes (tries to change) his password
    "codestep": staff("anhe.auditor", second_step=False),   # between the password and the code
    "enrol": staff("anhe.handler2", second_step=False),     # no authenticator yet: the enrolment page
}
for name, session in people.items():
    print(name + "\t" + "; ".join(f"{c.name}={c.value}" for c in session.cookies))
PY
cookie() { awk -F'\t' -v n="$1" '$1 == n { print $2 }' "$OUT/cookies.tsv"; }
echo "security-scan: signed in: $(cut -f1 "$OUT/cookies.tsv" | tr '\n' ' ')"

# Each step's requests are the lines the access log gained meanwhile (the tools run one after another).
mark() { echo "$1 $(wc -l <"$OUT/server.log")" >>"$OUT/marks"; }
: >"$OUT/marks"

# --- schemathesis: the partner API with the partner's key (first: later scans end the agreement) ---------
mark schemathesis
runs schemathesis && timeout -k 10 $((SCHEMATHESIS_SECONDS + 60)) "$BIN/st" run "$BASE/api/openapi.json" \
  --include-path-regex '^/api/v1/partner/' -H "Authorization: Bearer $PARTNER_KEY" \
  --checks all --max-time "$SCHEMATHESIS_SECONDS" --request-timeout 10 --no-color \
  --report junit --report-dir "$OUT/schemathesis" >"$OUT/schemathesis/output.txt" 2>&1 || true
mark schemathesis-end

# --- sqlmap: every form field, query and path parameter, and at level 3 the cookies and headers ----------
# name | session (or "partner", or "-" for nobody) | URL (a * marks a path parameter) | POST data | CSRF page
AUTH_FORWARDS="/api/v1/partner/forwards"
TARGETS=(
  "api-forwards|partner|$AUTH_FORWARDS||"
  "api-forward|partner|$AUTH_FORWARDS/${FORWARD_ID}*||"
  "api-answer|partner|$AUTH_FORWARDS/$FORWARD_ID/answer|{\"answer\": \"The consumer was called and the exclusion clause explained again.\"}|"
  "my-data|consumer|/my/data/||"
  "my-data-export|consumer|/my/data/export.json||"
  "my-data-reads|consumer|/my/data/reads/?page=1||"
  "my-data-correct|consumer|/my/data/correct/|correct-field=phone&correct-value=13800138009&correct-note=note|/my/data/"
  "my-data-delete|consumer|/my/data/delete/|delete-note=note&delete-confirm=on|/my/data/"
  "wb-data-requests|compliance|/workbench/data-requests/||"
  "wb-data-request-refuse|compliance|/workbench/data-requests/$REQUEST_ID/refuse/|reasons=reasons|/workbench/data-requests/"
  "wb-data-request-accept|compliance|/workbench/data-requests/${REQUEST_ID}*/accept/||/workbench/data-requests/"
  "wb-data-reads|compliance|/workbench/data-reads/?page=1||"
  "wb-approvals|compliance|/workbench/approvals/||"
  "wb-agreement-approve|compliance|/workbench/agreements/${PENDING_AGREEMENT_ID}*/approve/||/workbench/approvals/"
  "adm-partner|admin|/workbench/administration/partners/${PARTNER_ID}*/||"
  "adm-agreement-record|admin|/workbench/administration/partners/$PARTNER_ID/agreements/|agreement-reference=DSA-SQL-1&agreement-purpose=complaint_handling&agreement-purpose_detail=detail%20of%20purpose&agreement-data_categories=complaint&agreement-method=partner_api&agreement-protection_measures=encrypted%20in%20transit%20and%20at%20rest&agreement-valid_from=2026-12-01&agreement-valid_until=2027-06-30|/workbench/administration/partners/$PARTNER_ID/"
  "adm-agreement-approve|admin|/workbench/administration/agreements/${PENDING_AGREEMENT_ID}*/approve/||/workbench/administration/partners/$PARTNER_ID/"
  "adm-agreement-end|admin|/workbench/administration/agreements/$AGREEMENT_ID/end/|end-$AGREEMENT_ID-reason=the%20contract%20was%20terminated|/workbench/administration/partners/$PARTNER_ID/"
  "acc-login|-|/accounts/login/|username=anhe.handler&password=wrong-password&next=/workbench/|/accounts/login/"
  "acc-two-factor|codestep|/accounts/two-factor/|code=123456&next=/workbench/|/accounts/two-factor/"
  "acc-enrol|enrol|/accounts/two-factor/enrol/|code=123456&next=/workbench/|/accounts/two-factor/enrol/"
  "acc-password|password|/accounts/password/|old_password=wrong-password&new_password1=Another-pass-2026&new_password2=Another-pass-2026|/accounts/password/"
  "acc-reset|-|/accounts/password/reset/|email=someone%40example.com|/accounts/password/reset/"
  "acc-reset-confirm|-|/accounts/password/reset/MQ*/set-password/||"
)
for target in "${TARGETS[@]}"; do
  IFS='|' read -r name who path data csrf_page <<<"$target"
  args=(-u "$BASE$path" --batch --level 3 --risk 2 --disable-coloring -v 1 --flush-session --timeout 30
        --retries 1 --output-dir "$OUT/sqlmap/$name" --skip-waf --ignore-redirects)
  if [ -n "$csrf_page" ]; then  # the token is fetched afresh from the page before each request
    args+=(--data "csrfmiddlewaretoken=x${data:+&$data}" --csrf-token=csrfmiddlewaretoken --csrf-url "$BASE$csrf_page")
  elif [ -n "$data" ]; then
    args+=(--data "$data")
  fi
  if [ "$who" = partner ]; then
    args+=(-H "Authorization: Bearer $PARTNER_KEY")
  elif [ "$who" != - ]; then
    args+=(--cookie "$(cookie "$who")")
  fi
  runs sqlmap && [[ "$name" =~ $SQLMAP_TARGETS ]] || continue
  mark "sqlmap:$name"
  timeout -k 10 "$SQLMAP_SECONDS" "$SQLMAP" "${args[@]}" >"$OUT/sqlmap/$name.txt" 2>&1 || true
done
mark sqlmap-end

# --- wapiti: crawl and attack each new folder with its session ------------------------------------------
# name | session | base URL (the scope: this folder) | more start URLs
RUNS=(
  "consumer-my-data|consumer|/my/data/|/my/data/reads/ /my/data/export.json"
  "compliance-data-requests|compliance|/workbench/data-requests/|"
  "compliance-data-reads|compliance|/workbench/data-reads/|"
  "compliance-approvals|compliance|/workbench/approvals/|"
  "compliance-agreements|compliance|/workbench/agreements/|/workbench/agreements/$PENDING_AGREEMENT_ID/approve/"
  "admin-agreements|admin|/workbench/administration/agreements/|/workbench/administration/agreements/$AGREEMENT_ID/end/"
  "admin-partners|admin|/workbench/administration/partners/|/workbench/administration/partners/$PARTNER_ID/"
  "codestep-two-factor|codestep|/accounts/two-factor/|"
  "enrol-two-factor|enrol|/accounts/two-factor/enrol/|"
  "password-change|password|/accounts/password/|"
  "anonymous-accounts|-|/accounts/|/accounts/login/ /accounts/password/reset/ /accounts/password/reset/MQ/set-password/"
)
NOWHERE="$BASE/healthz"  # out-of-band endpoints (SSRF, XXE modules, not loaded): never the public wapiti3.ovh
for run in "${RUNS[@]}"; do
  IFS='|' read -r name who base starts <<<"$run"
  args=(-u "$BASE$base" --scope folder -m "sql,xss,permanentxss,exec,file,crlf,redirect,csrf,ldap,methods"
        --flush-session --store-session "$OUT/wapiti/store" --store-config "$OUT/wapiti/config"
        --max-scan-time "$WAPITI_SECONDS" --max-attack-time $((WAPITI_SECONDS / 3)) -t 10 --tasks 4
        --no-bugreport --endpoint "$NOWHERE" --external-endpoint "$NOWHERE" --internal-endpoint "$NOWHERE"
        -x "$BASE/accounts/logout/" -x "$BASE/i18n/*" -x "$BASE/elder-mode/"
        -f json -o "$OUT/wapiti/$name.json" --log "$OUT/wapiti/$name.log")
  for start in $starts; do args+=(-s "$BASE$start"); done
  [ "$who" != - ] && args+=(-C "$(cookie "$who")")
  runs wapiti || continue
  mark "wapiti:$name"
  timeout -k 10 $((WAPITI_SECONDS + 120)) "$WAPITI" "${args[@]}" >"$OUT/wapiti/$name.txt" 2>&1 || true
done
mark wapiti-end

# The sessions are still signed in (the scan did not run signed out, nor log anybody out).
for who in consumer compliance admin; do
  page=/workbench/; [ "$who" = consumer ] && page=/my/data/
  echo "$who $(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $(cookie "$who")" "$BASE$page")" >>"$OUT/still-signed-in"
done
stop_server
trap - EXIT

# --- summary ---------------------------------------------------------------------------------------------
"$BIN/python" - "$OUT" <<'PY' | tee "$OUT/summary.txt"
import collections, glob, json, re, sys
from pathlib import Path

out = Path(sys.argv[1])
log = (out / "server.log").read_text(errors="replace").splitlines()
marks = [(line.split()[0], int(line.split()[1])) for line in (out / "marks").read_text().splitlines()]
access = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d{3}) ')
NEW = [
    r"^/my/data/export\.json", r"^/my/data/correct/", r"^/my/data/delete/", r"^/my/data/reads/", r"^/my/data/$",
    r"^/workbench/data-requests/\d+/accept/", r"^/workbench/data-requests/\d+/refuse/", r"^/workbench/data-requests/$",
    r"^/workbench/data-reads/", r"^/workbench/approvals/", r"^/workbench/agreements/\d+/approve/",
    r"^/workbench/administration/partners/\d+/agreements/", r"^/workbench/administration/partners/\d+/$",
    r"^/workbench/administration/agreements/\d+/approve/", r"^/workbench/administration/agreements/\d+/end/",
    r"^/accounts/login/", r"^/accounts/two-factor/enrol/", r"^/accounts/two-factor/$", r"^/accounts/password/$",
    r"^/accounts/password/reset/$", r"^/accounts/password/reset/[^/]+/[^/]+/",
    r"^/api/v1/partner/forwards/[^/]+/answer", r"^/api/v1/partner/forwards/[^/]+$", r"^/api/v1/partner/forwards$",
]


def route(path: str) -> str:
    bare = path.split("?")[0]
    for pattern in NEW:
        if re.search(pattern, bare):
            return pattern.strip("^$").replace("\\d+", "<id>").replace("[^/]+", "<x>").replace("\\", "")
    return "(other pages)"


def lines(start: int, end: int) -> list[re.Match[str]]:
    return [m for m in map(access.search, log[start:end]) if m]


def span(prefix: str) -> list[re.Match[str]]:
    found: list[re.Match[str]] = []
    for (name, start), (_next, end) in zip(marks, marks[1:]):
        if name == prefix or name.startswith(prefix + ":"):
            found += lines(start, end)
    return found


def findings_sqlmap() -> list[str]:
    hits = []
    for text in sorted((out / "sqlmap").glob("*.txt")):
        body = text.read_text(errors="replace")
        if "identified the following injection point" in body or re.search(r"parameter '.*' is vulnerable", body):
            hits.append(text.stem)
    return hits


def findings_wapiti() -> tuple[list[str], list[str]]:
    vulns, anomalies = [], []
    for report in sorted((out / "wapiti").glob("*.json")):
        data = json.loads(report.read_text())
        for kind, items in data.get("vulnerabilities", {}).items():
            vulns += [f"{report.stem}: {kind}: {i.get('method')} {i.get('path')} {i.get('info')}" for i in items]
        for kind, items in data.get("anomalies", {}).items():
            anomalies += [f"{report.stem}: {kind}: {i.get('method')} {i.get('path')} {i.get('info')}" for i in items]
    return vulns, anomalies


def findings_schemathesis() -> list[str]:
    text = (out / "schemathesis" / "output.txt").read_text(errors="replace")
    kinds = re.findall(r"^\s*❌ (ST\d+ .*): (\d+)$", text, re.M)  # e.g. "ST103 Undocumented status code: 2"
    return [f"{kind} ({n} of {count})" for kind, count in kinds for n in range(1, int(count) + 1)]


tools = {"schemathesis": span("schemathesis"), "sqlmap": span("sqlmap"), "wapiti": span("wapiti")}
sql_hits = findings_sqlmap()
w_vulns, w_anomalies = findings_wapiti()
st_hits = findings_schemathesis()
all_lines = lines(0, len(log))
errors_500 = [m.group(0) for m in all_lines if m.group("status").startswith("5")]
tracebacks = sum(1 for line in log if "ERROR django.request" in line)
found = {"schemathesis": st_hits, "sqlmap": sql_hits, "wapiti": w_vulns + w_anomalies}

print(f"security scan of #19, results in {out}")
print(f"{'tool':<14}{'requests':>10}{'findings':>10}{'5xx':>6}")
for tool, hits in tools.items():
    fives = sum(1 for m in hits if m.group("status").startswith("5"))
    print(f"{tool:<14}{len(hits):>10}{len(found[tool]):>10}{fives:>6}")
print(f"server: {len(all_lines)} requests, {len(errors_500)} answered 5xx, {tracebacks} 'Internal Server Error' logged")
for tool, hits in found.items():
    for hit in hits:
        print(f"  finding [{tool}] {hit}")
for line in errors_500[:20]:
    print(f"  5xx: {line}")

print("\nrequests per page or endpoint (all tools) and their statuses:")
table: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
for m in all_lines:
    table[route(m.group("path"))][m.group("status")] += 1
for name, counts in sorted(table.items()):
    statuses = ", ".join(f"{s}: {n}" for s, n in sorted(counts.items()))
    print(f"  {name:<48}{sum(counts.values()):>7}   {statuses}")
print("\nstill signed in at the end: " + ", ".join((out / "still-signed-in").read_text().split("\n")).strip(", "))
sys.exit(1 if errors_500 or tracebacks or any(found.values()) else 0)
PY
