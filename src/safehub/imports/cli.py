"""What `safehub import` does once Django is set up: resolve the agency and profile, import each file, print the errors."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from rich.text import Text

from safehub.core.models import Agency

from .models import ImportRun, MappingProfile
from .parsers import ProfileError
from .services import import_file, save_profile

#: Errors printed per file; the rest are in the run's report page (and the report JSON with --accept-valid).
ERRORS_PRINTED = 200


class UsageProblem(Exception):
    """The command line cannot be acted on (unknown agency, no such profile...)."""


def resolve_profile(agency: Agency, name: str | None, profile_file: Path | None) -> MappingProfile:
    """The named profile of the agency, or the YAML file's profile saved for the agency (created or updated)."""
    if bool(name) == bool(profile_file):
        raise UsageProblem("give either --profile NAME or --profile-file profile.yaml")
    if profile_file:
        try:
            spec = MappingProfile.spec_from_yaml(Path(profile_file).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise UsageProblem(f"cannot read {profile_file}: {error}") from None
        except ProfileError as error:
            lines = "\n".join(f"  {key}: {message}" for key, message in error.problems.items())
            raise UsageProblem(f"{profile_file} is not a usable profile:\n{lines}") from None
        return save_profile(agency, spec)
    from .dfe import FORMATS
    from .dfe.services import RETURN_PROFILES

    for fmt, kind in FORMATS.items():
        if name == RETURN_PROFILES[kind][0]:
            raise UsageProblem(f"{name!r} is a DfE return, read by its own parser: use --format {fmt}")
    profile = MappingProfile.objects.filter(agency=agency, name=name).first()
    if profile is None:
        names = ", ".join(MappingProfile.objects.filter(agency=agency).values_list("name", flat=True)) or "none yet"
        raise UsageProblem(f"{agency.name} has no profile called {name!r} (its profiles: {names})")
    return profile


def import_files(
    files: Sequence[Path],
    *,
    agency_code: str,
    profile_name: str | None,
    profile_file: Path | None,
    dry_run: bool,
    accept_valid: bool,
    console: Console,
    progress: Progress | None = None,
    return_format: str | None = None,
) -> int:
    """Import each file; print a summary and a table of errors per file. Returns the exit code: 1 if any file was
    rejected, 2 if the command line could not be acted on, else 0.

    With `return_format` (annex-a, ssda903, cin-xml) each file is a standard DfE return, imported without a profile."""
    from .dfe import FORMATS
    from .dfe.services import import_return

    try:
        agency = Agency.objects.filter(code=agency_code).first()
        if agency is None:
            codes = ", ".join(Agency.objects.values_list("code", flat=True)) or "none yet"
            raise UsageProblem(f"no agency with the code {agency_code!r} (agencies: {codes})")
        if return_format is not None:
            if profile_name or profile_file:
                raise UsageProblem("give either --format or a profile, not both")
            if return_format not in FORMATS:
                raise UsageProblem(f"unknown --format {return_format!r}; use one of {', '.join(FORMATS)}")
            profile = None
        else:
            profile = resolve_profile(agency, profile_name, profile_file)
    except UsageProblem as problem:
        console.print(Text(f"Error: {problem}", style="red"))
        return 2
    rejected = False
    for path in files:
        task = progress.add_task(f"{path.name}: checking", total=None) if progress else None

        def report(stage: str, done: int, total: int | None, task=task, name=path.name) -> None:
            if progress is not None:
                progress.update(task, description=f"{name}: {stage.lower()}", completed=done, total=total)

        if profile is None:
            run = import_return(path, agency, return_format, None, dry_run=dry_run, accept_valid=accept_valid)
        else:
            run = import_file(path, agency, profile, None, dry_run=dry_run, accept_valid=accept_valid, progress=report)
        if progress is not None:
            progress.update(task, description=f"{path.name}: done", completed=run.rows, total=run.rows or 1)
        console.print(summary(run))
        if run.row_errors.exists() and not run.already_imported:
            console.print(errors_table(run))
        rejected = rejected or run.status == ImportRun.Status.FAILED
    return 1 if rejected else 0


def rows(count: int) -> str:
    return f"{count:,} row{'' if count == 1 else 's'}"


def summary(run: ImportRun) -> Text:
    name = run.file_name
    if run.already_imported:
        return Text(
            f"{name}: already imported (run {run.pk}, {run.started_at:%d %b %Y %H:%M}); nothing imported again",
            style="yellow",
        )
    if run.status == ImportRun.Status.FAILED:
        return Text(
            f"{name}: rejected, nothing imported — {run.error_count:,} problem{'s' if run.error_count != 1 else ''} "
            f"in {run.rejected:,} of {run.rows:,} rows (run {run.pk})",
            style="bold red",
        )
    verb = "would import" if run.status == ImportRun.Status.DRY_RUN else "imported"
    text = Text(
        f"{name}: {verb} {rows(run.created + run.updated)} ({run.created:,} new, {run.updated:,} updated) (run {run.pk})",
        style="green",
    )
    if run.rejected:
        text.append(
            f"; {rows(run.rejected)} rejected, set aside in {run.report.get('rejects_file', '')}", style="yellow"
        )
    return text


def errors_table(run: ImportRun) -> Table:
    table = Table(title=f"Problems in {run.file_name}", title_justify="left", show_lines=False)
    for column in ("File", "Sheet", "Row", "Column", "Value", "Reason"):
        table.add_column(column, overflow="fold", justify="right" if column == "Row" else "left")
    errors = list(run.row_errors.order_by("row", "pk")[:ERRORS_PRINTED])
    for error in errors:
        # Text(), not str: a value such as "[red]" from a file must be shown, not read as console markup.
        row = "" if error.row is None else str(error.row)
        table.add_row(*(Text(v) for v in (error.file_name, error.sheet, row, error.column, error.value, error.reason)))
    if run.error_count > len(errors):
        table.caption = f"The first {len(errors)} of {run.error_count:,} problems"
    return table


def export_annex_a_file(out: Path, *, username: str, start: str, end: str, console: Console) -> int:
    """`safehub export annex-a`: write the platform's Annex A lists as `username` sees them. Returns the exit code."""
    from datetime import date

    from safehub.core.models import User

    from .dfe.export import annex_a_from_platform

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        console.print(Text(f"Error: no active user called {username!r}", style="red"))
        return 2
    try:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        console.print(Text("Error: --from and --to must be dates written YYYY-MM-DD", style="red"))
        return 2
    if last < first:
        console.print(Text("Error: --to is before --from", style="red"))
        return 2
    export = annex_a_from_platform(user, start=first, end=last, path=Path(out))
    listed = ", ".join(f"list {n}: {count}" for n, count in export.rows.items() if count) or "no rows"
    console.print(Text(f"{out}: {export.children:,} children ({listed})", style="green"))
    return 0
