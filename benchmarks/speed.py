"""Speed from 1k to 100k entries: build time, latency one question at a time, questions/s, peak RSS.

Each (knowledge size, method) runs in a fresh child process so that peak RSS belongs to that method
alone and one method's garbage does not slow the next.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bot.config import DEFAULT_KNOWLEDGE
from bot.core.engine import Engine
from bot.core.loader import load_directory
from bot.core.models import Knowledge

from .data import clinc150, knowledge_from
from .methods import METHODS
from .synthetic import generate

SIZES = (1_000, 10_000, 100_000)
SMOKE_SIZES = (300, 1_000)
QUESTIONS = 10_000
TIME_BUDGET_S = 20.0  # per method and size: the linear rapidfuzz scan answers a sample, not all 10k


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def measure_one(workload: str, method_name: str, questions: int, datasets: Path) -> dict[str, Any]:
    """Runs in the child process: build the method, then time questions one at a time."""
    if workload == "clinc150":
        data = clinc150(datasets)
        knowledge = knowledge_from(data["train"])
        asked = [text for text, _ in data["test"] + data["oos_test"]][:questions]
    else:
        generated = generate(int(workload), questions)
        knowledge = Knowledge(entries=tuple(generated.entries))
        asked = generated.questions
    started = time.perf_counter()
    method = METHODS[method_name](knowledge)
    build_s = time.perf_counter() - started
    method.top(asked[0])  # first call pays lazy set-up costs, as the first member's question would
    latencies: list[float] = []
    deadline = time.perf_counter() + TIME_BUDGET_S
    for question in asked:
        started = time.perf_counter()
        method.top(question)
        latencies.append(time.perf_counter() - started)
        if time.perf_counter() > deadline:
            break
    latencies.sort()
    return {
        "workload": workload,
        "method": method_name,
        "entries": len(knowledge.entries),
        "phrasings": sum(len(e.questions) for e in knowledge.entries),
        "build_s": round(build_s, 3),
        "questions": len(latencies),
        "p50_ms": round(1000 * statistics.median(latencies), 3),
        "p99_ms": round(1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))], 3),
        "qps": round(len(latencies) / sum(latencies), 1),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }


def shipped_knowledge_load_s(repeats: int = 5) -> float:
    """Load and index the bundled knowledge (imports excluded), median of a few runs."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = load_directory(DEFAULT_KNOWLEDGE)
        Engine(result.knowledge)
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 4)


def run(datasets: Path, *, smoke: bool = False, log: Any = print) -> list[dict[str, Any]]:
    workloads = [str(s) for s in (SMOKE_SIZES if smoke else SIZES)] + ([] if smoke else ["clinc150"])
    questions = 1_000 if smoke else QUESTIONS
    rows = []
    for workload in workloads:
        for method_name in METHODS:
            command = [
                sys.executable,
                "-m",
                "benchmarks",
                "speed-one",
                workload,
                method_name,
                "--questions",
                str(questions),
                "--datasets",
                str(datasets),
            ]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise RuntimeError(f"{workload}/{method_name} failed:\n{done.stderr}")
            row = json.loads(done.stdout.strip().splitlines()[-1])
            rows.append(row)
            log(
                f"{workload:>8} {method_name:10} build {row['build_s']:7.2f} s  p50 {row['p50_ms']:8.3f} ms  "
                f"p99 {row['p99_ms']:8.3f} ms  {row['qps']:9.1f} q/s  RSS {row['peak_rss_mb']:7.1f} MB"
            )
    return rows
