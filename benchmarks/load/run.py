"""Load test: twenty practitioners browsing children's pages and searching, against gunicorn on a throwaway PostgreSQL 15.

    uv run --group load python benchmarks/load/run.py                          # 100,000 children, 5 minutes
    uv run --group load python benchmarks/load/run.py --children 20000 --minutes 1

Starts a PostgreSQL 15 cluster on loopback in a temporary directory (as .ci/run does), migrates, bulk-creates N synthetic
children (names, dates of birth, sexes and NHS numbers from `safehub.synth`) with a police and a health source record
each (linked), three events each, and the load personas; serves with gunicorn (2 workers, each building its search
index before its first request) on 127.0.0.1; runs locust headless (benchmarks/load/locustfile.py) for the time given;
prints JSON with the request count, failures and p50/p95/p99 per endpoint.
Everything it started is stopped and removed at the end.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PGBIN = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"))
BATCH = 5000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Postgres:
    """A throwaway cluster: trust authentication on loopback only, durability off (it is deleted afterwards)."""

    def __init__(self, tmp: Path):
        self.dir, self.port = tmp / "pg", free_port()
        self.dir.mkdir()
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # initdb refuses root, as in .ci/run
            shutil.chown(self.dir, "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]

    def run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, stdout=subprocess.DEVNULL)  # noqa: S603

    def start(self) -> str:
        self.run(str(PGBIN / "initdb"), "-D", str(self.dir / "data"), "-U", "safehub", "--auth=trust", "-E", "UTF8",
                 "--locale=C.UTF-8")
        self.run(str(PGBIN / "pg_ctl"), "-D", str(self.dir / "data"), "-l", str(self.dir / "pg.log"), "-w", "-o",
                 f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off -c synchronous_commit=off "
                 "-c full_page_writes=off -c max_connections=100 -c shared_buffers=256MB", "start")
        self.run(str(PGBIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "safehub", "safehub")
        return f"postgres://safehub@127.0.0.1:{self.port}/safehub"

    def stop(self) -> None:
        subprocess.run([*self.as_user, str(PGBIN / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate",  # noqa: S603
                        "stop"], check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def populate(children: int, seed: int, password: str) -> dict:
    """Bulk-create the synthetic partnership the users browse. Returns what the locustfile needs to know."""
    from django.db import transaction
    from django.utils import timezone

    from safehub.core.models import Agency, AgencyType, RoleAssignment, User
    from safehub.core.roles import Role
    from safehub.people.models import Child, Event, RecordLink, SourceRecord
    from safehub.synth.pools import build_pools
    from safehub.synth.population import build_population

    rng = random.Random(seed)
    _, kids = build_population(rng, build_pools(seed, children), children)
    kids = kids[:children]
    now = timezone.now()
    with transaction.atomic():
        agencies = {
            "social_care": Agency.objects.create(code="lcc", name="Council children's social care",
                                                 type=AgencyType.SOCIAL_CARE),
            "police": Agency.objects.create(code="police", name="Police", type=AgencyType.POLICE),
            "health": Agency.objects.create(code="health", name="Health", type=AgencyType.HEALTH),
        }
        users = []
        for n, (agency, role) in enumerate([("social_care", Role.MASH_PRACTITIONER)] * 14
                                           + [("police", Role.AGENCY_CONTRIBUTOR)] * 3
                                           + [("health", Role.AGENCY_CONTRIBUTOR)] * 3):
            user = User.objects.create_user(username=f"load{n}", password=password, agency=agencies[agency])
            RoleAssignment.objects.create(user=user, role=role)
            users.append(user.username)
        for start in range(0, len(kids), BATCH):
            chunk = kids[start:start + BATCH]
            made = Child.objects.bulk_create(
                Child(given_name=k.given, family_name=k.family_name, date_of_birth=k.dob, sex=k.sex,
                      ethnicity=k.ethnicity or "", nhs_number=k.nhs or "", restriction_reason="") for k in chunk
            )
            records = []
            for k in chunk:
                for code, system in (("police", "Niche"), ("health", "RiO")):
                    records.append(SourceRecord(
                        agency=agencies[code], system=system, local_id=f"{code[0].upper()}{k.child_id}",
                        given_name=k.given, family_name=k.family_name, date_of_birth=k.dob, sex=k.sex,
                        nhs_number=k.nhs if code == "health" else "", upn="", postcode=k.family.address.postcode,
                        address=k.family.address.line, police_id="", school=k.school or "", gp_practice="",
                        source_file="load.csv"))
            records = SourceRecord.objects.bulk_create(records)
            RecordLink.objects.bulk_create(
                RecordLink(source_record=r, child=made[i // 2], decision=RecordLink.Decision.MODEL)
                for i, r in enumerate(records)
            )
            Event.objects.bulk_create(
                Event(child=made[i // 3], occurred_at=now - dt.timedelta(days=rng.randrange(1, 1500)),
                      agency=agencies[rng.choice(["police", "health", "social_care"])],
                      type=rng.choice(["contact", "incident", "appointment"]), title="Synthetic event",
                      summary="", action_taken="", outcome="", detail_type="", detail_id="")
                for i in range(len(made) * 3)
            )
    first = Child.objects.order_by("pk").values_list("pk", flat=True).first()
    families = sorted({k.family_name for k in kids[:2000]})
    return {"first_child": first, "users": users, "names": [n for n in families if len(n) >= 4][:200]}


def wait_for(url: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - loopback
                return
        except OSError:
            time.sleep(1)
    raise RuntimeError(f"gunicorn did not answer {url}")


def stop_group(process: subprocess.Popen) -> None:
    """SIGTERM gunicorn's whole process group, then SIGKILL whatever is left (no orphaned worker may outlive the run)."""
    for sig, grace in ((signal.SIGTERM, 30), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
        time.sleep(1)  # the workers leave after the master
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def stats(prefix: Path) -> dict:
    endpoints, total = {}, {}
    with open(f"{prefix}_stats.csv", newline="") as stream:
        for row in csv.DictReader(stream):
            figures = {"requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                       "p50_ms": float(row["50%"]), "p95_ms": float(row["95%"]), "p99_ms": float(row["99%"]),
                       "requests_per_s": round(float(row["Requests/s"]), 1)}
            if row["Name"] == "Aggregated":
                total = figures
            else:
                endpoints[f"{row['Type']} {row['Name']}"] = figures
    return {"endpoints": endpoints, "total": total}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="safehub-load-"))
    tmp.chmod(0o755)
    pg = Postgres(tmp)
    server = None
    result: dict = {"children": args.children, "users": args.users, "minutes": args.minutes,
                    "gunicorn_workers": args.workers, "cpus": os.cpu_count()}
    try:
        url = pg.start()
        password = secrets.token_urlsafe(12)
        env = {**os.environ, "SAFEHUB_DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "load_settings",
               "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
        os.environ.update(env)
        sys.path.insert(0, str(HERE))
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        began = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        result["migrate_s"] = round(time.perf_counter() - began, 1)
        began = time.perf_counter()
        world = populate(args.children, args.seed, password)
        result["populate_s"] = round(time.perf_counter() - began, 1)
        connections.close_all()

        port = free_port()
        began = time.perf_counter()
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "load_wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", str(args.workers), "--timeout", "120", "--log-level", "warning",
             "--config", "python:safehub.gunicorn_config"],
            cwd=HERE, env={**env, "SAFEHUB_WARM_UP_BLOCKING": "1"},
            stdout=open(tmp / "gunicorn.log", "w"), stderr=subprocess.STDOUT,  # noqa: SIM115
            start_new_session=True,  # its own process group: master and workers are stopped together
        )
        wait_for(f"http://127.0.0.1:{port}/login/")
        result["server_start_s"] = round(time.perf_counter() - began, 1)

        locust_env = {**env, "LOAD_CHILDREN": str(args.children), "LOAD_FIRST_CHILD": str(world["first_child"]),
                      "LOAD_USERS": ",".join(world["users"]), "LOAD_PASSWORD": password,
                      "LOAD_NAMES": ",".join(world["names"])}
        prefix = tmp / "locust"
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless", "--users",
             str(args.users), "--spawn-rate", "5", "--run-time", f"{int(args.minutes * 60)}s", "--host",
             f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
            env=locust_env, check=False, stdout=subprocess.DEVNULL, stderr=open(tmp / "locust.log", "w"),  # noqa: SIM115
        )
        result.update(stats(prefix))
        result["load_average"] = [round(x, 2) for x in os.getloadavg()]
        errors = (tmp / "locust_failures.csv").read_text() if (tmp / "locust_failures.csv").exists() else ""
        result["failure_kinds"] = errors.splitlines()[1:6]
    finally:
        if server is not None:
            stop_group(server)
        pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(result, indent=2))  # noqa: T201


if __name__ == "__main__":
    main()
