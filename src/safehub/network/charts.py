"""Server-side pictures with matplotlib (no pyplot state, so safe in a threaded server): a graph for panel packs (PNG or
SVG, laid out with networkx) and the hotspot chart (PNG; the page carries the same numbers as a table).

Labels are exactly what the user may see (`selectors.NodeView`): children they may not open are drawn by initials and age.
"""

from __future__ import annotations

import io
from datetime import date

import networkx as nx
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .models import NodeKind
from .selectors import Hotspot, Picture

# The same colours and shapes as the interactive graph's legend (static/network/graph.js).
KIND_STYLE = {
    NodeKind.CHILD: ("#1d70b8", "o"),
    NodeKind.PERSON: ("#d4351c", "s"),
    NodeKind.PLACE: ("#00703c", "^"),
    NodeKind.GROUP: ("#4c2c92", "D"),
    NodeKind.VEHICLE: ("#b58840", "p"),
    NodeKind.ONLINE_IDENTITY: ("#912b88", "h"),
}
MASKED_COLOUR = "#b1b4b6"
SERIES = ["#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#f47738", "#912b88", "#28a197", "#505a5f"]


def _save(figure: Figure, fmt: str) -> bytes:
    buffer = io.BytesIO()
    metadata = {"Creator": "safehub"} if fmt == "png" else {"Creator": "safehub", "Date": None}
    figure.savefig(buffer, format=fmt, bbox_inches="tight", metadata=metadata)
    return buffer.getvalue()


def graph_image(picture: Picture, *, title: str, fmt: str = "png") -> bytes:
    """The picture drawn for a panel pack: records coloured and shaped by kind, links labelled by type and grading."""
    graph = nx.Graph()
    views = {v.element_id: v for v in picture.nodes}
    graph.add_nodes_from(views)
    for link in picture.links:
        graph.add_edge(link.source.element_id, link.target.element_id, label=f"{link.type_label} ({link.grading})")
    size = min(16, 6 + len(views) ** 0.5)
    figure = Figure(figsize=(size, size * 0.75), dpi=110)
    axes = figure.subplots()
    axes.set_axis_off()
    axes.set_title(title, loc="left", fontsize=13)
    if not views:
        axes.text(0.5, 0.5, "No links you may see", ha="center")
        return _save(figure, fmt)
    layout = nx.spring_layout(graph, seed=7, k=1.2 / max(1, len(views)) ** 0.5)
    nx.draw_networkx_edges(graph, layout, ax=axes, edge_color="#505a5f", width=1.2)
    if len(graph.edges) <= 60:
        nx.draw_networkx_edge_labels(graph, layout, ax=axes, edge_labels=nx.get_edge_attributes(graph, "label"),
                                     font_size=7, font_color="#0b0c0c", rotate=False)
    focus = picture.focus.element_id if picture.focus else None
    for kind, (colour, marker) in KIND_STYLE.items():
        members = [key for key, v in views.items() if v.kind == kind]
        if not members:
            continue
        colours = [MASKED_COLOUR if views[key].masked else colour for key in members]
        sizes = [900 if key == focus else 450 for key in members]
        nx.draw_networkx_nodes(graph, layout, nodelist=members, node_color=colours, node_shape=marker, node_size=sizes,
                               edgecolors="#0b0c0c", linewidths=[2.5 if key == focus else 0.8 for key in members],
                               ax=axes)
    below = {key: (x, y - 0.07) for key, (x, y) in layout.items()}
    nx.draw_networkx_labels(graph, below, labels={key: v.label for key, v in views.items()}, font_size=8,
                            verticalalignment="top", ax=axes)
    handles = [Line2D([], [], marker=marker, color="white", markerfacecolor=colour, markeredgecolor="#0b0c0c",
                      markersize=9, label=NodeKind(kind).label) for kind, (colour, marker) in KIND_STYLE.items()]
    handles.append(Line2D([], [], marker="o", color="white", markerfacecolor=MASKED_COLOUR, markeredgecolor="#0b0c0c",
                          markersize=9, label="Not in your records (initials and age)"))
    axes.legend(handles=handles, loc="lower left", fontsize=8, frameon=False, bbox_to_anchor=(0, -0.12), ncol=4)
    return _save(figure, fmt)


def hotspot_chart(hotspots: list[Hotspot], months: list[date], *, top: int = 8) -> bytes:
    """Children linked to each of the busiest places, month by month (PNG)."""
    figure = Figure(figsize=(9, 4.5), dpi=100)
    axes = figure.subplots()
    labels = [f"{m:%b %Y}" for m in months]
    positions = range(len(months))
    for index, spot in enumerate(hotspots[:top]):
        counts = dict(spot.by_month)
        axes.plot(positions, [counts.get(m, 0) for m in months], marker="o", linewidth=2,
                  color=SERIES[index % len(SERIES)], label=spot.place.label)
    axes.set_xticks(list(positions), labels, rotation=45, ha="right", fontsize=8)
    axes.set_ylabel("Different children linked")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.set_ylim(bottom=0)
    axes.grid(axis="y", color="#b1b4b6", linewidth=0.6)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if hotspots:
        axes.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    else:
        axes.text(0.5, 0.5, "No places reach the threshold in this period", ha="center", transform=axes.transAxes)
    return _save(figure, "png")
