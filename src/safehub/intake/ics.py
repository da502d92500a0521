"""An iCalendar (RFC 5545) feed of a worker's tasks, written by hand: it is a few lines of text.

What goes in the feed leaves safehub for phones and mail servers, so each event carries only the task's title (titles
never name a child), its due time and a link back; the details stay behind the sign-in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from .models import Task

PRODUCT = "-//safehub//Front door tasks//EN"


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma and newlines."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1), never splitting a UTF-8 character."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = 75 if not out else 74  # continuation lines start with a space, which counts
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def task_calendar(tasks: Iterable[Task], *, base_url: str, stamp: dt.datetime, name: str = "safehub tasks") -> str:
    """One VEVENT per task: a timed task is a 15-minute event ending at its due time; an all-day task is an all-day
    event on its due date. UIDs are stable, so re-importing updates rather than duplicates.
    """
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for task in tasks:
        lines += ["BEGIN:VEVENT", f"UID:task-{task.pk}@safehub", f"DTSTAMP:{_utc(stamp)}"]
        if task.all_day:
            day = timezone.localdate(task.due_at)
            lines += [
                f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
                f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}",
            ]
        else:
            lines += [f"DTSTART:{_utc(task.due_at - dt.timedelta(minutes=15))}", f"DTEND:{_utc(task.due_at)}"]
        lines += [
            f"SUMMARY:{escape_text('Due: ' + task.title)}",
            f"DESCRIPTION:{escape_text('Open safehub to see the details: ' + base_url)}",
            f"URL:{base_url}",
            "STATUS:CONFIRMED",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
