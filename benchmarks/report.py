"""Results → JSON, a Markdown table (pasted into docs/benchmarks.md) and a latency plot (PNG)."""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Callable
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


def _accuracy_targets(accuracy: list[dict[str, Any]], add: Callable[[str, Any, bool], None]) -> None:
    if clinc := _find(accuracy, dataset="CLINC150", method="engine"):
        add(
            "CLINC150 in-scope ≥ 91.0 with OOS recall ≥ 50 (val threshold)",
            f"{clinc['in_scope']} / {clinc['oos_recall']}",
            clinc["in_scope"] >= 91.0 and clinc["oos_recall"] >= 50,
        )
    if clinc and "message_in_scope" in clinc:
        add(
            "CLINC150 as members' messages ≥ 91.0 in-scope with OOS recall ≥ 50 (val threshold)",
            f"{clinc['message_in_scope']} / {clinc['message_oos_recall']}",
            clinc["message_in_scope"] >= 91.0 and clinc["message_oos_recall"] >= 50,
        )
    if full := _find(accuracy, dataset="BANKING77", variant="full", method="engine"):
        add("BANKING77 full ≥ 91", full["top1"], full["top1"] >= 91)
        if "message_top1" in full:
            gap = round(full["top1"] - full["message_top1"], 1)
            add(
                "BANKING77 full as members' messages within 0.5 of one question",
                f"{full['message_top1']} (gap {gap})",
                gap <= 0.5,
            )
    if few := _find(accuracy, dataset="BANKING77", variant="first-10", method="engine"):
        add("BANKING77 first-10 ≥ 76", few["top1"], few["top1"] >= 76)


def _as_messages(row: dict[str, Any]) -> str:
    if "message_top1" in row:
        return str(row["message_top1"])
    if "message_in_scope" in row:
        return f"{row['message_in_scope']} / {row['message_oos_recall']}"
    return ""


def _large_targets(big: dict[str, Any], add: Callable[[str, Any, bool], None]) -> None:
    add("100k entries: cold start ≤ 8 s", f"{big['cold_start_s']:.1f} s", big["cold_start_s"] <= 8)
    if "warm_start_s" in big:
        add("100k entries: warm start ≤ 2 s", f"{big['warm_start_s']:.2f} s", big["warm_start_s"] <= 2)
    if "edit_s" in big:
        add("100k entries: one edit answerable ≤ 2 s", f"{big['edit_s']:.2f} s", big["edit_s"] <= 2)
    add("100k entries: p99 ≤ 10 ms per message", f"{big['p99_ms']} ms", big["p99_ms"] <= 10)
    helper = (
        f" (the loading helper process: {big['helper_peak_rss_mb']:.0f} MB)" if big.get("helper_peak_rss_mb") else ""
    )
    add("100k entries: peak RSS ≤ 1 GB", f"{big['peak_rss_mb']:.0f} MB{helper}", big["peak_rss_mb"] <= 1024)


def _peers(speed: list[dict[str, Any]], accuracy: list[dict[str, Any]], add: Callable[[str, Any, bool], None]) -> None:
    """No peer both faster (p50 per one-question message at 3,000 entries) and more accurate (CLINC150
    in-scope with the val threshold)."""
    ours = _find(speed, workload="3000", method="engine")
    ours_accuracy = _find(accuracy, dataset="CLINC150", method="engine")
    if not ours or not ours_accuracy:
        return
    compared, better = [], []
    for peer in sorted({r["method"] for r in speed} - {"engine"}):
        timing, quality = _find(speed, workload="3000", method=peer), _find(accuracy, dataset="CLINC150", method=peer)
        if not timing or not quality:
            continue
        compared.append(f"{peer} {timing['p50_ms']} ms / {quality['in_scope']}%")
        if timing["p50_ms"] < ours["p50_ms"] and quality["in_scope"] > ours_accuracy["in_scope"]:
            better.append(peer)
    measured = f"engine {ours['p50_ms']} ms / {ours_accuracy['in_scope']}%; " + "; ".join(compared)
    add("3,000 entries: no peer in the table both faster and more accurate", measured, not better)


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Every target from the issues with the measured figure; missing parts are skipped."""
    out: list[dict[str, Any]] = []

    def add(name: str, measured: Any, met: bool) -> None:
        out.append({"target": name, "measured": measured, "met": met})

    accuracy = results.get("accuracy") or []
    speed = results.get("speed") or []
    if big := _find(speed, workload="100000", method="engine"):
        _large_targets(big, add)
    if mid := _find(speed, workload="3000", method="engine"):
        add(
            "3,000 entries: median ≤ 0.3 ms per one-question message (≥ 3,000 questions/s)",
            f"{mid['p50_ms']} ms ({mid['qps']:,.0f} questions/s)",
            mid["p50_ms"] <= 0.3 and mid["qps"] >= 3000,
        )
        add("3,000 entries: median ≤ 1 ms per 3-question post", f"{mid['post_p50_ms']} ms", mid["post_p50_ms"] <= 1)
        _peers(speed, accuracy, add)
    if shipped := results.get("shipped"):
        add(
            "shipped knowledge: start (load, index, cache check) ≤ 0.3 s",
            f"{shipped['start_s']:.3f} s",
            shipped["start_s"] <= 0.3,
        )
    _accuracy_targets(accuracy, add)
    if clinc_speed := _find(speed, workload="clinc150", method="engine"):
        add(
            "one-question message ≤ 0.5 ms median at CLINC150 size",
            f"{clinc_speed['p50_ms']} ms",
            clinc_speed["p50_ms"] <= 0.5,
        )
    if shipped:
        add(
            "shipped knowledge build (cold start) ≤ 0.5 s",
            f"{shipped['cold_start_s']:.3f} s",
            shipped["cold_start_s"] <= 0.5,
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


def _speed_table(speed: list[dict[str, Any]]) -> list[str]:
    return _table(
        [
            "knowledge",
            "method",
            "entries",
            "phrasings",
            "cold start s",
            "warm start s",
            "one edit s",
            "message p50 ms",
            "message p99 ms",
            "post p50 ms",
            "post p99 ms",
            "questions/s",
            "peak RSS MB",
        ],
        [
            [
                r["workload"],
                r["method"],
                f"{r['entries']:,}",
                f"{r['phrasings']:,}",
                r["cold_start_s"],
                r.get("warm_start_s", "–"),
                r.get("edit_s", "–"),
                r["p50_ms"],
                r["p99_ms"],
                r["post_p50_ms"],
                r["post_p99_ms"],
                f"{r['qps']:,}",
                r["peak_rss_mb"],
            ]
            for r in speed
        ],
    )


def _runs(results: dict[str, Any]) -> str:
    """Which command measured each part (a part not run this time keeps its rows from an earlier run)."""
    runs = results.get("runs") or {}
    parts = []
    for section in ("accuracy", "speed", "e2e"):
        if section not in results:
            continue
        run = runs.get(section) or {"command": results.get("command", "unknown")}
        detail = ", ".join(
            text
            for text in (
                run.get("date", ""),
                f"{run['seconds'] // 60} min {run['seconds'] % 60} s" if "seconds" in run else "",
                "load average {} → {}".format(run["load_average_start"][0], run["load_average_end"][0])
                if "load_average_start" in run
                else "",
            )
            if text
        )
        parts.append(f"{section.capitalize()}: `{run['command']}`" + (f" ({detail})" if detail else ""))
    return "; ".join(parts) + "." if parts else f"Command: `{results.get('command', 'unknown')}`."


def _cpu_table(speed: list[dict[str, Any]]) -> list[str]:
    """The same calls' CPU time: on a shared machine, what the work cost apart from waiting for a core."""
    rows = [r for r in speed if "cpu_p50_ms" in r]
    if not rows:
        return []
    return [
        "CPU time of the same calls (the process's own; wall time above minus waiting for a core):",
        "",
        *_table(
            ["knowledge", "method", "cold start CPU s", "message CPU p50 ms", "p99", "post CPU p50 ms", "p99"],
            [
                [
                    r["workload"],
                    r["method"],
                    r.get("cold_start_cpu_s", "–"),
                    r["cpu_p50_ms"],
                    r["cpu_p99_ms"],
                    r["post_cpu_p50_ms"],
                    r["post_cpu_p99_ms"],
                ]
                for r in rows
            ],
        ),
    ]


def markdown(results: dict[str, Any]) -> str:
    lines = [
        f"Machine: {results['machine']['cpu']}, {results['machine']['cores']} cores, "
        f"Python {results['machine']['python']}. {_runs(results)}",
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
                "as members' messages: top-1 % or in-scope / OOS recall %",
            ],
            [
                [
                    f"{r['dataset']} {r['variant']}",
                    r["method"],
                    r["top1"],
                    r.get("in_scope", ""),
                    r.get("oos_recall", ""),
                    f"{r['own_in_scope']} / {r['own_oos_recall']}" if "own_in_scope" in r else "",
                    _as_messages(r),
                ]
                for r in accuracy
            ],
        )
    if speed := results.get("speed"):
        lines += _speed_table(speed)
        lines += _cpu_table(speed)
    if e2e := results.get("e2e"):
        lines += [
            f"Bot end to end on the fake Discord (mention → reply): **{e2e['qps']} questions/s** in one process "
            f"({e2e['questions']} questions); Discord's own limits bind far earlier: "
            f"{e2e['discord_global_limit_per_s']} requests/s per bot, {e2e['discord_channel_limit_per_s']} "
            "messages/s per channel.",
            "",
        ]
    if shipped := results.get("shipped"):
        lines += [
            f"Shipped knowledge ({shipped['entries']} entries): starts in **{shipped['start_s'] * 1000:.0f} ms** "
            f"with a warm cache (load, index, cache check; {shipped['start_process_s']:.2f} s for the whole new "
            f"process with Python's start and imports), **{shipped['cold_start_s'] * 1000:.0f} ms** cold "
            "(read, validate, build); "
            f"medians of {len(shipped['start_runs_s'])} fresh processes.",
            "",
        ]
    if goals := results.get("targets"):
        lines += ["| target | measured | met |", "|---|---|---|"]
        lines += [f"| {t['target']} | {t['measured']} | {'yes' if t['met'] else '**no**'} |" for t in goals]
        lines.append("")
    return "\n".join(lines)


def plot(speed: list[dict[str, Any]], path: Path) -> None:
    """p50 and p99 per one-question message against knowledge size, every method, log-log."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(7.5, 4.8), dpi=110)
    for method in sorted({r["method"] for r in speed}, key=lambda m: (m != "engine", m)):
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
    axis.plot([3_000], [0.3], marker="*", markersize=12, linestyle="none", color="black", label="target: p50 at 3k")
    axis.plot([100_000], [10], marker="P", markersize=10, linestyle="none", color="black", label="target: p99 at 100k")
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xlabel("knowledge size (entries, 5 phrasings each; log)")
    axis.set_ylabel("ms per one-question message (log)")
    axis.set_title("Latency per one-question message against knowledge size")
    axis.grid(True, which="both", alpha=0.3)
    axis.legend(fontsize=7, ncol=2)
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
