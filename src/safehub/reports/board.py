"""The board report: the scorecard as the board sees it — suppressed, formatted, with commentary, sparklines and a
data-quality panel. Built once and rendered as HTML, PDF and XLSX, so every output applies the same suppression.

Nothing here carries a child's identity: rows are indicators, cells are aggregates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from safehub.performance.engine import RAG_LABELS, Row, Scorecard, Value, scorecard
from safehub.performance.periods import PERIOD_TYPES
from safehub.performance.selectors import commentary_for

from .charts import data_uri, rag_summary_chart, sparkline
from .suppression import count_text, is_small, table_text, value_text

UNIT_LABELS = {"count": "Number", "percent": "Percentage", "rate": "Rate per 10,000 children"}
POLARITY_LABELS = {"high_good": "Higher is better", "low_good": "Lower is better", "neutral": "No good direction"}


@dataclass
class AgencyLine:
    agency: str
    numerator: str
    denominator: str
    value: str


@dataclass
class BoardRow:
    id: str
    title: str
    definition: str
    unit: str
    unit_label: str
    polarity_label: str
    period_key: str
    period_label: str
    value: str
    numerator: str
    denominator: str
    suppressed: bool
    status_note: str
    rag: str | None
    rag_label: str
    direction: str
    target: str
    comparators: list[str]
    trend_labels: list[str]
    trend_values: list[float | None]  # None where suppressed or no value
    trend_text: list[str]
    sparkline: str
    commentary: str
    commentary_by: str
    agencies: list[AgencyLine] = field(default_factory=list)
    source: str = ""


@dataclass
class DataQualityLine:
    label: str
    value: str
    note: str


@dataclass
class BoardReport:
    title: str
    month: dt.date
    kind: str | None
    kind_label: str
    generated_at: dt.datetime
    rows: list[BoardRow]
    rag_counts: dict[str, int]
    rag_chart: str
    data_quality: list[DataQualityLine]


def _format_target(row: Row) -> str:
    i = row.indicator
    if i.target is None or i.polarity == "neutral":
        return "No target"
    suffix = "%" if i.unit == "percent" else ""
    sign = "at least" if i.polarity == "high_good" else "at most"
    return f"{sign} {i.target:g}{suffix} (amber within {i.tolerance:g})"


def _cell(value: Value) -> tuple[str, bool]:
    return value_text(value.indicator.unit, value.value, value.numerator, value.denominator)


def _trend_point(value: Value) -> float | None:
    text, hidden = _cell(value)
    return None if hidden or value.value is None else value.value


def _board_row(row: Row, commentary) -> BoardRow:
    i, current = row.indicator, row.current
    text, hidden = _cell(current)
    previous_hidden = row.previous is not None and _cell(row.previous)[1]
    if row.direction is None:
        direction = "Not comparable"
    elif hidden or previous_hidden:
        direction = "Not shown (small numbers)"
    else:
        direction = row.direction_label
    trend_values = [_trend_point(v) for v in row.trend]
    lines = []
    if row.by_agency:
        numerators, total = table_text([v.numerator for _, v in row.by_agency], current.numerator)
        denominators = (table_text([v.denominator for _, v in row.by_agency], current.denominator)[0]
                        if i.unit == "percent" else [""] * len(row.by_agency))
        for (name, v), num, den in zip(row.by_agency, numerators, denominators, strict=True):
            if v.status == "no_cases" and not v.numerator:
                continue
            value_hidden = num == "*" or (i.unit == "percent" and den == "*")
            shown, _ = value_text(i.unit, v.value, v.numerator, v.denominator, numerator_hidden=value_hidden)
            lines.append(AgencyLine(name, num, den, shown))
        if total == "*" and not hidden:
            text, hidden = "*", True
    comparators = [f"{c.kind.replace('_', ' ').title()}: {c.value:g}{'%' if i.unit == 'percent' else ''} ({c.year}; {c.source})"
                   for c in i.comparators]
    return BoardRow(
        id=i.id, title=i.title, definition=i.definition, unit=i.unit, unit_label=UNIT_LABELS[i.unit],
        polarity_label=POLARITY_LABELS[i.polarity], period_key=current.period.key, period_label=current.period.label,
        value=text, numerator=count_text(current.numerator) if current.numerator is not None else "–",
        denominator=(count_text(current.denominator) if i.unit == "percent" else
                     (f"{current.denominator:,}" if current.denominator else "–")),
        suppressed=hidden, status_note=current.status_label,
        rag=None if hidden and current.rag else current.rag,
        rag_label=("Not shown (small numbers)" if hidden and current.rag else RAG_LABELS.get(current.rag or "", "No target")),
        direction=direction, target=_format_target(row), comparators=comparators,
        trend_labels=[v.period.key for v in row.trend], trend_values=trend_values,
        trend_text=[_cell(v)[0] for v in row.trend],
        sparkline=sparkline(trend_values, label=f"{i.title}: trend over {len(row.trend)} periods"),
        commentary=commentary.text if commentary else "",
        commentary_by=commentary.author.get_full_name() if commentary else "",
        agencies=lines, source=i.source,
    )


def data_quality(card: Scorecard, now: dt.datetime) -> list[DataQualityLine]:
    """Counts of missing fields and late returns that qualify the scorecard; aggregates only."""
    from safehub.intake.models import AgencyCheckRequest, Contact
    from safehub.missing.models import MissingEpisode
    from safehub.people.models import Child

    children = Child.objects.filter(merged_into__isnull=True)
    lines = [
        ("Children without a date of birth", children.filter(date_of_birth__isnull=True).count(),
         "Age bands and 0-17 rates leave them out"),
        ("Children without an NHS number", children.filter(nhs_number="").count(), "See the NHS match rate indicator"),
        ("Contacts not yet linked to a child", Contact.objects.filter(child__isnull=True).count(),
         "Counted in no child-based indicator until linked"),
        ("Agency checks overdue now (late returns)", AgencyCheckRequest.objects.overdue(now).count(),
         "Unanswered and past the deadline"),
        ("Missing episodes without a police risk grade", MissingEpisode.objects.filter(risk_grade="").count(), ""),
        ("Missing episodes still open after 7 days", MissingEpisode.objects.filter(
            ended_at__isnull=True, started_at__lt=now - dt.timedelta(days=7)).count(), "Check a return was recorded"),
    ]
    no_data = [r.indicator.title for r in card.rows if r.current.status in ("no_data", "no_population")]
    out = [DataQualityLine(label, count_text(n), note) for label, n, note in lines]
    out.append(DataQualityLine("Indicators without data", str(len(no_data)), "; ".join(no_data)))
    return out


def board_report(*, now: dt.datetime | None = None, month: dt.date | None = None, kind: str | None = None,
                 ids: list[str] | None = None, charts: bool = True) -> BoardReport:
    now = now or timezone.now()
    card = scorecard(now=now, month=month, kind=kind, ids=ids)
    notes = commentary_for({r.indicator.id: r.current.period.key for r in card.rows})
    rows = [_board_row(r, notes.get(r.indicator.id)) for r in card.rows]
    counts = {rag: sum(1 for r in rows if r.rag == rag) for rag in ("green", "amber", "red")}
    return BoardReport(
        title="Safeguarding partnership scorecard",
        month=card.month, kind=kind, kind_label=PERIOD_TYPES.get(kind or "", "Each indicator's own period"),
        generated_at=now, rows=rows, rag_counts=counts,
        rag_chart=data_uri(rag_summary_chart(counts)) if charts else "",
        data_quality=data_quality(card, now),
    )


__all__ = ["BoardReport", "BoardRow", "board_report", "is_small"]
