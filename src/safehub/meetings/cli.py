"""`safehub minutes import FILE [--json OUT]`: read minutes and show (or write as JSON) the meeting they describe."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from .minutes import UnreadableMinutes, parse_minutes


def import_minutes_file(path: Path, json_out: Path | None, console: Console) -> int:
    """Parse one file; print a summary, and write the proposal as JSON to `json_out` ('-' for standard output). Returns the
    exit code (2 when the file cannot be read). Nothing is stored: the upload page saves after review."""
    try:
        proposal = parse_minutes(path.read_bytes(), path.name)
    except (OSError, UnreadableMinutes) as error:
        console.print(f"[red]Error:[/red] {error}")
        return 2
    data = proposal.to_json()
    if json_out is not None and str(json_out) == "-":
        print(json.dumps(data, indent=2, ensure_ascii=False))  # noqa: T201 - the JSON is the command's output
        return 0
    if json_out is not None:
        json_out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    console.print(f"[bold]{data['body'] or 'Body not found'}[/bold] — {data['date'] or 'date not found'}"
                  f" ({len(data['present'])} present, {len(data['apologies'])} apologies)")
    table = Table("No.", "Item", "Exempt", "Decisions", "Actions")
    for item in data["items"]:
        table.add_row(item["number"] or "", item["title"][:70], item["exempt_category"] or ("yes" if item["exempt"] else ""),
                      str(len(item["decisions"])), str(len(item["actions"])))
    console.print(table)
    if json_out is not None:
        console.print(f"Wrote {json_out}")
    return 0
