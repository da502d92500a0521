from django import template

from safehub.people.detail_links import url_for

register = template.Library()


@register.simple_tag
def detail_url(event) -> str:
    return url_for(event.detail_type, event.detail_id) or ""
