"""The "Fast at scale" benchmark: ``kg build`` against pyoxigraph's own loader, the stored queries
against rdflib, export against ``Store.dump``, incremental rebuilds and parallel extraction.

    python -m benchmarks.run --sizes 1000,10000,100000 [--out BENCHMARKS.md] [--workdir DIR]

For each size N (a corpus from :mod:`benchmarks.generate`, made in ``WORKDIR/corpus-N`` unless it is
already there):

* ``kg build`` in a subprocess (``python -m kg.cli build CORPUS --store S --quiet``): wall time, CPU
  time and peak RSS (``os.wait4`` rusage: the largest resident set of the build process or any worker
  it reaped, not their sum), articles/s and quads/s;
* ``kg export --format nquads`` (subprocess) and pyoxigraph ``Store.dump`` of the same store to N-Quads;
* pyoxigraph ``Store.bulk_load`` of the exported N-Quads into a fresh on-disk store (subprocess);
* every stored query's median latency over ``--query-runs`` runs (at least 5) on the built store, and at
  one size (``--rdflib-size``, default 1,000) the same query text on the same quads in rdflib
  (``Dataset(default_union=True)``);
* incremental rebuilds after one article changed, two edits (their times, and their ratios to the full
  build): a sentence appended (which, after a generated article's footer, leaves its events as they
  were) and a statement added after its events; each edit is timed ``INCREMENTAL_RUNS`` times (the
  article restored and the store rebuilt between runs, untimed) and its median counts; the target
  counts the slower edit;

and once, on the largest size run (or ``--workers-size``), extraction with 1 and with 2 worker
processes, done exactly as ``kg.build.build`` does it (``kg.build._extract_job`` in a
``ProcessPoolExecutor``), so the resolve and write stages, which are serial, do not dilute the figure.

It writes the report (``--out``, default ``BENCHMARKS.md``) with the machine, a table of every figure,
each target of the issue with its ratio and PASS/FAIL (or "not measured" when a size it needs did not
run), and a plot of time against N beside it (``<out stem>.png``).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["main", "run_benchmarks"]

TARGETS_DOC = "issue 'Fast at scale'"


# ------------------------------------------------------------------------------------------ processes
@dataclass
class Proc:
    wall: float
    cpu: float          # user + sys of the process and every child it waited for
    maxrss_mb: float    # ru_maxrss of the process or its largest reaped child
    rc: int
    stdout: str
    stderr: str


#: Timed runs of each one-article edit (a rebuild takes well under a second: one run is at the mercy of
#: the machine; the median of three is not)
INCREMENTAL_RUNS = 3


def _runs_note(results) -> str:
    """How many runs an incremental row's figure is the median of (none for reports of older runs)."""
    n = max((len(w) for r in results for w in r.incremental_walls.values()), default=0)
    return f" (median of {n})" if n > 1 else ""


def run_proc(cmd: list[str], env: dict[str, str] | None = None, cwd: str | None = None, check: bool = True) -> Proc:
    """Run ``cmd``, returning wall time and the child's own rusage (``os.wait4``)."""
    out_f = open(_tmpfile("out"), "w+b")
    err_f = open(_tmpfile("err"), "w+b")
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=out_f, stderr=err_f, env=env, cwd=cwd)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    out_f.seek(0)
    err_f.seek(0)
    out, err = out_f.read().decode("utf-8", "replace"), err_f.read().decode("utf-8", "replace")
    out_f.close()
    err_f.close()
    res = Proc(wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, p.returncode, out, err)
    if check and p.returncode not in (0,):
        raise RuntimeError(f"{' '.join(cmd)} exited with {p.returncode}:\n{err[-3000:]}")
    return res


_TMP: list[Path] = []


def _tmpfile(kind: str) -> str:
    import tempfile
    fd, name = tempfile.mkstemp(prefix=f"ghatna-bench-{kind}-")
    os.close(fd)
    _TMP.append(Path(name))
    return name


def py(*args: str) -> list[str]:
    return [sys.executable, *args]


# ------------------------------------------------------------------------------------------ child code
BULK_LOAD_CHILD = """
import sys, time, json, pyoxigraph as ox
nq, target = sys.argv[1], sys.argv[2]
t = time.perf_counter()
s = ox.Store(target)
s.bulk_load(path=nq, format=ox.RdfFormat.N_QUADS)
s.flush()
n = len(s)
print(json.dumps({"seconds": time.perf_counter() - t, "quads": n}))
"""

DUMP_CHILD = """
import sys, time, json, pyoxigraph as ox
store, out = sys.argv[1], sys.argv[2]
t = time.perf_counter()
s = ox.Store.read_only(store)
s.dump(output=out, format=ox.RdfFormat.N_QUADS)
print(json.dumps({"seconds": time.perf_counter() - t}))
"""

# Extraction alone, as kg.build.build does it: the same job function, pool and chunk size.
EXTRACT_CHILD = """
import sys, time, json
from pathlib import Path
from concurrent.futures import ProcessPoolExecutor
from kg.article import DEFAULT_MAX_BYTES, find_articles
from kg.build import _extract_job
corpus, workers = sys.argv[1], int(sys.argv[2])
files = find_articles([corpus])
t = time.perf_counter()
jobs = ((f.stem, f.read_bytes(), None, str(f), DEFAULT_MAX_BYTES) for f in files)
ok = 0
if workers > 1:
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for path, rec, err in pool.map(_extract_job, jobs, chunksize=16):
            ok += err is None
else:
    for job in jobs:
        path, rec, err = _extract_job(job)
        ok += err is None
print(json.dumps({"seconds": time.perf_counter() - t, "articles": len(files), "ok": ok}))
"""


# ------------------------------------------------------------------------------------------ queries
def _busiest(store, role: str, default: str) -> str:
    """The Hindi name of the entity that fills ``role`` (a gh: property) in the most event triples."""
    q = f"""PREFIX gh: <https://w3id.org/ghatna/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?name (COUNT(*) AS ?n) WHERE {{ ?e {role} ?p . ?p rdfs:label ?name FILTER(LANG(?name) = "hi") }}
GROUP BY ?name ORDER BY DESC(?n) ?name LIMIT 1"""
    rows = list(store.query(q, use_default_graph_as_union=True))
    return rows[0]["name"].value if rows else default


def _params_for(store) -> dict[str, dict[str, str]]:
    """Parameter values for the queries that take one, taken from the data: the busiest participant's
    Hindi name, the busiest treaty party's (a state, for deployments and treaties), and one meeting's IRI."""
    name = _busiest(store, "gh:participant", "पुतिन")
    state = _busiest(store, "gh:party", "रूस")
    rows = list(store.query("PREFIX gh: <https://w3id.org/ghatna/ontology#> SELECT ?e WHERE { ?e a gh:Meeting } "
                            "ORDER BY ?e LIMIT 1", use_default_graph_as_union=True))
    event = rows[0]["e"].value if rows else "https://w3id.org/ghatna/id/event/meeting/0"
    return {"entity": {"entity": name}, "statements": {"speaker": name}, "provenance": {"event": f"<{event}>"},
            "meetings": {"participant": name}, "deployments": {"country": state}, "treaties": {"party": state}}


def query_cases(store) -> list[tuple[str, str, dict[str, str]]]:
    """(label, stored query name, params): every stored query as is, and with a parameter where it takes one."""
    from kg.queries import list_queries
    params = _params_for(store)
    cases = []
    for sq in list_queries():
        if sq.name not in ("entity", "provenance"):  # these two list everything without their parameter
            cases.append((sq.name, sq.name, {}))
        if sq.name in params:
            p = params[sq.name]
            cases.append((_case_label(sq.name, p), sq.name, p))
    return cases


def _case_label(name: str, params: dict[str, str]) -> str:
    """A label that is the same at every size (the parameter's value, taken from the data, is not in it)."""
    what = {"entity": "busiest participant's name", "speaker": "busiest participant's name",
            "participant": "busiest participant's name", "event": "first meeting's IRI",
            "country": "busiest treaty party's name", "party": "busiest treaty party's name"}
    return f"{name} ({', '.join(f'{k}={what.get(k, k)}' for k in params)})"


# A child that loads the data once, then runs each case ``runs`` times, printing one JSON line per run,
# so that the parent can stop a query that runs past its time limit (pyoxigraph and rdflib queries
# cannot be interrupted from Python) and go on with the next case in a fresh child.
QUERY_CHILD = """
import sys, json, time, re, hashlib
backend, data, cases, start, runs, budget = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
from kg.queries import load_query, run_query, _substitutions
def emit(**kw):
    sys.stdout.write(json.dumps(kw) + "\\n"); sys.stdout.flush()
t = time.perf_counter()
if backend == "oxigraph":
    import pyoxigraph as ox
    store = ox.Store.read_only(data)
    n = None
else:
    import pyoxigraph as ox
    from rdflib import Dataset, Variable, URIRef, Literal
    ds = Dataset(default_union=True)
    ds.parse(data, format="nquads")
    n = len(ds)
    def conv(term):
        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
emit(ready=time.perf_counter() - t, quads=n)
for i in range(start, len(cases)):
    label, name, params = cases[i]
    sq = load_query(name)
    spent = 0.0
    for k in range(runs):
        t = time.perf_counter()
        try:
            if backend == "oxigraph":
                result = run_query(store, sq, params).rows
            else:
                subs = {Variable(v.value): conv(term) for v, term in _substitutions(params, sq).items()}
                result = list(ds.query(sq.text_for(params), initBindings=subs))  # the form run_query runs
        except Exception as e:
            emit(case=i, error=f"{type(e).__name__}: {str(e)[:150]}")
            break
        ms = (time.perf_counter() - t) * 1000
        spent += ms / 1000
        digest = None
        if k == 0:  # what the rows say, untimed: the two engines' answers are compared, not only timed
            text = lambda v: None if v is None else (v.value if backend == "oxigraph" else str(v))
            # a GROUP_CONCAT cell's order is not defined by SPARQL: its items are sorted
            cells = [[None if text(v) is None else sorted(re.split(r"; |, ", text(v))) for v in row] for row in result]
            digest = hashlib.sha256(json.dumps(cells, ensure_ascii=False).encode()).hexdigest()[:16]
        emit(case=i, ms=ms, rows=len(result), digest=digest)
        if spent > budget:
            break
    emit(case=i, done=True)
"""


def time_queries(backend: str, data: Path, cases, runs: int, timeout: float, budget: float,
                 env: dict) -> tuple[dict[str, dict], float | None, int | None]:
    """Median latency per case; a case past ``timeout`` seconds (all its runs) is stopped and marked."""
    import select
    out: dict[str, dict] = {}
    load_s = quads = None
    i = 0
    while i < len(cases):
        cmd = py("-c", QUERY_CHILD, backend, str(data), json.dumps(cases, ensure_ascii=False), str(i), str(runs),
                 str(budget))
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        times: list[float] = []
        rows = 0
        digest = None
        case_start = None
        buf = ""
        finished_child = False
        while True:
            wait = None if case_start is None else max(0.0, case_start + timeout - time.perf_counter())
            ready, _, _ = select.select([p.stdout], [], [], wait if wait is not None else 600)
            if not ready:
                if case_start is None:
                    continue
                p.kill()
                p.wait()
                label = cases[i][0]
                out[label] = {"median_ms": statistics.median(times) if times else None, "rows": rows,
                              "runs": len(times), "timeout_s": timeout, "digest": digest}
                i += 1
                break
            line = p.stdout.readline()
            if not line:
                p.wait()
                err = p.stderr.read()
                if i < len(cases) and cases[i][0] not in out:
                    out[cases[i][0]] = {"median_ms": None, "rows": 0, "runs": 0, "error": err.strip()[-200:] or "child died"}
                    i += 1
                finished_child = True
                break
            msg = json.loads(line)
            if "ready" in msg:
                load_s = load_s if load_s is not None else msg["ready"]
                quads = quads if quads is not None else msg["quads"]
                case_start = time.perf_counter()
                continue
            label = cases[msg["case"]][0]
            if "error" in msg:
                out[label] = {"median_ms": None, "rows": 0, "runs": 0, "error": msg["error"]}
            elif "done" in msg:
                if label not in out:
                    out[label] = {"median_ms": statistics.median(times), "rows": rows, "runs": len(times),
                                  "digest": digest}
                times, rows, digest = [], 0, None
                i = msg["case"] + 1
                case_start = time.perf_counter()
                if i >= len(cases):
                    p.wait()
                    finished_child = True
                    break
            else:
                times.append(msg["ms"])
                rows = msg["rows"]
                digest = msg.get("digest") or digest
        if finished_child and i >= len(cases):
            break
    return out, load_s, quads


# ------------------------------------------------------------------------------------------ the run
@dataclass
class SizeResult:
    n: int
    corpus_mb: float = 0.0
    build: Proc | None = None
    quads: int = 0
    export_s: float = 0.0
    dump_s: float = 0.0
    dump_quads: int = 0
    bulk_s: float = 0.0
    bulk_proc: Proc | None = None
    incremental: Proc | None = None
    incremental_event: Proc | None = None   # the same article, with a statement added after its events
    incremental_walls: dict[str, list[float]] = field(default_factory=dict)   # every timed run of each edit
    queries: dict[str, dict] = field(default_factory=dict)
    rdflib: dict[str, dict] | None = None
    rdflib_load_s: float | None = None
    rdflib_quads: int | None = None
    events: str = ""


def ensure_corpus(n: int, workdir: Path, seed: int, log) -> Path:
    from benchmarks.generate import generate
    d = workdir / f"corpus-{n}"
    marker = d / ".generated"
    if d.is_dir() and marker.is_file() and marker.read_text() == f"{n} {seed}" and len(list(d.glob("*.txt"))) == n:
        return d
    shutil.rmtree(d, ignore_errors=True)
    t = time.perf_counter()
    generate(n, d, seed)
    marker.write_text(f"{n} {seed}")
    log(f"  generated {n} articles in {time.perf_counter() - t:.1f} s")
    return d


def _rm(*paths: Path) -> None:
    for p in paths:
        shutil.rmtree(p, ignore_errors=True)
        if p.is_file():
            p.unlink()


def bench_size(n: int, workdir: Path, seed: int, runs: int, rdflib: bool, env: dict, log,
               query_timeout: float = 60.0) -> SizeResult:
    import pyoxigraph as ox
    r = SizeResult(n)
    corpus = ensure_corpus(n, workdir, seed, log)
    r.corpus_mb = sum(p.stat().st_size for p in corpus.glob("*.txt")) / 1e6
    store = workdir / f"store-{n}"
    view = workdir / f"store-{n}.view"
    _rm(store, view)
    log(f"  kg build ({n} articles) …")
    r.build = run_proc(py("-m", "kg.cli", "build", str(corpus), "--store", str(store), "--quiet"), env=env)
    log(f"    {r.build.wall:.1f} s wall, {r.build.cpu:.1f} s CPU, peak RSS {r.build.maxrss_mb:.0f} MB")
    stats = run_proc(py("-m", "kg.cli", "stats", "--store", str(store)), env=env, check=False)
    r.events = " ".join(stats.stdout.split("entities")[0].split()[1:]) if stats.rc == 0 else ""

    nq = workdir / f"export-{n}.nq"
    _rm(nq)
    p = run_proc(py("-m", "kg.cli", "export", "--format", "nquads", "--store", str(store), "-o", str(nq)), env=env)
    r.export_s = p.wall
    with open(nq, "rb") as fh:
        r.quads = sum(1 for _ in fh)
    log(f"    export {r.export_s:.2f} s, {r.quads:,} quads")

    dump = workdir / f"dump-{n}.nq"
    _rm(dump)
    p = run_proc(py("-c", DUMP_CHILD, str(store), str(dump)), env=env)
    r.dump_s = p.wall
    with open(dump, "rb") as fh:
        r.dump_quads = sum(1 for _ in fh)
    _rm(dump)

    bulk = workdir / f"bulk-{n}"
    _rm(bulk)
    p = run_proc(py("-c", BULK_LOAD_CHILD, str(nq), str(bulk)), env=env)
    r.bulk_s = p.wall
    r.bulk_proc = p
    _rm(bulk)
    log(f"    Store.dump {r.dump_s:.2f} s; Store.bulk_load {r.bulk_s:.2f} s")

    s = ox.Store.read_only(str(store))
    cases = query_cases(s)
    del s
    r.queries, _, _ = time_queries("oxigraph", store, cases, runs, query_timeout, budget=1e9, env=env)
    log("    queries: " + ", ".join(f"{k.split(' ')[0]} {_qtext(v)}" for k, v in r.queries.items()))
    if rdflib:
        log("    rdflib …")
        r.rdflib, r.rdflib_load_s, r.rdflib_quads = time_queries("rdflib", nq, cases, runs, query_timeout, budget=30,
                                                                 env=env)
        log("    rdflib: " + ", ".join(f"{k.split(' ')[0]} {_qtext(v)}" for k, v in r.rdflib.items()))
    _rm(nq)

    # incremental: one article changed, then restored. First a sentence appended (in a generated article
    # with a "Source link" footer it falls in the skipped tail: the article's events stay as they were),
    # then a statement added after the article's events (before its footer): an edit that adds an event
    victim = sorted(corpus.glob("*.txt"))[len(list(corpus.glob("*.txt"))) // 2]
    original = victim.read_bytes()
    text = original.decode("utf-8")
    statement = '\nरूसी राष्ट्रपति व्लादिमीर पुतिन ने कहा, "हम नए समझौते पर काम कर रहे हैं।"\n'
    edits = {"incremental": original + "\nविशेषज्ञ मानते हैं कि यह एक बड़ा बदलाव है।\n".encode("utf-8"),
             "incremental_event": (text.replace("\nSource link", statement + "\nSource link", 1)
                                   if "\nSource link" in text else text + statement).encode("utf-8")}
    build_cmd = py("-m", "kg.cli", "build", str(corpus), "--store", str(store), "--quiet")
    try:
        for name, edited in edits.items():
            runs = []
            for _ in range(INCREMENTAL_RUNS):
                victim.write_bytes(edited)
                runs.append(run_proc(build_cmd, env=env))
                victim.write_bytes(original)
                run_proc(build_cmd, env=env)   # the store as it was before the edit (untimed)
            runs.sort(key=lambda p: p.wall)
            setattr(r, name, runs[len(runs) // 2])
            r.incremental_walls[name] = [p.wall for p in runs]
    finally:
        victim.write_bytes(original)
    log("    incremental rebuild (runs) " + "; with a statement added ".join(
        ", ".join(f"{w:.2f}" for w in r.incremental_walls[name]) + " s" for name in edits))
    return r


def bench_workers(corpus: Path, env: dict, log) -> dict[int, Proc]:
    out = {}
    for w in (1, 2):
        log(f"  extraction with {w} worker(s) on {corpus.name} …")
        out[w] = run_proc(py("-c", EXTRACT_CHILD, str(corpus), str(w)), env=env)
        log(f"    {out[w].wall:.1f} s")
    return out


# ------------------------------------------------------------------------------------------ report
def _fmt(x: float | None, unit: str = "", digits: int = 2) -> str:
    if x is None:
        return "—"
    return f"{x:,.{digits}f}{unit}"


def _qtext(v: dict | None) -> str:
    """A query timing for display: the median, or why there is none."""
    if not v:
        return "—"
    if v.get("error"):
        return "error: " + v["error"].splitlines()[-1][:100]
    if v.get("timeout_s") is not None and not v.get("runs"):
        return f"> {v['timeout_s']:g} s (stopped)"
    text = f"{v['median_ms']:,.1f} ms"
    if v.get("timeout_s") is not None:
        text += f" ({v['runs']} runs before the {v['timeout_s']:g} s limit)"
    return text


def _qms(v: dict | None) -> float | None:
    """A comparable latency in ms: the median, or the time limit for a stopped query (a lower bound)."""
    if not v:
        return None
    if v.get("median_ms") is not None:
        return v["median_ms"]
    if v.get("timeout_s") is not None:
        return v["timeout_s"] * 1000
    return None


def _same_rows(ours: dict, theirs: dict) -> str:
    """Whether two engines' answers to a case agree: 'yes', 'no', or '—' (one has no complete answer)."""
    a, b = ours.get("digest"), theirs.get("digest")
    return "—" if not a or not b else "yes" if a == b else "no"


def _verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else ("PASS" if ok else "FAIL")


def write_report(out: Path, results: list[SizeResult], workers: dict[int, Proc] | None, workers_n: int | None,
                 meta: dict, requested: list[int]) -> Path:
    by_n = {r.n: r for r in results}
    ran = sorted(by_n)
    skipped = [n for n in (1000, 10000, 100000) if n not in by_n]
    L: list[str] = []
    L.append("# Benchmarks (issue \"Fast at scale\")")
    L.append("")
    L.append(f"Generated by `python -m benchmarks.run --sizes {','.join(map(str, requested))}` on {meta['date']}. "
             f"Corpora from `python -m benchmarks.generate N DIR --seed {meta['seed']}` (synthetic Hindi articles "
             "recombining the seed and test articles' sentence patterns with gazetteer names).")
    L.append("")
    L.append("## Machine")
    L.append("")
    for k in ("cores", "cpu", "python", "pyoxigraph", "rdflib", "ghatna", "kg_path", "commit", "bytecode", "load_before", "load_after"):
        L.append(f"- {k.replace('_', ' ')}: {meta.get(k, '—')}")
    L.append("")
    L.append(f"**Sizes run: {', '.join(f'{n:,}' for n in ran)}.**"
             + (f" Not run: {', '.join(f'{n:,}' for n in skipped)}." if skipped else ""))
    L.append("")
    L.append("## Figures")
    L.append("")
    head = ["figure"] + [f"N={n:,}" for n in ran]
    rows: list[list[str]] = []

    def row(name, fn):
        rows.append([name] + [fn(by_n[n]) for n in ran])

    row("corpus size", lambda r: f"{r.corpus_mb:.1f} MB")
    row("events in store", lambda r: r.events or "—")
    row("quads exported (without bookkeeping)", lambda r: f"{r.quads:,}")
    row("`kg build` wall time", lambda r: _fmt(r.build.wall, " s"))
    row("`kg build` CPU time (user+sys, all processes)", lambda r: _fmt(r.build.cpu, " s"))
    row("`kg build` articles/s", lambda r: _fmt(r.n / r.build.wall, "", 1))
    row("`kg build` quads/s", lambda r: _fmt(r.quads / r.build.wall, "", 0))
    row("`kg build` time per article", lambda r: _fmt(r.build.wall / r.n * 1000, " ms"))
    row("`kg build` peak RSS (largest process)", lambda r: _fmt(r.build.maxrss_mb, " MB", 0))
    row("pyoxigraph `Store.bulk_load` of the exported N-Quads (fresh on-disk store)", lambda r: _fmt(r.bulk_s, " s"))
    row("build / bulk_load", lambda r: _fmt(r.build.wall / r.bulk_s, "×"))
    row("`Store.bulk_load` CPU time and peak RSS (its own process)",
        lambda r: f"{_fmt(r.bulk_proc.cpu, ' s')}, {_fmt(r.bulk_proc.maxrss_mb, ' MB', 0)}" if r.bulk_proc else "—")
    row("`kg export --format nquads`", lambda r: _fmt(r.export_s, " s"))
    row("pyoxigraph `Store.dump` (N-Quads, all graphs)", lambda r: _fmt(r.dump_s, " s") + f" ({r.dump_quads:,} quads)")
    row("export / dump", lambda r: _fmt(r.export_s / r.dump_s, "×"))
    row(f"incremental rebuild (1 article changed: a sentence appended){_runs_note(results)}",
        lambda r: _fmt(r.incremental.wall, " s"))
    row("incremental / full build", lambda r: _fmt(100 * r.incremental.wall / r.build.wall, " %", 1))
    row(f"incremental rebuild (1 article changed: a statement added after its events){_runs_note(results)}",
        lambda r: _fmt(r.incremental_event.wall, " s") if r.incremental_event else "—")
    row("incremental / full build", lambda r: _fmt(100 * r.incremental_event.wall / r.build.wall, " %", 1)
        if r.incremental_event else "—")
    labels = list(results[0].queries) if results else []
    for lab in labels:
        row(f"query `{lab}` median (Oxigraph)", lambda r, lab=lab: _qtext(r.queries.get(lab))
            + f" ({r.queries.get(lab, {}).get('rows', 0)} rows)")
    rd = next((r for r in results if r.rdflib), None)
    L.append("| " + " | ".join(head) + " |")
    L.append("|" + "---|" * len(head))
    for rr in rows:
        L.append("| " + " | ".join(x.replace("|", "\\|") for x in rr) + " |")
    L.append("")
    if workers:
        w1, w2 = workers[1], workers[2]
        L.append(f"Extraction alone (as `kg build` runs it: `kg.build._extract_job` in a process pool, chunksize 16) "
                 f"on the N={workers_n:,} corpus: 1 worker {w1.wall:.1f} s wall ({w1.cpu:.1f} s CPU), "
                 f"2 workers {w2.wall:.1f} s wall ({w2.cpu:.1f} s CPU); speed-up **{w1.wall / w2.wall:.2f}×**.")
        L.append("")
    if rd:
        L.append(f"### Stored queries: Oxigraph vs rdflib at N={rd.n:,}")
        L.append("")
        L.append(f"rdflib {meta.get('rdflib')} `Dataset(default_union=True)`, the same query text and bindings "
                 f"(`initBindings`), on the exported N-Quads ({rd.rdflib_quads or 0:,} quads, parsed in "
                 f"{rd.rdflib_load_s or 0:.1f} s). rdflib medians over up to 5 runs (fewer once 30 s were spent). A case 'stopped' ran past the "
                 "time limit in every run; ratios against a stopped case are bounds. 'Same rows' compares the two "
                 "engines' first answers, row by row in order (a GROUP_CONCAT cell's items sorted, since SPARQL "
                 "leaves their order open).")
        L.append("")
        L.append("| query | Oxigraph median | rows | rdflib median | rows | same rows | rdflib / Oxigraph |")
        L.append("|---|---|---|---|---|---|---|")
        for lab, v in rd.queries.items():
            rv = rd.rdflib.get(lab, {})
            a, b = _qms(v), _qms(rv)
            ratio = b / a if a and b else None
            bound = "" if ratio is None else ("≥ " if rv.get("median_ms") is None and v.get("median_ms") is not None
                                             else "≤ " if v.get("median_ms") is None and rv.get("median_ms") is not None
                                             else "? " if v.get("median_ms") is None else "")
            L.append(f"| `{lab}` | {_qtext(v)} | {v.get('rows', '—')} | {_qtext(rv)} | {rv.get('rows', '—')} | "
                     f"{_same_rows(v, rv)} | {bound}{_fmt(ratio, '×', 2)} |")
        L.append("")

    # ---- targets
    L.append("## Targets")
    L.append("")
    L.append("| target | measured | ratio / value | verdict |")
    L.append("|---|---|---|---|")

    def target(name, measured, value, ok):
        L.append(f"| {name} | {measured} | {value} | {_verdict(ok)} |")

    for n in (10000, 100000):
        r = by_n.get(n)
        if r:
            ratio = r.build.wall / r.bulk_s
            target(f"build ≤ 1.5× bulk_load at {n:,}", f"{r.build.wall:.1f} s vs {r.bulk_s:.2f} s", f"{ratio:.1f}×", ratio <= 1.5)
        else:
            target(f"build ≤ 1.5× bulk_load at {n:,}", f"N={n:,} not run", "—", None)
    if workers:
        sp = workers[1].wall / workers[2].wall
        target(f"workers=2 ≥ 1.8× faster extraction than workers=1 (N={workers_n:,})",
               f"{workers[1].wall:.1f} s vs {workers[2].wall:.1f} s", f"{sp:.2f}×", sp >= 1.8)
    else:
        target("workers=2 ≥ 1.8× faster extraction than workers=1", "not run", "—", None)
    r10, r100 = by_n.get(10000), by_n.get(100000)
    if r10 and r100:
        a, b = r10.build.wall / r10.n, r100.build.wall / r100.n
        target("time per article at 100k ≤ 1.25× 10k", f"{b * 1000:.1f} ms vs {a * 1000:.1f} ms", f"{b / a:.2f}×", b / a <= 1.25)
        store_own = (f" (`Store.bulk_load` of the same quads: {r100.bulk_proc.maxrss_mb:,.0f} MB vs "
                     f"{r10.bulk_proc.maxrss_mb:,.0f} MB, {r100.bulk_proc.maxrss_mb / r10.bulk_proc.maxrss_mb:.2f}×)"
                     if r10.bulk_proc and r100.bulk_proc else "")
        target("peak RSS at 100k ≤ 1.25× 10k", f"{r100.build.maxrss_mb:.0f} MB vs {r10.build.maxrss_mb:.0f} MB{store_own}",
               f"{r100.build.maxrss_mb / r10.build.maxrss_mb:.2f}×", r100.build.maxrss_mb / r10.build.maxrss_mb <= 1.25)
    else:
        target("time per article at 100k ≤ 1.25× 10k", "N=100,000 not run" if r10 else "N=10,000/100,000 not run", "—", None)
        target("peak RSS at 100k ≤ 1.25× 10k", "N=100,000 not run" if r10 else "N=10,000/100,000 not run", "—", None)
    if r10:
        worst = max(r10.queries.items(), key=lambda kv: _qms(kv[1]) or float("inf"))
        over = sum(1 for v in r10.queries.values() if (_qms(v) or float("inf")) > 100)
        target("every stored query median ≤ 100 ms at 10k", f"slowest: `{worst[0]}`; {over} of {len(r10.queries)} over 100 ms",
               _qtext(worst[1]), over == 0)
        edits = [p for p in (r10.incremental, r10.incremental_event) if p is not None]   # the slower edit counts
        inc = max(p.wall for p in edits) / r10.build.wall
        target("incremental rebuild ≤ 2% of full build at 10k (the slower edit)",
               " and ".join(f"{p.wall:.2f} s" for p in edits) + f" vs {r10.build.wall:.1f} s", f"{100 * inc:.1f} %",
               inc <= 0.02)
    else:
        target("every stored query median ≤ 100 ms at 10k", "N=10,000 not run", "—", None)
        target("incremental rebuild ≤ 2% of full build at 10k (the slower edit)", "N=10,000 not run", "—", None)
    if rd:
        ratios = []
        for lab, v in rd.queries.items():
            a, b = _qms(v), _qms(rd.rdflib.get(lab))
            if a and b:
                ratios.append((b / a, lab))
        errors = [lab for lab, rv in rd.rdflib.items() if rv.get("error")]
        differ = [lab for lab, v in rd.queries.items() if _same_rows(v, rd.rdflib.get(lab, {})) == "no"]
        if ratios:
            lo = min(ratios)
            target(f"every stored query ≥ 20× faster than rdflib (N={rd.n:,})", f"least: `{lo[1]}`"
                   + (f"; rdflib failed on {', '.join(errors)}" if errors else "")
                   + (f"; different rows from {', '.join(differ)}" if differ else ""),
                   f"{lo[0]:.2f}×", lo[0] >= 20 and not errors)
    else:
        target("every stored query ≥ 20× faster than rdflib", "rdflib not run", "—", None)
    for n in ran:
        r = by_n[n]
        target(f"export ≤ 1.2× dump (N={n:,})", f"{r.export_s:.2f} s vs {r.dump_s:.2f} s", f"{r.export_s / r.dump_s:.2f}×",
               r.export_s / r.dump_s <= 1.2)
    L.append("")
    if len(ran) >= 2:
        a, b = by_n[ran[0]], by_n[ran[-1]]
        L.append(f"Scaling indication: time per article at N={b.n:,} is {(b.build.wall / b.n) / (a.build.wall / a.n):.2f}× "
                 f"that at N={a.n:,}; peak RSS {b.build.maxrss_mb / a.build.maxrss_mb:.2f}×.")
        L.append("")
    L.append("Notes: wall times are single runs (queries" + (" and incremental rebuilds" if _runs_note(results) else "")
             + ": medians). Peak RSS is `ru_maxrss` from `os.wait4`: the "
             "largest resident set among the build process and the workers it reaped, not their sum. The "
             "load average before and after is given above: figures taken while other processes used the "
             "cores are slower than on an idle machine, the CPU-time rows are less affected.")
    L.append("")
    png = plot(out, results)
    if png:
        L.append(f"![time against N]({png.name})")
        L.append("")
    out.write_text("\n".join(L), encoding="utf-8")
    return out


def plot(out: Path, results: list[SizeResult]) -> Path | None:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    ns = [r.n for r in results]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    series = [("kg build", [r.build.wall for r in results]), ("Store.bulk_load", [r.bulk_s for r in results]),
              ("incremental rebuild", [r.incremental.wall for r in results]),
              ("kg export nquads", [r.export_s for r in results]), ("Store.dump", [r.dump_s for r in results])]
    for name, ys in series:
        ax.plot(ns, ys, marker="o", label=name)
    if len(ns) > 1:
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlabel("articles (N)")
    ax.set_ylabel("seconds")
    ax.set_title("Ghatna: time against corpus size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    png = out.with_suffix(".png")
    fig.tight_layout()
    fig.savefig(png, dpi=100)
    plt.close(fig)
    return png


# ------------------------------------------------------------------------------------------ main
def _meta(env: dict, seed: int) -> dict:
    import pyoxigraph
    try:
        import rdflib
        rdflib_v = rdflib.__version__
    except ImportError:
        rdflib_v = "not installed"
    info = run_proc(py("-c", "import kg, sys; print(kg.__version__); print(kg.__file__)"), env=env)
    ver, path = (info.stdout.split("\n") + ["", ""])[:2]
    commit = "—"
    try:
        root = Path(path).resolve().parent.parent
        c = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        d = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "kg"], capture_output=True, text=True)
        if c.returncode == 0:
            commit = c.stdout.strip() + (" (kg/ has uncommitted changes)" if d.stdout.strip() else "")
    except OSError:
        pass
    cpu = platform.processor() or "—"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"), "cores": cores, "cpu": cpu,
            "python": platform.python_version(), "pyoxigraph": pyoxigraph.__version__, "rdflib": rdflib_v,
            "ghatna": ver, "kg_path": path, "commit": commit, "seed": seed,
            "load_before": " / ".join(f"{x:.2f}" for x in os.getloadavg()) + " (1/5/15 min)"}


def run_benchmarks(sizes: list[int], out: Path, workdir: Path, seed: int = 0, runs: int = 5,
                   rdflib_size: int | None = 1000, workers_size: int | None = None, do_workers: bool = True,
                   query_timeout: float = 60.0, log=print) -> Path:
    workdir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.setdefault("PYTHONUNBUFFERED", "1")
    # every kg process reads compiled bytecode, as from an installed package (pip compiles it): without
    # this, where PYTHONDONTWRITEBYTECODE is set and kg runs from a checkout, each process compiled the
    # package again (60 ms of a one-article rebuild); kept under the workdir, not beside the sources
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(workdir.resolve() / "pycache")
    meta = _meta(env, seed)
    meta["bytecode"] = f"compiled once, cached in {env['PYTHONPYCACHEPREFIX']}"
    if rdflib_size is not None and rdflib_size not in sizes:
        small = [n for n in sizes if n <= rdflib_size]
        rdflib_size = max(small) if small else None
    results = []
    for n in sorted(sizes):
        log(f"N={n:,}")
        results.append(bench_size(n, workdir, seed, runs, rdflib=(n == rdflib_size), env=env, log=log,
                                  query_timeout=query_timeout))
    workers = None
    wn = None
    if do_workers:
        wn = workers_size or max(sizes)
        workers = bench_workers(ensure_corpus(wn, workdir, seed, log), env, log)
    meta["workers_n"] = wn
    meta["load_after"] = " / ".join(f"{x:.2f}" for x in os.getloadavg()) + " (1/5/15 min)"
    path = write_report(out, results, workers, wn, meta, sizes)
    (out.with_suffix(".json")).write_text(json.dumps(_as_json(results, workers, meta), indent=1, ensure_ascii=False),
                                          encoding="utf-8")
    for f in _TMP:
        f.unlink(missing_ok=True)
    log(f"wrote {path}")
    return path


def _as_json(results, workers, meta) -> dict:
    def proc(p: Proc | None):
        return None if p is None else {"wall": p.wall, "cpu": p.cpu, "maxrss_mb": p.maxrss_mb}
    return {"meta": meta, "workers": {str(k): proc(v) for k, v in (workers or {}).items()},
            "workers_n": meta.get("workers_n"),
            "sizes": [{"n": r.n, "corpus_mb": r.corpus_mb, "build": proc(r.build), "quads": r.quads,
                       "export_s": r.export_s, "dump_s": r.dump_s, "dump_quads": r.dump_quads, "bulk_load_s": r.bulk_s,
                       "bulk_load": proc(r.bulk_proc),
                       "rdflib_quads": r.rdflib_quads,
                       "incremental": proc(r.incremental), "incremental_event": proc(r.incremental_event),
                       "incremental_walls": r.incremental_walls,
                       "queries": r.queries, "rdflib": r.rdflib,
                       "rdflib_load_s": r.rdflib_load_s, "events": r.events} for r in results]}


def _from_json(path: Path) -> tuple[list[SizeResult], dict[int, Proc] | None, dict]:
    """Results saved by an earlier run (``<out>.json``), to write the report again without measuring."""
    import re
    d = json.loads(path.read_text(encoding="utf-8"))

    def proc(x):
        return None if x is None else Proc(x["wall"], x["cpu"], x["maxrss_mb"], 0, "", "")

    def relabel(q):
        return None if q is None else {re.sub(r"^(\w+) \((\w+)=.*\)$", lambda m: _case_label(m.group(1), {m.group(2): ""}), k): v
                                       for k, v in q.items()}
    results = []
    for x in d["sizes"]:
        r = SizeResult(x["n"], corpus_mb=x["corpus_mb"], build=proc(x["build"]), quads=x["quads"], export_s=x["export_s"],
                       dump_s=x["dump_s"], dump_quads=x.get("dump_quads", 0), bulk_s=x["bulk_load_s"],
                       bulk_proc=proc(x.get("bulk_load")),
                       incremental=proc(x["incremental"]), incremental_event=proc(x.get("incremental_event")),
                       incremental_walls=x.get("incremental_walls") or {},
                       queries=relabel(x["queries"]), rdflib=relabel(x["rdflib"]),
                       rdflib_load_s=x["rdflib_load_s"], rdflib_quads=x.get("rdflib_quads"), events=x["events"])
        results.append(r)
    workers = {int(k): proc(v) for k, v in d["workers"].items()} or None
    return results, workers, d["meta"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.run", description=textwrap.dedent(__doc__.split("\n\n")[0]))
    ap.add_argument("--sizes", default="1000,10000,100000", help="comma-separated corpus sizes (default 1000,10000,100000)")
    ap.add_argument("--out", default="BENCHMARKS.md", help="report file (default BENCHMARKS.md); the plot goes beside it")
    ap.add_argument("--workdir", default=None, help="folder for corpora, stores and exports (default: a folder under /tmp)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--query-runs", type=int, default=5, help="runs per stored query (at least 5)")
    ap.add_argument("--rdflib-size", type=int, default=1000,
                    help="size at which to compare with rdflib (default 1000; the largest size below it if 1000 is not run)")
    ap.add_argument("--workers-size", type=int, default=None, help="corpus for the workers 1 vs 2 comparison (default: largest size)")
    ap.add_argument("--no-workers", action="store_true", help="skip the workers comparison")
    ap.add_argument("--query-timeout", type=float, default=60.0,
                    help="seconds one query case (all its runs) may take before it is stopped (default 60)")
    ap.add_argument("--from-json", default=None, metavar="FILE",
                    help="write the report again from the results an earlier run saved (<out>.json), measuring nothing")
    ap.add_argument("--source-note", default=None,
                    help="with --from-json: text to show as the commit line (e.g. where a snapshot of kg/ came from)")
    args = ap.parse_args(argv)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)   # the report, its plot and JSON go there
    if args.from_json:
        results, workers, meta = _from_json(Path(args.from_json))
        if args.source_note:
            meta["commit"] = args.source_note
        sizes = [int(x) for x in args.sizes.split(",")] if args.sizes != "1000,10000,100000" else [r.n for r in results]
        out = Path(args.out)
        write_report(out, results, workers, meta.get("workers_n") or max(r.n for r in results), meta, sizes)
        if Path(args.from_json).resolve() != out.with_suffix(".json").resolve():
            shutil.copyfile(args.from_json, out.with_suffix(".json"))
        print(f"wrote {out}", file=sys.stderr)
        return 0
    try:
        sizes = sorted({int(s.replace("_", "").replace(",", "")) for s in args.sizes.split(",") if s.strip()})
    except ValueError:
        ap.error(f"--sizes: not a list of integers: {args.sizes!r}")
    if not sizes or min(sizes) < 1:
        ap.error("--sizes: give at least one positive size")
    workdir = Path(args.workdir) if args.workdir else Path("/tmp") / "ghatna-bench"
    run_benchmarks(sizes, Path(args.out), workdir, seed=args.seed, runs=max(5, args.query_runs),
                   rdflib_size=args.rdflib_size, workers_size=args.workers_size, do_workers=not args.no_workers,
                   query_timeout=args.query_timeout,
                   log=lambda m: print(m, file=sys.stderr, flush=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
