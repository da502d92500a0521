"""The level-over-time chart, drawn as inline SVG on the server: no JavaScript, prints, and carries its own text alternative.

This module only works out geometry; `risk/_level_chart.html` writes the SVG (so every label is escaped by the template).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# GOV.UK colours from calm to urgent; a tool with n levels takes n of them spread across the range.
LEVEL_COLOURS = ["#00703c", "#85994b", "#f47738", "#d4351c", "#942514"]

TAG_CLASSES = ["govuk-tag--green", "govuk-tag--yellow", "govuk-tag--orange", "govuk-tag--red"]

LEFT, RIGHT, TOP, BOTTOM, ROW = 150, 30, 20, 50, 44


@dataclass(frozen=True)
class Observation:
    at: datetime
    rank: int
    label: str
    score: int
    override: bool
    assessment_id: int


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    colour: str
    observation: Observation


@dataclass(frozen=True)
class ChartRow:
    y: float
    label: str
    colour: str


@dataclass(frozen=True)
class ChartTick:
    x: float
    at: datetime


@dataclass(frozen=True)
class LevelChart:
    key: str
    title: str
    width: int
    height: int
    left: int
    right_edge: int
    bottom_edge: int
    rows: list[ChartRow]
    ticks: list[ChartTick]
    points: list[ChartPoint]
    line: str  # the polyline's points attribute

    @property
    def label_x(self) -> int:
        return self.left - 12

    @property
    def tick_y(self) -> int:
        return self.bottom_edge + 32

    @property
    def latest(self) -> Observation:
        return self.points[-1].observation

    @property
    def first(self) -> Observation:
        return self.points[0].observation


def tag_class(rank: int, levels: int) -> str:
    """A GOV.UK tag colour for a level: green for the lowest, red for the highest."""
    if levels <= 1 or rank < 0:
        return TAG_CLASSES[0]
    return TAG_CLASSES[round(rank * (len(TAG_CLASSES) - 1) / (levels - 1))]


def colour_for(rank: int, levels: int) -> str:
    if levels <= 1:
        return LEVEL_COLOURS[0]
    step = (len(LEVEL_COLOURS) - 1) / (levels - 1)
    return LEVEL_COLOURS[round(rank * step)]


def level_chart(key: str, title: str, level_labels: list[str], observations: list[Observation], *, width: int = 680):
    """Lay out one tool's levels (lowest at the bottom) against time, oldest on the left."""
    observations = sorted(observations, key=lambda o: (o.at, o.assessment_id))
    n = len(level_labels)
    height = TOP + ROW * (n - 1) + BOTTOM
    right_edge, bottom_edge = width - RIGHT, TOP + ROW * (n - 1)

    def y_of(rank: int) -> float:
        return TOP + ROW * (n - 1 - rank)

    start, end = observations[0].at, observations[-1].at
    span = (end - start).total_seconds()

    def x_of(at: datetime) -> float:
        if span <= 0:
            return (LEFT + right_edge) / 2
        return round(LEFT + (right_edge - LEFT) * (at - start).total_seconds() / span, 1)

    points = [ChartPoint(x_of(o.at), y_of(o.rank), colour_for(o.rank, n), o) for o in observations]
    if span <= 0:
        ticks = [ChartTick(x_of(start), start)]
    else:
        count = min(4, len({o.at.date() for o in observations}))
        ticks = [ChartTick(x_of(start + (end - start) * i / (count - 1)), start + (end - start) * i / (count - 1))
                 for i in range(count)] if count > 1 else [ChartTick(x_of(start), start)]
    return LevelChart(
        key=key,
        title=title,
        width=width,
        height=height,
        left=LEFT,
        right_edge=right_edge,
        bottom_edge=bottom_edge,
        rows=[ChartRow(y_of(rank), label, colour_for(rank, n)) for rank, label in enumerate(level_labels)],
        ticks=ticks,
        points=points,
        line=" ".join(f"{p.x},{p.y}" for p in points),
    )
