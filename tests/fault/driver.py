"""A job run in a subprocess by the fault tests, which pauses at a known point so the test can SIGKILL it there.

    python -m tests.fault.driver import FILE AGENCY_CODE PROFILE_NAME --pause-after-chunks N --marker PATH
    python -m tests.fault.driver link --pause-after-moves N --marker PATH

The pause is test-only: the driver wraps one service function (looked up through its module) so that after N calls it
writes the marker file and sleeps, inside the job's open transaction. The test waits for the marker and kills the
process: nothing the job wrote in that transaction may survive.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

PAUSE_SECONDS = 60  # the test kills the process long before this


def pause_after(module, name: str, calls: int, marker: Path) -> None:
    real = getattr(module, name)
    seen = 0

    def wrapper(*args, **kwargs):
        nonlocal seen
        result = real(*args, **kwargs)
        seen += 1
        if seen == calls:
            marker.write_text(str(os.getpid()))
            time.sleep(PAUSE_SECONDS)
        return result

    setattr(module, name, wrapper)


def one_cluster_engine(records, *, must_link, cannot_link, model_definition, progress=None):
    """A stand-in for Splink: every record is one child. Deterministic and instant (no DuckDB), shared with the tests."""
    from safehub.linkage.services import EngineResult

    ids = sorted(r["unique_id"] for r in records)
    pairs = [(ids[0], other, 0.99, {"stub": True}) for other in ids[1:]]
    return EngineResult(clusters=dict.fromkeys(ids, "all"), pairs=pairs)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="job", required=True)
    imp = sub.add_parser("import")
    imp.add_argument("file", type=Path)
    imp.add_argument("agency")
    imp.add_argument("profile")
    imp.add_argument("--chunk-size", type=int, default=10)
    imp.add_argument("--pause-after-chunks", type=int, default=0)
    imp.add_argument("--marker", type=Path)
    link = sub.add_parser("link")
    link.add_argument("--pause-after-moves", type=int, default=0)
    link.add_argument("--marker", type=Path)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.fault.subprocess_settings")
    import django

    django.setup()

    if args.job == "import":
        from rich.console import Console

        from safehub.imports import cli, services
        from safehub.people import services as people_services

        services.CHUNK_SIZE = args.chunk_size
        if args.pause_after_chunks:
            pause_after(people_services, "store_source_records", args.pause_after_chunks, args.marker)
        # The same code path as `safehub import FILE --agency CODE --profile NAME`.
        return cli.import_files(
            [args.file],
            agency_code=args.agency,
            profile_name=args.profile,
            profile_file=None,
            dry_run=False,
            accept_valid=False,
            console=Console(file=sys.stdout, width=200),
        )

    from safehub.linkage import services as linkage_services

    if args.pause_after_moves:
        pause_after(linkage_services, "_move_records", args.pause_after_moves, args.marker)
    run = linkage_services.run_linkage(engine=one_cluster_engine)
    print(run.pk, run.status, run.counts)  # noqa: T201 - the test reads it
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
