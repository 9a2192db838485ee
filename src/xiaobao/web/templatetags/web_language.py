"""``{{ LANGUAGE_CODE|language_tag }}``: a language code as the BCP 47 tag a ``lang`` attribute carries (INC-3)."""

from __future__ import annotations

from django import template

from xiaobao.web.languages import language_tag as tag_of

register = template.Library()


@register.filter
def language_tag(code: str) -> str:
    return tag_of(str(code))
