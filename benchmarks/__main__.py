"""python -m benchmarks accuracy | speed | e2e | all [--smoke] [--datasets DIR] [--out DIR]"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import accuracy, e2e, report, speed, tune
from .data import DEFAULT_DATASETS

DEFAULT_OUT = Path(__file__).resolve().parent / "results"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("accuracy", "top-1 on BANKING77, in-scope/OOS on CLINC150"),
        ("speed", "build, latency, questions/s and RSS from 1k to 100k entries"),
        ("e2e", "questions/s of the whole bot on the fake Discord"),
        ("all", "everything above, then the report"),
    ):
        command = sub.add_parser(name, help=text)
        command.add_argument("--smoke", action="store_true", help="tiny sizes and samples: checks it runs (for CI)")
        command.add_argument(
            "--datasets", type=Path, default=DEFAULT_DATASETS, help="folder with banking77/, clinc150/"
        )
        command.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where results.json/.md and latency.png go")
    tuning = sub.add_parser("tune", help="search weights and thresholds on the tuning part of tests/data/eval.yaml")
    tuning.add_argument("--samples", type=int, default=60, help="random weight settings tried besides the defaults")
    one = sub.add_parser("speed-one", help=argparse.SUPPRESS)  # the child process of `speed`
    one.add_argument("workload")
    one.add_argument("method")
    one.add_argument("--questions", type=int, default=speed.QUESTIONS)
    one.add_argument("--datasets", type=Path, default=DEFAULT_DATASETS)
    args = parser.parse_args(argv)

    if args.command == "tune":
        print(json.dumps(tune.run(samples=args.samples), indent=2))
        return 0
    if args.command == "speed-one":
        print(json.dumps(speed.measure_one(args.workload, args.method, args.questions, args.datasets)))
        return 0
    if args.command in ("accuracy", "all") and not (args.datasets / "clinc150").is_dir():
        print(f"datasets not found in {args.datasets} (use --datasets)", file=sys.stderr)
        return 2
    out = args.out / "smoke" if args.smoke else args.out
    results_path = out / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    results["machine"] = report.machine()
    results["command"] = "python -m benchmarks " + " ".join(sys.argv[1:] if argv is None else argv)
    if args.command in ("accuracy", "all"):
        results["accuracy"] = accuracy.run(args.datasets, smoke=args.smoke)
    if args.command in ("speed", "all"):
        results["speed"] = speed.run(args.datasets, smoke=args.smoke)
        results["shipped_load_s"] = speed.shipped_knowledge_load_s()
    if args.command in ("e2e", "all"):
        results["e2e"] = e2e.run(smoke=args.smoke)
    report.write(results, out)
    print(f"\nwrote {out / 'results.json'}, results.md" + (", latency.png" if results.get("speed") else ""))
    print(report.markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
