"""Counters are kept by the platform's administrators; each change goes through ``service_point_save`` and
so into the audit log. A counter is unpublished, never deleted."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from xiaobao.identity.actions import service_point_save
from xiaobao.identity.models import ServicePoint
from xiaobao.kernel.actors import SYSTEM


@admin.register(ServicePoint)
class ServicePointAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "insurer", "hours", "published")
    list_filter = ("insurer", "published")

    def save_model(self, request: HttpRequest, obj: ServicePoint, form: Any, change: bool) -> None:
        service_point_save(actor=SYSTEM, point=obj, changed_by=request.user.get_username())

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
