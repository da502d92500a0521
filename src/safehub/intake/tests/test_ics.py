"""The hand-written iCalendar: escaping, folding, all-day and timed tasks."""

from __future__ import annotations

import datetime as dt

from safehub.intake.ics import escape_text, fold, task_calendar
from safehub.intake.models import Task

from .fixtures import LONDON


def test_escape_text():
    assert escape_text("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf"


def test_fold_at_75_octets_without_splitting_characters():
    line = "SUMMARY:" + "é" * 60
    folded = fold(line)
    parts = folded.split("\r\n ")
    assert len(parts) == 2
    assert all(len(p.encode()) <= 75 for p in parts[:1]) and len(parts[1].encode()) <= 74
    assert "".join(parts) == line
    assert fold("short") == "short"


def test_task_calendar():
    timed = Task(pk=7, title="Answer MASH check C000001-2, urgent; now", due_at=dt.datetime(2025, 12, 22, 16, 0, tzinfo=LONDON))
    all_day = Task(pk=8, title="ICPC", due_at=dt.datetime(2026, 1, 15, 23, 59, tzinfo=LONDON), all_day=True)
    text = task_calendar([timed, all_day], base_url="https://safehub.example/intake/tasks/", stamp=timed.due_at)
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert "UID:task-7@safehub" in lines
    assert "DTSTART:20251222T154500Z" in lines and "DTEND:20251222T160000Z" in lines
    assert "SUMMARY:Due: Answer MASH check C000001-2\\, urgent\\; now" in lines
    assert "DTSTART;VALUE=DATE:20260115" in lines and "DTEND;VALUE=DATE:20260116" in lines
    assert all(len(line.encode()) <= 75 for line in lines)
