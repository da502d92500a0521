"""``safehub search``: the same ranked, scoped and audited search as the web page, printed as a table."""

from __future__ import annotations

from datetime import date

from rich.console import Console
from rich.table import Table

from .forms import DEFAULT_PURPOSE, nhs_number_error, postcode_error
from .query import SearchQuery


def run_search(name: str, *, dob: str | None, postcode: str, nhs_number: str, username: str | None, purpose: str,
               limit: int, console: Console) -> int:
    """Search as ``username`` and print the hits; returns the exit code (2 for a bad option, 1 if the user may not search)."""
    from safehub.core.models import User

    from .service import find_children

    if not username:
        console.print("[red]Give --user USERNAME[/red]: a search runs with that user's access and is audited in their name.")
        return 2
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        console.print(f"[red]No active user called {username!r}.[/red]")
        return 2
    if not user.has_perm("people.search_children"):
        console.print(f"[red]{username}'s role does not include searching for children.[/red]")
        return 1
    try:
        date_of_birth = date.fromisoformat(dob) if dob else None
    except ValueError:
        console.print(f"[red]--dob must be a date like 2014-03-27, not {dob!r}.[/red]")
        return 2
    for option, message in (("--postcode", postcode_error(postcode)), ("--nhs-number", nhs_number_error(nhs_number))):
        if message:
            console.print(f"[red]{option}: {message}.[/red]")
            return 2
    query = SearchQuery(name=name, date_of_birth=date_of_birth, postcode=postcode,
                        nhs_number="".join(nhs_number.split()).replace("-", ""))
    if query.is_empty:
        console.print("[red]Give a name, --dob, --postcode or --nhs-number to search for.[/red]")
        return 2
    hits = find_children(user, query, purpose=purpose or DEFAULT_PURPOSE, limit=limit)
    table = Table(title=f"{len(hits)} result{'s' if len(hits) != 1 else ''} for {username}", title_justify="left")
    for column in ("Child", "Name", "Date of birth", "Score", "Matched on"):
        table.add_column(column)
    for hit in hits:
        name_cell = hit.name + (" (restricted)" if hit.restricted else "")
        table.add_row(str(hit.child_id), name_cell, hit.date_of_birth.isoformat() if hit.date_of_birth else "Not known",
                      hit.score_percent, hit.matched_on_text)
    console.print(table)
    return 0
