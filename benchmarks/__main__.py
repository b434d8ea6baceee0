"""python -m benchmarks accuracy | speed | e2e | all [--smoke] [--datasets DIR] [--out DIR]"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from . import accuracy, e2e, report, speed, tune
from .data import DEFAULT_DATASETS

DEFAULT_OUT = Path(__file__).resolve().parent / "results"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("accuracy", "top-1 on BANKING77, in-scope/OOS on CLINC150"),
        ("speed", "cold/warm start, one edit, latency per message and post, questions/s, RSS: 1k to 100k entries"),
        ("e2e", "questions/s of the whole bot on the fake Discord"),
        ("all", "everything above, then the report"),
    ):
        command = sub.add_parser(name, help=text)
        command.add_argument("--smoke", action="store_true", help="tiny sizes and samples: checks it runs (for CI)")
        command.add_argument(
            "--datasets", type=Path, default=DEFAULT_DATASETS, help="folder with banking77/, clinc150/"
        )
        command.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where results.json/.md and latency.png go")
    sub.add_parser("tune", help="search the answer thresholds on the tuning parts of tests/data/eval*.yaml")
    one = sub.add_parser("speed-one", help=argparse.SUPPRESS)  # a child process of `speed`: one measurement
    one.add_argument("spec", help="the measurement, as JSON (see speed.child)")
    args = parser.parse_args(argv)

    if args.command == "tune":
        print(json.dumps(tune.run(), indent=2))
        return 0
    if args.command == "speed-one":
        print(json.dumps(speed.child(json.loads(args.spec))))
        return 0
    if args.command in ("accuracy", "all") and not (args.datasets / "clinc150").is_dir():
        print(f"datasets not found in {args.datasets} (use --datasets)", file=sys.stderr)
        return 2
    out = args.out / "smoke" if args.smoke else args.out
    results_path = out / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    results["machine"] = report.machine()
    command = "python -m benchmarks " + " ".join(sys.argv[1:] if argv is None else argv)
    runs = results.setdefault("runs", {})
    for section in ("accuracy", "speed", "e2e"):  # rows kept from an earlier run keep that run's command
        if section in results and section not in runs:
            runs[section] = {"command": results.get("command", "unknown")}
    results["command"] = command

    def measure(section: str, produce: Callable[[], None]) -> None:
        started, load_start = time.time(), os.getloadavg()
        produce()
        runs[section] = {
            "command": command,
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "seconds": round(time.time() - started),
            "load_average_start": [round(x, 2) for x in load_start],
            "load_average_end": [round(x, 2) for x in os.getloadavg()],
        }
        report.write(results, out)  # each section as soon as it is measured: a later failure loses nothing

    if args.command in ("accuracy", "all"):
        measure("accuracy", lambda: results.update(accuracy=accuracy.run(args.datasets, smoke=args.smoke)))
    if args.command in ("speed", "all"):
        results.pop("shipped_load_s", None)  # the figure of earlier versions: `shipped` replaces it
        measure(
            "speed",
            lambda: results.update(
                speed=speed.run(args.datasets, smoke=args.smoke), shipped=speed.shipped(smoke=args.smoke)
            ),
        )
    if args.command in ("e2e", "all"):
        measure("e2e", lambda: results.update(e2e=e2e.run(smoke=args.smoke)))
    report.write(results, out)
    print(f"\nwrote {out / 'results.json'}, results.md" + (", latency.png" if results.get("speed") else ""))
    print(report.markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
