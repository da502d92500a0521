from django import template

register = template.Library()


@register.filter
def status_label(action, today):
    """An action's status as the chair reads it on `today` (an open action past its due date reads as overdue)."""
    return action.status_label_on(today)
