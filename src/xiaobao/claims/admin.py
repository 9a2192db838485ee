"""Checklists and declared emergencies are kept by the platform's administrators; both go through actions,
so each change is in the audit log. Items are retired by marking them not required, never deleted."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from xiaobao.claims.actions import checklist_item_save, emergency_declare
from xiaobao.claims.models import ChecklistItem, Emergency
from xiaobao.kernel.actors import SYSTEM


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("product_line", "claim_type", "code", "name", "required", "waivable_in_green_channel", "order")
    list_filter = ("product_line", "claim_type")

    def save_model(self, request: HttpRequest, obj: ChecklistItem, form: Any, change: bool) -> None:
        checklist_item_save(actor=SYSTEM, item=obj, changed_by=request.user.get_username())

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Emergency)
class EmergencyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Declaring flags the open claims inside the area and dates at once; a declaration is not edited."""

    list_display = ("name", "first_day", "last_day", "declared_at")
    fields = ("name", "region_prefixes", "first_day", "last_day")

    def save_model(self, request: HttpRequest, obj: Emergency, form: Any, change: bool) -> None:
        declared = emergency_declare(
            actor=SYSTEM,
            name=obj.name,
            region_prefixes=[str(p) for p in obj.region_prefixes],
            first_day=obj.first_day,
            last_day=obj.last_day,
        )
        obj.pk = declared.pk

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
