"""Charts for the board: sparklines as small inline SVG written by hand, and trend and RAG charts drawn with matplotlib
(SVG, server-side). Suppressed values are never plotted: the line has a gap."""

from __future__ import annotations

import io
from html import escape

RAG_COLOURS = {"red": "#d4351c", "amber": "#f47738", "green": "#00703c"}
LINE = "#1d70b8"


def sparkline(points: list[float | None], *, width: int = 120, height: int = 28, label: str = "") -> str:
    """An inline SVG polyline of the trend; None points break the line. `label` becomes the accessible name."""
    values = [p for p in points if p is not None]
    title = escape(label or "Trend")
    if not values:
        return (f'<svg role="img" aria-label="{title}: no values to show" width="{width}" height="{height}" '
                f'viewBox="0 0 {width} {height}"></svg>')
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = (width - 4) / max(len(points) - 1, 1)

    def xy(i: int, v: float) -> str:
        return f"{2 + i * step:.1f},{height - 3 - (v - low) / span * (height - 6):.1f}"

    segments, current = [], []
    for i, p in enumerate(points):
        if p is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append(xy(i, p))
    if current:
        segments.append(current)
    lines = "".join(
        f'<polyline fill="none" stroke="{LINE}" stroke-width="1.5" points="{" ".join(s)}"/>' if len(s) > 1
        else f'<circle cx="{s[0].split(",")[0]}" cy="{s[0].split(",")[1]}" r="1.5" fill="{LINE}"/>'
        for s in segments
    )
    last = next((xy(i, p) for i, p in reversed(list(enumerate(points))) if p is not None), None)
    dot = f'<circle cx="{last.split(",")[0]}" cy="{last.split(",")[1]}" r="2.5" fill="{LINE}"/>' if last else ""
    return (f'<svg role="img" aria-label="{title}" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{title}</title>{lines}{dot}</svg>')


def data_uri(svg: str) -> str:
    """A matplotlib SVG as an image URL: shown with <img>, its inline styles are the image's own, so the page's
    Content-Security-Policy (style-src 'self') does not strip them."""
    import base64

    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _svg(fig) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def trend_chart(labels: list[str], values: list[float | None], *, title: str, target: float | None = None,
                england: float | None = None, unit: str = "count") -> str:
    """A line chart of the trend with the target and England comparator as reference lines."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "none"
    fig, ax = plt.subplots(figsize=(7.5, 2.8), dpi=100)
    ax.plot(range(len(values)), [float("nan") if v is None else v for v in values], marker="o", color=LINE,
            linewidth=2, label=title)
    if target is not None:
        ax.axhline(target, color=RAG_COLOURS["green"], linestyle="--", linewidth=1, label=f"Target {target:g}")
    if england is not None:
        ax.axhline(england, color="#505a5f", linestyle=":", linewidth=1.2, label=f"England {england:g}")
    shown = [v for v in values if v is not None] + [x for x in (target, england) if x is not None]
    if not shown or min(shown) >= 0:
        ax.set_ylim(bottom=0, top=max(max(shown, default=0) * 1.15, 1))
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right", fontsize=8)
    ax.set_ylabel({"percent": "%", "rate": "per 10,000", "count": "number"}[unit])
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#e5e5e5")
    ax.legend(fontsize=8, frameon=False, loc="best")
    return _svg(fig)


def rag_summary_chart(counts: dict[str, int]) -> str:
    """A horizontal bar of how many indicators are red, amber and green (no child-level data)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "none"
    fig, ax = plt.subplots(figsize=(6, 1.6), dpi=100)
    names = ["green", "amber", "red"]
    ax.barh([n.title() for n in names], [counts.get(n, 0) for n in names], color=[RAG_COLOURS[n] for n in names])
    for i, n in enumerate(names):
        ax.text(counts.get(n, 0) + 0.1, i, str(counts.get(n, 0)), va="center", fontsize=9)
    ax.set_xlim(0, max(max(counts.values(), default=0), 1) * 1.15)
    ax.set_xlabel("Indicators with a target")
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)
