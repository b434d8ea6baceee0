"""Results → JSON, a Markdown table (pasted into the README) and a latency plot (PNG)."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()}


def _find(rows: list[dict[str, Any]], **match: Any) -> dict[str, Any] | None:
    return next((r for r in rows if all(r.get(k) == v for k, v in match.items())), None)


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Every target from the benchmark issue with the measured figure; missing parts are skipped."""
    out: list[dict[str, Any]] = []

    def add(name: str, measured: Any, met: bool) -> None:
        out.append({"target": name, "measured": measured, "met": met})

    accuracy = results.get("accuracy") or []
    if clinc := _find(accuracy, dataset="CLINC150", method="engine"):
        add(
            "CLINC150 in-scope ≥ 91.0 with OOS recall ≥ 35 (val threshold)",
            f"{clinc['in_scope']} / {clinc['oos_recall']}",
            clinc["in_scope"] >= 91.0 and clinc["oos_recall"] >= 35,
        )
    if full := _find(accuracy, dataset="BANKING77", variant="full", method="engine"):
        add("BANKING77 full ≥ 88", full["top1"], full["top1"] >= 88)
    if few := _find(accuracy, dataset="BANKING77", variant="first-10", method="engine"):
        add("BANKING77 first-10 ≥ 75", few["top1"], few["top1"] >= 75)
    speed = results.get("speed") or []
    if clinc_speed := _find(speed, workload="clinc150", method="engine"):
        add("≥ 5,000 questions/s at CLINC150 size (15k phrasings)", clinc_speed["qps"], clinc_speed["qps"] >= 5000)
        if fuzzy := _find(speed, workload="clinc150", method="rapidfuzz"):
            ratio = clinc_speed["qps"] / fuzzy["qps"]
            add("≥ 100× rapidfuzz-over-everything (CLINC150 size)", f"{ratio:.0f}×", ratio >= 100)
    if big := _find(speed, workload="100000", method="engine"):
        add("100k entries: p99 ≤ 20 ms", big["p99_ms"], big["p99_ms"] <= 20)
        add("100k entries: build ≤ 15 s", big["build_s"], big["build_s"] <= 15)
        add("100k entries: peak RSS ≤ 1.5 GB", f"{big['peak_rss_mb']:.0f} MB", big["peak_rss_mb"] <= 1536)
    if "shipped_load_s" in results:
        add(
            "shipped knowledge loads and indexes in < 0.5 s", results["shipped_load_s"], results["shipped_load_s"] < 0.5
        )
    return out


def _table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    """A Markdown table, then a blank line."""
    return [
        "| " + " | ".join(headers) + " |",
        "|" + "---|" * len(headers),
        *("| " + " | ".join(str(cell) for cell in row) + " |" for row in rows),
        "",
    ]


def markdown(results: dict[str, Any]) -> str:
    lines = [
        f"Machine: {results['machine']['cpu']}, {results['machine']['cores']} cores, "
        f"Python {results['machine']['python']}. Command: `{results['command']}`.",
        "",
    ]
    if accuracy := results.get("accuracy"):
        lines += _table(
            [
                "dataset",
                "method",
                "top-1 %",
                "in-scope % (val threshold)",
                "OOS recall %",
                "engine's own none: in-scope / OOS recall",
            ],
            [
                [
                    f"{r['dataset']} {r['variant']}",
                    r["method"],
                    r["top1"],
                    r.get("in_scope", ""),
                    r.get("oos_recall", ""),
                    f"{r['own_in_scope']} / {r['own_oos_recall']}" if "own_in_scope" in r else "",
                ]
                for r in accuracy
            ],
        )
    if speed := results.get("speed"):
        lines += _table(
            [
                "knowledge",
                "method",
                "entries",
                "phrasings",
                "build s",
                "p50 ms",
                "p99 ms",
                "questions/s",
                "peak RSS MB",
            ],
            [
                [
                    r["workload"],
                    r["method"],
                    f"{r['entries']:,}",
                    f"{r['phrasings']:,}",
                    r["build_s"],
                    r["p50_ms"],
                    r["p99_ms"],
                    f"{r['qps']:,}",
                    r["peak_rss_mb"],
                ]
                for r in speed
            ],
        )
    if e2e := results.get("e2e"):
        lines += [
            f"Bot end to end on the fake Discord (mention → reply): **{e2e['qps']} questions/s** in one process "
            f"({e2e['questions']} questions); Discord's own limits bind far earlier: "
            f"{e2e['discord_global_limit_per_s']} requests/s per bot, {e2e['discord_channel_limit_per_s']} "
            "messages/s per channel.",
            "",
        ]
    if "shipped_load_s" in results:
        lines += [f"Shipped knowledge: loaded, validated and indexed in {results['shipped_load_s'] * 1000:.0f} ms.", ""]
    if goals := results.get("targets"):
        lines += ["| target | measured | met |", "|---|---|---|"]
        lines += [f"| {t['target']} | {t['measured']} | {'yes' if t['met'] else '**no**'} |" for t in goals]
        lines.append("")
    return "\n".join(lines)


def plot(speed: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(7, 4.5), dpi=110)
    for method in sorted({r["method"] for r in speed}):
        rows = sorted(
            (r for r in speed if r["method"] == method and r["workload"].isdigit()), key=lambda r: r["entries"]
        )
        if not rows:
            continue
        sizes = [r["entries"] for r in rows]
        line = axis.plot(sizes, [r["p50_ms"] for r in rows], marker="o", label=f"{method} p50")[0]
        axis.plot(
            sizes,
            [r["p99_ms"] for r in rows],
            marker="x",
            linestyle="--",
            color=line.get_color(),
            label=f"{method} p99",
        )
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xlabel("knowledge size (entries, 5 phrasings each)")
    axis.set_ylabel("latency per question (ms, log)")
    axis.set_title("Latency against knowledge size, one question at a time")
    axis.grid(True, which="both", alpha=0.3)
    axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def write(results: dict[str, Any], directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    results["targets"] = targets(results)
    (directory / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (directory / "results.md").write_text(markdown(results), encoding="utf-8")
    if results.get("speed"):
        plot(results["speed"], directory / "latency.png")
