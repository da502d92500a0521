"""The `safehub` command: the demo, the synthetic data generator and the management tasks people need.

Each command sets up Django itself, so `uv run safehub demo` works from a fresh clone with no configuration.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

app = typer.Typer(
    help="safehub: one view of the child for a safeguarding partnership.", no_args_is_help=True, add_completion=False
)
audit_app = typer.Typer(help="Check the audit trail.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
console = Console()


def setup_django(settings_module: str = "safehub.settings.dev") -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django

    django.setup()


def progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


@app.command()
def demo(
    reset: Annotated[bool, typer.Option("--reset", help="Delete the demo database and start again.")] = False,
    children: Annotated[int, typer.Option(help="How many synthetic children to generate.")] = 1500,
    seed: Annotated[int, typer.Option(help="Seed for the synthetic partnership.")] = 2026,
    port: Annotated[int, typer.Option(help="Port to serve on (127.0.0.1 only).")] = 8000,
    serve_after: Annotated[bool, typer.Option("--serve/--no-serve", help="Start the web server when ready.")] = True,
) -> None:
    """Set up the demo (embedded SQLite, synthetic partnership, one login per role) and serve it on http://127.0.0.1:8000."""
    setup_django()
    from django.conf import settings

    from safehub import demo as demo_module
    from safehub.web.assets import AssetsError, build_assets

    if reset:
        demo_module.reset_database()
    with console.status("Preparing the database…"):
        demo_module.migrate()
    with console.status("Installing the front-end packages (GOV.UK Frontend, MOJ Frontend) from npm…"):
        try:
            build_assets()
        except AssetsError as error:
            console.print(f"[red]{error}[/red]")
            raise typer.Exit(1) from error
    with progress() as bar:
        summary = demo_module.load_demo(children=children, seed=seed, progress=bar)
    logins = demo_module.reset_persona_passwords()
    console.print(f"\n[bold green]Demo ready.[/bold green] {summary}")
    console.print(f"Database: {settings.DATABASES['default']['NAME']}")
    console.print(logins_table(logins, port))
    if serve_after:
        serve(port=port, production=False)


def logins_table(logins: list[tuple[str, str, str]], port: int) -> Table:
    """The demo's sign-ins: usernames and passwords are never cut short, however narrow the terminal (roles wrap)."""
    table = Table(
        title=f"Sign in at http://127.0.0.1:{port}/ — passwords are new each run and shown only now",
        title_justify="left",
    )
    table.add_column("Role", overflow="fold")
    for column, index in (("Username", 0), ("Password", 2)):
        table.add_column(column, no_wrap=True, min_width=max([len(column), *(len(row[index]) for row in logins)]))
    for username, role, password in logins:
        table.add_row(role, username, password)
    return table


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    production: Annotated[
        bool, typer.Option("--production", help="Serve with gunicorn instead of Django's server.")
    ] = False,
) -> None:
    """Serve safehub on 127.0.0.1."""
    setup_django()
    if production:
        gunicorn = shutil.which("gunicorn") or "gunicorn"
        os.execv(  # noqa: S606
            gunicorn,
            [gunicorn, "safehub.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2",
             "--config", "python:safehub.gunicorn_config"],
        )
    from django.core.management import call_command

    from safehub.people.search.service import warm_up

    with console.status("Building the search index (so the first search does not wait)"):
        index = warm_up()
    console.print(f"Search index ready: {len(index):,} names and identifiers.")
    console.print(f"Serving on [link]http://127.0.0.1:{port}[/link] — press Ctrl+C to stop.")
    call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, verbosity=0)


@app.command()
def synth(
    children: Annotated[int, typer.Option(help="How many children.")] = 1000,
    seed: Annotated[int, typer.Option(help="Seed: the same seed gives identical files.")] = 1,
    out: Annotated[Path, typer.Option(help="Directory to write the agency extracts and ground truth into.")] = Path(
        "synth"
    ),
) -> None:
    """Generate a synthetic partnership: each agency's own extract, with realistic errors, and the ground truth."""
    from safehub.synth import generate

    with progress() as bar:
        task = bar.add_task("Generating children", total=children)
        summary = generate(
            children=children,
            seed=seed,
            out=out,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    console.print(f"Wrote {sum(summary.records.values()):,} agency records for {summary.children:,} children to {out}/")
    for name, count in sorted(summary.records.items()):
        console.print(f"  {name:<32} {count:>8,}")


@app.command()
def migrate() -> None:
    """Create or update the database tables."""
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)


@app.command()
def assets(
    reinstall: Annotated[bool, typer.Option("--reinstall", help="Run npm ci even if node_modules exists.")] = False,
) -> None:
    """Install GOV.UK Frontend, MOJ Frontend and htmx from npm and copy them into var/static-build."""
    setup_django()
    from safehub.web.assets import build_assets

    out = build_assets(force_install=reinstall)
    console.print(f"Front-end assets ready in {out}")


@audit_app.command("verify")
def audit_verify() -> None:
    """Check every link of the audit chain; name the first broken one and exit 1 if any."""
    setup_django()
    from safehub.core.audit import verify_chain

    report = verify_chain()
    if report.ok:
        console.print(f"[green]Audit chain intact[/green]: {report.checked:,} events checked.")
        return
    console.print(f"[red]Audit chain broken at event {report.first_broken_seq}[/red]: {report.reason}.")
    raise typer.Exit(1)


def _check_engine(engine: str) -> None:
    """Exit 2 with a clear message for an unknown engine, or Spark without pyspark installed."""
    if engine not in ("duckdb", "spark"):
        console.print(f"[red]Error:[/red] --engine is duckdb or spark, not {engine!r}")
        raise typer.Exit(2)
    if engine == "spark":
        from safehub.linkage.engine.spark import SparkUnavailableError, require_spark

        try:
            require_spark()
        except SparkUnavailableError as error:
            console.print(f"[red]Error:[/red] {error}")
            raise typer.Exit(2) from None


@app.command()
def link(
    engine: Annotated[
        str, typer.Option("--engine", help="duckdb (in process, default) or spark (needs: uv sync --extra spark).")
    ] = "duckdb",
    retrain: Annotated[bool, typer.Option("--retrain", help="Train a new model instead of using the active one.")] = False,
    user: Annotated[str | None, typer.Option("--user", help="Run as this user (audited in their name).")] = None,
) -> None:
    """Link every stored agency record into children (Splink), keeping every practitioner's decision; audited."""
    _check_engine(engine)
    setup_django()
    from safehub.core.models import User
    from safehub.linkage.services import run_linkage

    actor = User.objects.filter(username=user).first() if user else None
    if user and actor is None:
        console.print(f"[red]Error:[/red] no user {user!r}")
        raise typer.Exit(2)
    with console.status("Linking records into children") as status:
        run = run_linkage(actor=actor, retrain=retrain, backend=engine, progress=lambda message: status.update(message))
    if run.status != run.Status.DONE:
        console.print(f"[red]Linkage run {run.pk} failed:[/red] {run.error}", markup=True)
        raise typer.Exit(1)
    console.print(f"Linkage run {run.pk} done:")
    for key, value in sorted(run.counts.items()):
        console.print(f"  {key.replace('_', ' '):<28} {value:>10,}" if isinstance(value, int) else f"  {key}: {value}")


@app.command()
def dedupe(
    files: Annotated[list[Path], typer.Argument(help="One CSV to deduplicate, or two to link and deduplicate together.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write source,record_id,cluster_id,match_probability.")],
    id_column: Annotated[
        str | None, typer.Option("--id", help="Column holding each record's id (default: the row number).")
    ] = None,
    maps: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="NAME=COLUMN, repeatable. NAME is first_name, surname, dob, postcode, address, town, sex, nhs_number, "
            "upn, police_id or full_name; address and town may be given several times (joined).",
        ),
    ] = None,
    extra: Annotated[list[str] | None, typer.Option("--extra", help="Further column compared exactly; repeatable.")] = None,
    dob_format: Annotated[
        str | None, typer.Option("--dob-format", help="strptime format, e.g. %d/%m/%Y (default: detected per file).")
    ] = None,
    threshold: Annotated[
        float | None, typer.Option("--threshold", help="Match probability at which records are linked (default 0.9).")
    ] = None,
    twin_guard: Annotated[
        bool, typer.Option("--twin-guard/--no-twin-guard", help="Penalise same birth date and surname, unrelated forenames.")
    ] = True,
    save_model: Annotated[Path | None, typer.Option("--save-model", help="Also write the trained model as JSON.")] = None,
    engine: Annotated[
        str, typer.Option("--engine", help="duckdb (in process, default) or spark (needs: uv sync --extra spark).")
    ] = "duckdb",
) -> None:
    """Find the records of the same person within one CSV, or across two, and write a cluster id for each record."""
    from safehub.linkage.engine import LinkageError, LinkageSettings, SettingsError
    from safehub.linkage.engine.dedupe import MappingError, parse_mapping, read_csv, write_clusters
    from safehub.linkage.engine.dedupe import dedupe as run_dedupe

    if not 1 <= len(files) <= 2:
        console.print("[red]Give one CSV to deduplicate or two to link.[/red]")
        raise typer.Exit(2)
    _check_engine(engine)
    try:
        mapping = parse_mapping(maps or [])
        chosen = {} if threshold is None else {"threshold": threshold, "review_lower": min(0.5, threshold)}
        settings = LinkageSettings(twin_guard=twin_guard, **chosen)
        sources = []
        for path in files:
            if not path.is_file():
                raise MappingError(f"no such file: {path}")
            sources.append(read_csv(path))
        with console.status("Linking…") as status:
            result = run_dedupe(sources, id_column, mapping, extras=extra or [], dob_format=dob_format, settings=settings,
                                status=lambda message: status.update(message), engine=engine)
    except (MappingError, SettingsError) as error:
        console.print(f"[red]Error:[/red] {error}")
        raise typer.Exit(2) from error
    except (LinkageError, OSError, UnicodeDecodeError) as error:
        console.print(f"[red]Linkage failed:[/red] {error}")
        raise typer.Exit(1) from error
    write_clusters(result.rows, out)
    if save_model:
        save_model.write_text(result.model.to_json(indent=1), encoding="utf-8")
    for name, fmt in result.date_formats.items():
        console.print(f"{name}: dates of birth read as {fmt or 'nothing recognisable'}")
    if result.unparseable_dates:
        console.print(f"[yellow]{len(result.unparseable_dates):,} date(s) of birth could not be read and were treated "
                      "as missing:[/yellow]")
        for name, row, value in result.unparseable_dates[:20]:
            console.print(f"  {name} row {row}: {value!r}")
        if len(result.unparseable_dates) > 20:
            console.print(f"  … and {len(result.unparseable_dates) - 20:,} more")
    prediction = result.prediction
    review = prediction.review().num_rows
    trained = "trained on these records" if result.model.trained else "built-in parameters (too few records to train)"
    console.print(f"[green]{result.records:,} records -> {result.clusters:,} people[/green] "
                  f"(threshold {prediction.threshold}; model {trained}). Wrote {out}")
    if review or prediction.refused:
        console.print(f"{review:,} pair(s) scored {prediction.review_lower}-{prediction.threshold} and need a person to "
                      f"review; {len(prediction.refused):,} link(s) refused (different NHS numbers or UPNs).")


@app.command()
def search(
    name: Annotated[str, typer.Argument(help='The name to look for, e.g. "Bill Smyth".')] = "",
    dob: Annotated[str | None, typer.Option("--dob", help="Date of birth, YYYY-MM-DD.")] = None,
    postcode: Annotated[str, typer.Option("--postcode", help="Postcode.")] = "",
    nhs_number: Annotated[str, typer.Option("--nhs-number", help="NHS number.")] = "",
    user: Annotated[
        str | None, typer.Option("--user", help="Search as this user: their access applies, audited in their name.")
    ] = None,
    purpose: Annotated[str, typer.Option("--purpose", help="Why you are searching (kept in the audit trail).")] = "",
    limit: Annotated[int, typer.Option("--limit", help="At most this many children.")] = 20,
) -> None:
    """Find a child: ranked by the linkage model, with nicknames, typos and date-of-birth errors; scoped and audited."""
    setup_django()
    from safehub.people.search.cli import run_search

    code = run_search(name, dob=dob, postcode=postcode, nhs_number=nhs_number, username=user, purpose=purpose,
                      limit=limit, console=console)
    if code:
        raise typer.Exit(code)


risk_app = typer.Typer(help="Scored risk tools: check a definition, load the shipped tools.", no_args_is_help=True)
app.add_typer(risk_app, name="risk")


@risk_app.command("check")
def risk_check(
    path: Annotated[Path, typer.Argument(help="A risk tool definition (.yaml).", exists=True, dir_okay=False)],
) -> None:
    """Check a risk tool definition: list every problem with its key path, and exit 1 if there is any."""
    setup_django()
    from safehub.risk.definition import DefinitionInvalid, validate_definition
    from safehub.risk.services import parse_tool_yaml

    try:
        definition = validate_definition(parse_tool_yaml(path.read_bytes()))
    except DefinitionInvalid as error:
        for problem in error.problems:
            console.print(str(problem), style="red", markup=False, highlight=False)
        raise typer.Exit(1) from None
    levels = ", ".join(f"{lv.label} {lv.range_label}" for lv in definition.levels)
    console.print(f"{definition.name}: {len(definition.questions())} questions in {len(definition.sections)} sections, "
                  f"highest score {definition.max_score()}; levels {levels}.", markup=False, highlight=False)


@risk_app.command("load-defaults")
def risk_load_defaults() -> None:
    """Create the shipped risk tools in the database if they are missing (pages also do this when first needed)."""
    setup_django()
    from safehub.risk.services import ensure_default_tools

    for tool in ensure_default_tools():
        console.print(f"{tool.code} version {tool.version}: {tool.name} ({tool.get_status_display().lower()})",
                      markup=False, highlight=False)


@app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="CSV or XLSX extracts to import.", exists=True, dir_okay=False)],
    agency: Annotated[str, typer.Option("--agency", help="The agency's code, e.g. police.")],
    profile: Annotated[str | None, typer.Option("--profile", help="A mapping profile saved for the agency.")] = None,
    profile_file: Annotated[
        Path | None, typer.Option("--profile-file", help="A mapping profile as YAML (saved for the agency).", exists=True)
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check the files only; import nothing.")] = False,
    accept_valid: Annotated[
        bool, typer.Option("--accept-valid", help="Import the valid rows; write the rejected ones to a rejects CSV.")
    ] = False,
    return_format: Annotated[
        str | None,
        typer.Option("--format", help="A standard DfE return instead of a profile: annex-a, ssda903 or cin-xml."),
    ] = None,
) -> None:
    """Import agency extracts through a mapping profile, or DfE returns with --format. Lists every row error; exits 1 if
    a file is rejected."""
    setup_django()
    from safehub.imports.cli import import_files

    with progress() as bar:
        code = import_files(
            files,
            agency_code=agency,
            profile_name=profile,
            profile_file=profile_file,
            dry_run=dry_run,
            accept_valid=accept_valid,
            console=console,
            progress=bar,
            return_format=return_format,
        )
    if code:
        raise typer.Exit(code)


export_app = typer.Typer(help="Write the partnership's own records in standard formats.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@export_app.command("annex-a")
def export_annex_a(
    out: Annotated[Path, typer.Option("--out", help="The workbook to write (.xlsx).", dir_okay=False)],
    user: Annotated[str, typer.Option("--user", help="Export as this user: their access applies, audited in their name.")],
    start: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD (e.g. 2025-04-01).")],
    end: Annotated[str, typer.Option("--to", help="Last day, YYYY-MM-DD (e.g. 2026-03-31).")],
) -> None:
    """Annex A lists from safehub's own records: contacts, referrals, section 47 enquiries, CP and looked-after plans."""
    setup_django()
    from safehub.imports.cli import export_annex_a_file

    if code := export_annex_a_file(out, username=user, start=start, end=end, console=console):
        raise typer.Exit(code)


missing_app = typer.Typer(help="Missing children: import episodes, check the trigger rules.", no_args_is_help=True)
app.add_typer(missing_app, name="missing")


@missing_app.command("import")
def missing_import(
    path: Annotated[Path, typer.Argument(help="The CSV file.", exists=True, dir_okay=False)],
    kind: Annotated[str, typer.Option(help="police (missing-person notifications) or ssda903 (missing episodes).")] = "police",
    user: Annotated[str, typer.Option(help="Username recorded as the importer in the audit trail.")] = "",
) -> None:
    """Import missing episodes: all rows or none; re-importing adds nothing twice. Lists every row error and exits 1."""
    setup_django()
    from django.utils import timezone

    from safehub.core.models import User
    from safehub.missing.importers import import_police_notifications, import_ssda903_missing

    importers = {"police": import_police_notifications, "ssda903": import_ssda903_missing}
    if kind not in importers:
        raise typer.BadParameter("choose police or ssda903", param_hint="--kind")
    actor = User.objects.filter(username=user).first() if user else None
    report = importers[kind](path.read_bytes(), now=timezone.now(), actor=actor, file=path.name)
    for error in report.errors:
        console.print(f"row {error.row}, {error.column} {error.value!r}: {error.reason}", markup=False, highlight=False)
    console.print(report.summary(), markup=False, highlight=False)
    if not report.ok:
        raise typer.Exit(1)


@missing_app.command("check-triggers")
def missing_check_triggers() -> None:
    """Evaluate the trigger rules for every child missing now (run on a schedule: 'missing for more than 24 hours')."""
    setup_django()
    from django.utils import timezone

    from safehub.missing.services import evaluate_all_ongoing

    fired = evaluate_all_ongoing(now=timezone.now())
    console.print(f"{len(fired)} trigger{'s' if len(fired) != 1 else ''} fired.")


minutes_app = typer.Typer(help="Read existing board and panel minutes.", no_args_is_help=True)
app.add_typer(minutes_app, name="minutes")


@minutes_app.command("import")
def minutes_import(
    file: Annotated[Path, typer.Argument(help="Minutes as .txt, .html, .pdf or .docx.", exists=True, dir_okay=False)],
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the proposed meeting as JSON here ('-': stdout).")
    ] = None,
) -> None:
    """Read minutes and propose the meeting: body, date, present, apologies, items, decisions and actions. Stores nothing."""
    setup_django()
    from safehub.meetings.cli import import_minutes_file

    code = import_minutes_file(file, json_out, console)
    if code:
        raise typer.Exit(code)


retention_app = typer.Typer(help="Anonymise records past their retention period.", no_args_is_help=True)
app.add_typer(retention_app, name="retention")


@retention_app.command("run")
def retention_run(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would be anonymised; change nothing.")] = False,
    today: Annotated[str | None, typer.Option(help="Run as of this date (YYYY-MM-DD); default today.")] = None,
) -> None:
    """Anonymise every record whose retention period has ended (names → "Anonymised", date of birth → year only); audited."""
    setup_django()
    from datetime import date

    from django.utils import timezone

    from safehub.trust.retention import run_retention

    report = run_retention(today=date.fromisoformat(today) if today else timezone.localdate(), now=timezone.now(),
                           dry_run=dry_run)
    table = Table("Record", "Rule", "Period ended")
    for item in report.due:
        table.add_row(item.label, item.rule, item.expired_on.isoformat())
    console.print(table)
    verb = "would be anonymised" if dry_run else "anonymised"
    console.print(f"{len(report.due)} record{'s' if len(report.due) != 1 else ''} {verb}.")


cpis_app = typer.Typer(help="CP-IS style exchange with the NHS (docs/cp-is.md).", no_args_is_help=True)
app.add_typer(cpis_app, name="cpis")


@cpis_app.command("export")
def cpis_export(
    out: Annotated[Path, typer.Option("--out", help="Where to write the CSV ('-': standard output).")],
    user: Annotated[str, typer.Option("--user", help="Export as this user: their access applies, audited in their name.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Plans open on this date, YYYY-MM-DD (default today).")] = None,
) -> None:
    """Export children on child protection plans and looked-after children (NHS number, plan type, dates, authority)."""
    setup_django()
    from safehub.intake.cpis import run_export

    if code := run_export(out, username=user, as_of=as_of, console=console):
        raise typer.Exit(code)


@cpis_app.command("import")
def cpis_import(
    path: Annotated[Path, typer.Argument(help="NHS unscheduled-care access notifications (CSV).", exists=True, dir_okay=False)],
    user: Annotated[str, typer.Option("--user", help="Import as this user: the contacts are recorded in their name.")],
) -> None:
    """Import unscheduled-care notifications as front-door contacts: all rows or none; re-importing adds nothing twice."""
    setup_django()
    from safehub.intake.cpis import run_import

    if code := run_import(path, username=user, console=console):
        raise typer.Exit(code)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def manage(ctx: typer.Context) -> None:
    """Run any Django management command, e.g. `safehub manage createsuperuser`."""
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line([f"{Path(sys.argv[0]).name} manage", *ctx.args])


if __name__ == "__main__":  # pragma: no cover
    app()
