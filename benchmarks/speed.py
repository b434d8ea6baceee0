"""Speed from 1k to 100k entries and at CLINC150 size, the engine side by side with bm25s and rapidfuzz.

For each knowledge size (synthetic knowledge files, 1,000 entries per file; CLINC150's training set as one file):

- cold start: `open_engine` on the files without a cache (read, validate, build the index);
- warm start: a new process that opens the same files with a warm engine cache (median of a few processes);
- one edit: `add_alias` on a KnowledgeStore opened warm, until the new phrasing is answered (median of a few);
- latency of one-question messages and of 3-question forum posts (`Engine.answer_message`), every call timed
  in-process with perf_counter after a warm-up call; questions/s from the one-question messages;
- peak RSS of each process (its own high-water mark; see _peak_rss_mb).

Every measurement runs in a fresh child process (`python -m benchmarks speed-one SPEC`): its peak RSS is its own,
and a warm start never profits from a process that has just built the engine. The baselines prepare their index
once, from the phrasings already in memory (they read no files: their cold start is their index build alone),
answer the same messages, and have no warm start or edit. They split a post with the engine's own splitter.
"""

from __future__ import annotations

import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.config import DEFAULT_KNOWLEDGE
from bot.core import cache
from bot.core.memory import return_large_blocks_when_freed
from bot.core.models import Knowledge, Status
from bot.core.questions import split_questions
from bot.core.store import KnowledgeStore, open_engine

from .data import PLACEHOLDER_ANSWER, clinc150, knowledge_from, slug
from .methods import METHODS, BM25Method
from .synthetic import generate, write_knowledge

SIZES = (1_000, 3_000, 10_000, 100_000)
QUESTIONS = 10_000
ROUNDS = 3  # passes over the messages (see _timed)
TIME_BUDGET_S = 20.0  # per method, size and kind of message: the linear rapidfuzz scan answers a sample, not all
POST = "Hi all, quick questions. {}? Also {}? And {}? Thanks!"  # a forum post: costs about three questions
NEW_WORDS = ("quixotal", "xenborq", "zyqwerth", "vexquill", "jinxqorm", "qwyndle", "oxquirel", "quazzik")
BASELINES = ("bm25s", "rapidfuzz")


@dataclass(frozen=True)
class Plan:
    sizes: tuple[int, ...]
    clinc: bool
    questions: int
    budget_s: float
    warm_runs: int  # fresh processes timed for a warm start
    cold_runs: int  # fresh processes timed for the engine's cold start (the first also answers the messages)
    edits: int
    shipped_runs: int  # fresh processes timed for the shipped knowledge's cold and warm start


FULL = Plan(SIZES, True, QUESTIONS, TIME_BUDGET_S, warm_runs=3, cold_runs=3, edits=5, shipped_runs=5)
SMOKE = Plan((300,), False, 200, 2.0, warm_runs=1, cold_runs=1, edits=2, shipped_runs=2)


# ---- measuring, in the child process ----------------------------------------------------------------------


def _peak_rss_mb() -> float:
    """This process's own peak RSS. On Linux ru_maxrss survives exec: a child started by a process that had
    grown to 300 MB reports at least 300 MB, so the kernel's high-water mark of this process's memory (VmHWM,
    reset by exec) is read instead; ru_maxrss elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)  # kB
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux reports KiB


Timings = tuple[list[float], list[float]]  # seconds per call: wall clock (what a member waits), CPU of this process


def _timed(call: Callable[[str], object], texts: Sequence[str], budget_s: float) -> Timings:
    """Seconds per call, after one untimed warm-up call (it pays lazy set-up costs, as the first member's
    message would). The texts are asked in ROUNDS passes, the first stopping when its share of the budget is
    spent; a text's time is its fastest pass. This machine is shared: the same run measured 0.30 to 0.45 ms
    per message in different minutes, and a slow spell would otherwise land on whichever method was running;
    a spell now has to last ROUNDS passes to count. What stays is each call's own cost, slow calls included
    (p99). The CPU time beside the wall time is taken the same way."""

    def once(text: str) -> tuple[float, float]:
        started, started_cpu = time.perf_counter(), time.process_time()
        call(text)
        return time.perf_counter() - started, time.process_time() - started_cpu

    call(texts[0])
    first: list[tuple[float, float]] = []
    deadline = time.perf_counter() + budget_s / ROUNDS
    for text in texts:
        first.append(once(text))
        if time.perf_counter() > deadline:
            break
    passes = [first] + [[once(text) for text in texts[: len(first)]] for _ in range(ROUNDS - 1)]
    runs = [list(text_runs) for text_runs in zip(*passes, strict=True)]  # each text's (wall, CPU) per pass
    return [min(w for w, _ in text_runs) for text_runs in runs], [min(c for _, c in text_runs) for text_runs in runs]


def posts_from(questions: Sequence[str]) -> list[str]:
    """Forum posts of three consecutive questions each, wrapped in greetings as members write them."""
    bare = [q.rstrip(" ?.!") for q in questions]
    return [POST.format(*bare[i : i + 3]) for i in range(0, len(bare) - 2, 3)]


def _ms(seconds: float) -> float:
    return round(1000 * seconds, 3)


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return _ms(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))])


def _latencies(messages: Timings, posts: Timings) -> dict[str, Any]:
    return {
        "questions": len(messages[0]),
        "p50_ms": _ms(statistics.median(messages[0])),
        "p99_ms": _p99(messages[0]),
        "qps": round(len(messages[0]) / sum(messages[0]), 1),
        "posts": len(posts[0]),
        "post_p50_ms": _ms(statistics.median(posts[0])),
        "post_p99_ms": _p99(posts[0]),
        "cpu_p50_ms": _ms(statistics.median(messages[1])),
        "cpu_p99_ms": _p99(messages[1]),
        "post_cpu_p50_ms": _ms(statistics.median(posts[1])),
        "post_cpu_p99_ms": _p99(posts[1]),
    }


@contextmanager
def _cache_hits() -> Iterator[list[bool]]:
    """Records whether each engine-cache lookup found an engine (a warm start that silently rebuilt would
    report a cold start as a warm one)."""
    hits: list[bool] = []
    original = cache.load

    def load(directory: Path, cache_key: str) -> Any:
        engine = original(directory, cache_key)
        hits.append(engine is not None)
        return engine

    cache.load = load  # type: ignore[assignment]
    try:
        yield hits
    finally:
        cache.load = original  # type: ignore[assignment]


def _check_hit(hits: list[bool], expected: bool | None) -> None:
    if expected is not None and any(hits) != expected:
        raise RuntimeError(f"engine cache {'miss' if expected else 'hit'}: expected the opposite ({hits})")


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _serve(spec: dict[str, Any]) -> dict[str, Any]:
    """Cold start (no cache), then one-question messages and 3-question posts. A large knowledge base is read
    with a helper process (bot/core/loader/parallel.py): its CPU time counts in the cold start's, its peak RSS is
    reported beside this process's."""
    started, started_cpu, helper_cpu = time.perf_counter(), time.process_time(), _children_cpu_s()
    engine, result = open_engine(Path(spec["knowledge"]))
    cold_s = time.perf_counter() - started
    helper_cpu = _children_cpu_s() - helper_cpu
    cold_cpu_s = time.process_time() - started_cpu + helper_cpu
    if engine is None:
        raise RuntimeError(f"the knowledge did not load: {result.errors[:3]}")
    build_rss = _peak_rss_mb()
    questions = json.loads(Path(spec["questions"]).read_text(encoding="utf-8"))
    messages = _timed(engine.answer_message, questions, spec["budget_s"])
    posts = _timed(engine.answer_message, posts_from(questions), spec["budget_s"])
    return {
        "entries": len(engine.knowledge.entries),
        "phrasings": sum(len(e.questions) for e in engine.knowledge.entries),
        "cold_start_s": round(cold_s, 3),
        "cold_start_cpu_s": round(cold_cpu_s, 3),
        "helper_cpu_s": round(helper_cpu, 3),
        "helper_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
        if helper_cpu
        else 0,
        "build_peak_rss_mb": build_rss,
        **_latencies(messages, posts),
        "peak_rss_mb": _peak_rss_mb(),
    }


def _open(spec: dict[str, Any]) -> dict[str, Any]:
    """open_engine once, with or without a cache directory: a cold start, the first start that writes the
    cache, or a warm start."""
    cache_dir = Path(spec["cache"]) if spec.get("cache") else None
    with _cache_hits() as hits:
        started, started_cpu = time.perf_counter(), time.process_time()
        engine, result = open_engine(Path(spec["knowledge"]), cache_dir=cache_dir)
        open_s, open_cpu_s = time.perf_counter() - started, time.process_time() - started_cpu
    if engine is None:
        raise RuntimeError(f"the knowledge did not load: {result.errors[:3]}")
    _check_hit(hits, spec.get("expect_hit"))
    return {
        "entries": len(engine.knowledge.entries),
        "open_s": round(open_s, 4),
        "open_cpu_s": round(open_cpu_s, 4),
        "cache_hit": any(hits),
        "peak_rss_mb": _peak_rss_mb(),
    }


def _answered(store: KnowledgeStore, question: str, entry_id: str) -> bool:
    answer = store.engine.ask(question)
    return answer.status is Status.ANSWERED and answer.entry is not None and answer.entry.id == entry_id


def _wait_for_cache_writes() -> None:
    """The store writes the new engine to the cache in the background after each edit; a moderator's next
    edit comes seconds later, so each edit is timed after the previous one's write has finished."""
    for thread in threading.enumerate():
        if thread.name == "engine-cache":
            thread.join()


def _edit(spec: dict[str, Any]) -> dict[str, Any]:
    """A store opened warm; each edit adds a new phrasing to one entry, timed until that phrasing is answered
    with that entry."""
    with _cache_hits() as hits:
        started = time.perf_counter()
        store = KnowledgeStore(Path(spec["knowledge"]), cache_dir=Path(spec["cache"]))
        open_s = time.perf_counter() - started
    _check_hit(hits, True)
    open_rss = _peak_rss_mb()
    entries = store.engine.knowledge.entries
    times = []
    for number in range(spec["edits"]):
        entry = entries[number * len(entries) // spec["edits"]]
        question = f"who signs the {NEW_WORDS[number]} permit form"
        started = time.perf_counter()
        store.add_alias(entry.id, question)
        while not _answered(store, question, entry.id):
            if time.perf_counter() - started > 60:
                raise RuntimeError(f"the new phrasing of {entry.id} was not answered within 60 s")
            time.sleep(0.001)
        times.append(time.perf_counter() - started)
        _wait_for_cache_writes()
    return {
        "store_open_s": round(open_s, 3),
        "open_peak_rss_mb": open_rss,
        "edit_s": round(statistics.median(times), 3),
        "edits_s": [round(t, 3) for t in times],
        "peak_rss_mb": _peak_rss_mb(),
    }


def _in_memory(workload: str, datasets: Path) -> Knowledge:
    if workload == "clinc150":
        return knowledge_from(clinc150(datasets)["train"])
    return Knowledge(entries=tuple(generate(int(workload), 0).entries))


def _top(method: Any) -> Callable[[str], str | None]:
    """The baseline's best entry for one question. bm25s is asked in the calling thread (n_threads=0): with
    n_threads=1, as methods.BM25Method asks it (fine for accuracy), it starts a thread pool on every call,
    which costs 0.3–3 ms depending on the machine's load — not what a user of bm25s would pay."""
    if not isinstance(method, BM25Method):
        return method.top  # type: ignore[no-any-return]

    def top(question: str) -> str | None:
        tokens = method._bm25s.tokenize([question], stopwords="en", show_progress=False)
        docs, _ = method.retriever.retrieve(tokens, k=1, show_progress=False, n_threads=0)
        return method.ids[int(docs[0][0])]

    return top


def _baseline(spec: dict[str, Any]) -> dict[str, Any]:
    knowledge = _in_memory(spec["workload"], Path(spec["datasets"]))
    started, started_cpu = time.perf_counter(), time.process_time()
    method = METHODS[spec["method"]](knowledge)
    build_s, build_cpu_s = time.perf_counter() - started, time.process_time() - started_cpu
    questions = json.loads(Path(spec["questions"]).read_text(encoding="utf-8"))
    top = _top(method)

    def post(text: str) -> list[str | None]:
        return [top(question) for question in split_questions(text, None) or [text]]

    messages = _timed(top, questions, spec["budget_s"])
    posts = _timed(post, posts_from(questions), spec["budget_s"])
    return {
        "entries": len(knowledge.entries),
        "phrasings": sum(len(e.questions) for e in knowledge.entries),
        "cold_start_s": round(build_s, 3),
        "cold_start_cpu_s": round(build_cpu_s, 3),
        **_latencies(messages, posts),
        "peak_rss_mb": _peak_rss_mb(),
    }


TASKS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "serve": _serve,
    "open": _open,
    "edit": _edit,
    "baseline": _baseline,
}


def child(spec: dict[str, Any]) -> dict[str, Any]:
    """What `python -m benchmarks speed-one SPEC` runs: one measurement in this fresh process. The engine's
    tasks set up memory as `python -m bot` does (memory.return_large_blocks_when_freed); the baselines run as
    their own users would run them."""
    if spec["task"] != "baseline":
        return_large_blocks_when_freed()
    return TASKS[spec["task"]](spec)


# ---- the parent: workloads, child processes, rows ---------------------------------------------------------


def _run_child(spec: dict[str, Any]) -> tuple[dict[str, Any], float]:
    """The child's result and the wall time of the whole process (interpreter start and imports included)."""
    command = [sys.executable, "-m", "benchmarks", "speed-one", json.dumps(spec)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{spec} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1]), wall


def _write_clinc(datasets: Path, directory: Path) -> list[str]:
    """CLINC150's training set as one knowledge file (as data.knowledge_from writes it); its test questions."""
    data = clinc150(datasets)
    by_intent: dict[str, list[str]] = {}
    for text, intent in data["train"]:
        by_intent.setdefault(slug(intent), []).append(" ".join(text.split()))
    entries = [{"id": i, "questions": q, "answer": PLACEHOLDER_ANSWER} for i, q in by_intent.items()]
    directory.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump({"entries": entries}, allow_unicode=True, width=1_000_000)
    (directory / "intents.yaml").write_text(text, encoding="utf-8")
    return [" ".join(t.split()) for t, _ in data["test"] + data["oos_test"]]


def _prepare(workload: str, folder: Path, questions: int, datasets: Path) -> tuple[Path, Path]:
    """The workload's knowledge files and questions on disk: every child reads the same."""
    knowledge = folder / "knowledge"
    if workload == "clinc150":
        asked = _write_clinc(datasets, knowledge)[:questions]
    else:
        generated = generate(int(workload), questions)
        write_knowledge(generated, knowledge)
        asked = generated.questions
    questions_file = folder / "questions.json"
    questions_file.write_text(json.dumps(asked), encoding="utf-8")
    return knowledge, questions_file


def _engine_row(workload: str, knowledge: Path, questions: Path, cache_dir: Path, plan: Plan) -> dict[str, Any]:
    files = {"knowledge": str(knowledge), "cache": str(cache_dir)}
    serve, _ = _run_child(
        {"task": "serve", "knowledge": str(knowledge), "questions": str(questions), "budget_s": plan.budget_s}
    )
    cold = [serve["cold_start_s"]] + [
        _run_child({"task": "open", "knowledge": str(knowledge)})[0]["open_s"] for _ in range(plan.cold_runs - 1)
    ]
    first, _ = _run_child({"task": "open", **files, "expect_hit": False})  # builds and writes the cache
    warm = [_run_child({"task": "open", **files, "expect_hit": True}) for _ in range(plan.warm_runs)]
    edit, _ = _run_child({"task": "edit", **files, "edits": plan.edits})  # last: it changes the files
    rss = {
        "serve": serve["peak_rss_mb"],
        "first_start": first["peak_rss_mb"],
        "warm": max(w["peak_rss_mb"] for w, _ in warm),
        "edit": edit["peak_rss_mb"],
    }
    return {
        "workload": workload,
        "method": "engine",
        **{k: v for k, v in serve.items() if k not in ("peak_rss_mb", "build_peak_rss_mb")},
        "cold_start_s": round(statistics.median(cold), 3),  # the CPU time is the first run's
        "cold_runs_s": cold,
        "first_start_s": round(first["open_s"], 3),
        "first_start_cpu_s": round(first["open_cpu_s"], 3),
        "warm_start_s": round(statistics.median(w["open_s"] for w, _ in warm), 3),
        "warm_start_cpu_s": round(statistics.median(w["open_cpu_s"] for w, _ in warm), 3),
        "warm_runs_s": [round(w["open_s"], 3) for w, _ in warm],
        "warm_process_s": round(statistics.median(wall for _, wall in warm), 3),
        "edit_s": edit["edit_s"],
        "edits_s": edit["edits_s"],
        "store_open_s": edit["store_open_s"],
        "edit_open_peak_rss_mb": edit["open_peak_rss_mb"],
        "peak_rss_mb": max(rss.values()),
        "build_peak_rss_mb": serve["build_peak_rss_mb"],
        "rss_mb": rss,
    }


def _log_row(row: dict[str, Any], log: Callable[[str], object]) -> None:
    warm = f"{row['warm_start_s']:6.3f}" if "warm_start_s" in row else "     –"
    edit = f"{row['edit_s']:6.3f}" if "edit_s" in row else "     –"
    log(
        f"{row['workload']:>8} {row['method']:9} cold {row['cold_start_s']:7.3f} s  warm {warm} s  edit {edit} s  "
        f"p50 {row['p50_ms']:8.3f} / p99 {row['p99_ms']:8.3f} ms (CPU {row['cpu_p50_ms']:.3f} / "
        f"{row['cpu_p99_ms']:.3f})  post p50 {row['post_p50_ms']:8.3f} / "
        f"p99 {row['post_p99_ms']:8.3f} ms  {row['qps']:8.1f} q/s  RSS {row['peak_rss_mb']:7.1f} MB"
    )


def run(datasets: Path, *, smoke: bool = False, log: Callable[[str], object] = print) -> list[dict[str, Any]]:
    plan = SMOKE if smoke else FULL
    workloads = [str(size) for size in plan.sizes] + (["clinc150"] if plan.clinc else [])
    rows = []
    with tempfile.TemporaryDirectory(prefix="faq-speed-") as scratch:
        for workload in workloads:
            folder = Path(scratch) / workload
            knowledge, questions = _prepare(workload, folder, plan.questions, datasets)
            rows.append(_engine_row(workload, knowledge, questions, folder / "cache", plan))
            _log_row(rows[-1], log)
            for method in BASELINES:
                result, _ = _run_child(
                    {
                        "task": "baseline",
                        "workload": workload,
                        "method": method,
                        "questions": str(questions),
                        "datasets": str(datasets),
                        "budget_s": plan.budget_s,
                    }
                )
                rows.append({"workload": workload, "method": method, **result})
                _log_row(rows[-1], log)
            shutil.rmtree(folder)
    return rows


def shipped(*, smoke: bool = False, log: Callable[[str], object] = print) -> dict[str, Any]:
    """The bundled knowledge: cold start (no cache) and start with a warm cache (load, index, cache check),
    each the median of several fresh processes."""
    plan = SMOKE if smoke else FULL
    knowledge = str(DEFAULT_KNOWLEDGE)
    cold = [_run_child({"task": "open", "knowledge": knowledge}) for _ in range(plan.shipped_runs)]
    with tempfile.TemporaryDirectory(prefix="faq-speed-cache-") as cache_dir:
        _run_child({"task": "open", "knowledge": knowledge, "cache": cache_dir, "expect_hit": False})
        warm = [
            _run_child({"task": "open", "knowledge": knowledge, "cache": cache_dir, "expect_hit": True})
            for _ in range(plan.shipped_runs)
        ]
    result = {
        "entries": cold[0][0]["entries"],
        "cold_start_s": round(statistics.median(r["open_s"] for r, _ in cold), 4),
        "cold_runs_s": [r["open_s"] for r, _ in cold],
        "cold_start_cpu_s": round(statistics.median(r["open_cpu_s"] for r, _ in cold), 4),
        "start_s": round(statistics.median(r["open_s"] for r, _ in warm), 4),
        "start_cpu_s": round(statistics.median(r["open_cpu_s"] for r, _ in warm), 4),
        "start_runs_s": [r["open_s"] for r, _ in warm],
        "start_process_s": round(statistics.median(wall for _, wall in warm), 3),
        "peak_rss_mb": max(r["peak_rss_mb"] for r, _ in cold + warm),
    }
    log(
        f"shipped knowledge ({result['entries']} entries): start with a warm cache {result['start_s'] * 1000:.1f} ms, "
        f"cold start {result['cold_start_s'] * 1000:.1f} ms (medians of {plan.shipped_runs} processes)"
    )
    return result
