"""Time the synthetic partnership generator.

    UV_PYTHON_DOWNLOADS=never uv run python benchmarks/synth_speed.py --children 100000 --seed 1

Prints JSON: children, seconds, records (agency extract rows), records_per_second.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from safehub.synth import generate


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None, help="keep output here instead of a temp dir")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="synth-bench-") as tmp:
        out = args.out or Path(tmp)
        start = time.perf_counter()
        summary = generate(args.children, args.seed, out)
        seconds = time.perf_counter() - start
    records = summary.records["ground_truth.csv"]
    result = {
        "children": summary.children,
        "seconds": round(seconds, 2),
        "records": records,
        "records_per_second": round(records / seconds),
    }
    sys.stdout.write(json.dumps(result) + "\n")
    return result


if __name__ == "__main__":
    main()
