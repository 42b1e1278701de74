"""Where ``kg build`` spends its time: one build under cProfile, split by stage.

    python -m benchmarks.profile_build CORPUS [--store DIR] [--out PROFILE.pstats] [--top 25]

Runs :func:`kg.build.build` in this process with one worker (so that extraction is profiled too; worker
processes are invisible to cProfile), into a fresh store (default a folder under /tmp), then prints the
build's own stage timings and the cumulative time of each stage's entry point: extraction
(``kg.build._extract_job``), identity resolution (``kg.components.resolve_on_disk`` and its parts), graph
signatures, quad generation (``kg.rdf.article_quads``), writing (``GraphStore.apply``), flush, compaction
and read view, then the functions with the most own time. cProfile slows Python code down (roughly 1.5–2×), so
read the shares, not the absolute seconds.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

STAGES = [
    ("extraction (kg.build._extract_job)", "kg/build.py", "_extract_job"),
    ("  of which parse_article", "kg/article.py", "parse_article"),
    ("  of which extract (extractors, gazetteer, timex)", "kg/pipeline.py", "extract"),
    ("bookkeeping read (kg.build._load_records)", "kg/build.py", "_load_records"),
    ("records into the temporary file (_Spool.put)", "kg/build.py", "put"),
    ("records read back (_Spool.get)", "kg/build.py", "get"),
    ("identity (kg.components.resolve_on_disk)", "kg/components.py", "resolve_on_disk"),
    ("  of which _within_article", "kg/identity.py", "_within_article"),
    ("  of which _cluster (pairwise agglomeration)", "kg/identity.py", "_cluster"),
    ("  of which _link_statements", "kg/identity.py", "_link_statements"),
    ("  of which _mutual_best", "kg/identity.py", "_mutual_best"),
    ("  of which _make_cluster", "kg/identity.py", "_make_cluster"),
    ("graph signatures (kg.build._signature)", "kg/build.py", "_signature"),
    ("quad generation (kg.rdf.article_quads)", "kg/rdf.py", "article_quads"),
    ("writing (GraphStore.apply)", "kg/store.py", "apply"),
    ("flush", "kg/store.py", "flush"),
    ("compaction (GraphStore.optimize)", "kg/store.py", "optimize"),
    ("read view (publish_view)", "kg/store.py", "publish_view"),
]


def stage_times(stats: pstats.Stats) -> list[tuple[str, float, int]]:
    out = []
    for label, file_end, func in STAGES:
        cum, calls = 0.0, 0
        for (filename, _line, name), (cc, nc, tt, ct, callers) in stats.stats.items():  # type: ignore[attr-defined]
            if name == func and filename.replace("\\", "/").endswith(file_end):
                cum += ct
                calls += nc
        out.append((label, cum, calls))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.profile_build", description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("--store", default=None, help="store folder to build into (removed first; default: a temp folder)")
    ap.add_argument("--out", default=None, help="write the raw profile here (pstats format)")
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args(argv)
    from kg.build import build

    tmp = None
    store = Path(args.store) if args.store else Path(tmp := tempfile.mkdtemp(prefix="ghatna-prof-")) / "kg.oxigraph"
    shutil.rmtree(store, ignore_errors=True)
    shutil.rmtree(str(store) + ".view", ignore_errors=True)
    prof = cProfile.Profile()
    t = time.perf_counter()
    prof.enable()
    report = build([args.corpus], store, workers=1)
    prof.disable()
    wall = time.perf_counter() - t
    if args.out:
        prof.dump_stats(args.out)
    stats = pstats.Stats(prof)
    print(f"build of {report.read} articles under cProfile: {wall:.1f} s; {report.triples:,} quads written")
    print("build's own stage timings (cumulative clock since start for 'extract'):",
          {k: round(v, 2) for k, v in report.timings.items()})
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"\n{'stage':58} {'seconds':>9} {'share':>7} {'calls':>9}")
    for label, cum, calls in stage_times(stats):
        print(f"{label:58} {cum:9.1f} {100 * cum / total:6.1f}% {calls:9,}")
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(args.top)
    print("\n" + "\n".join(buf.getvalue().splitlines()[4:]))
    if tmp:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
