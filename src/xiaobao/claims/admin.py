"""Checklists are maintained by the platform's administrators."""

from __future__ import annotations

from django.contrib import admin

from xiaobao.claims.models import ChecklistItem


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("product_line", "claim_type", "code", "name", "required", "waivable_in_green_channel", "order")
    list_filter = ("product_line", "claim_type")
