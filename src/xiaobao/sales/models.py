"""Products an insurer sells, each with a public page (SAL-1, CHN-2). Written only through ``sales.actions``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaobao.complaints.domain.classification import PRODUCT_LINE_TEXT
from xiaobao.ops.i18n import translated_labels


class Product(models.Model):
    """One product: what it is in plain words, its full terms, and its entry in the industry's product register.

    Products are never deleted: a policyholder may hold one long after it stops being sold,
    so ``on_sale`` turns false and the page stays.
    """

    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, related_name="products")
    code = models.SlugField(_("code in the address"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    product_line = models.CharField(
        _("product line"), max_length=32, choices=list(translated_labels(PRODUCT_LINE_TEXT).items())
    )
    summary = models.TextField(_("what it covers, in plain words"), max_length=2000)
    terms = models.TextField(_("full terms"), max_length=200_000)
    register_number = models.CharField(_("number in the product register"), max_length=100)
    register_url = models.URLField(_("entry in the financial-product query platform"), max_length=500)
    on_sale = models.BooleanField(_("on sale"), default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["insurer", "code"], name="product_code_per_insurer")]

    def __str__(self) -> str:
        return self.name
