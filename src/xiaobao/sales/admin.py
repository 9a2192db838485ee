"""Product pages are kept by the platform's administrators; each change goes through ``product_save``
and so into the audit log. Products are withdrawn from sale, never deleted."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from xiaobao.kernel.actors import SYSTEM
from xiaobao.sales.actions import product_save
from xiaobao.sales.models import Product


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "insurer", "product_line", "register_number", "on_sale")
    list_filter = ("insurer", "product_line", "on_sale")
    search_fields = ("name", "register_number")
    # The sale-rule fields (#16) are kept by the insurer's own product pages, not here.
    exclude = (
        "tier",
        "term_months",
        "cooling_off_days",
        "cooling_off_deduction_yuan",
        "uncertain_benefit",
        "investment_linked",
        "complexity",
        "premium_burden",
        "risk_level",
    )
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request: HttpRequest, obj: Product, form: Any, change: bool) -> None:
        product_save(actor=SYSTEM, product=obj, changed_by=request.user.get_username())

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
