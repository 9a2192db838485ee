from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.test import Client

from tests.conftest import World
from tests.support.world import fresh_resident_id
from xiaobao.complaints.models import Complaint
from xiaobao.identity.models import Insurer
from xiaobao.notifications.models import Notification

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def latest_code(purpose: str, pattern: str = r"(\d{6})") -> str:
    notice = Notification.objects.filter(purpose=purpose).order_by("-created_at").first()
    assert notice is not None, f"no {purpose} notice"
    found = re.search(pattern, notice.body)
    assert found, notice.body
    return found.group(1)


@dataclass
class Filer:
    client: Client
    insurer: Insurer
    resident_id: str

    def start(self, **overrides: str) -> object:
        data = {"name": "王淑芬", "resident_id": self.resident_id, "phone": "13800138001", "preferred_channel": "sms"}
        data.update(overrides)
        return self.client.post(f"/i/{self.insurer.code}/complain/", data)

    def verify(self, code: str | None = None) -> object:
        return self.client.post(
            f"/i/{self.insurer.code}/complain/verify/", {"code": code or latest_code("verification_code")}
        )

    def details(self, **overrides: object) -> object:
        data: dict[str, object] = {
            "product_line": "medical",
            "reason": "claims",
            "description": "住院费用理赔被拒。",
            "requested_outcome": "重新审核",
            "token": "form-1",
        }
        data.update(overrides)
        return self.client.post(f"/i/{self.insurer.code}/complain/details/", data)

    def verified(self) -> Filer:
        self.start()
        self.verify()
        return self


@pytest.fixture
def filer(world: World, client: Client) -> Filer:
    return Filer(client, world.ours.insurer, fresh_resident_id())


def filed_and_opened(filer: Filer) -> tuple[Complaint, str]:
    """File a complaint through the portal; its complaint and the access code shown at the end."""
    filer.verified()
    response = filer.details()
    page = filer.client.get(response["Location"]).content.decode()  # type: ignore[index]
    code = re.search(r'id="access-code">(\d{8})<', page)
    assert code is not None
    return Complaint.objects.get(), code.group(1)


def apply(filer: Filer, **overrides: object) -> object:
    data: dict[str, object] = {
        "kind": "accident/injury",
        "policy_number": "ACC-2026-0042",
        "incident_date": "2026-02-27",
        "incident_region": "210200",
        "description": "下楼梯摔伤，右腕骨折。",
        "amount_claimed": "8600",
        "token": "claim-form-1",
    }
    data.update(overrides)
    return filer.client.post(f"/i/{filer.insurer.code}/claim/", data)
