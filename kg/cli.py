"""The ``kg`` command: a thin click layer over the library. Each command parses options, calls one
library function, and turns library errors into one-line messages with a non-zero exit code."""
from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import sys
from pathlib import Path

import click

from . import __version__
from .errors import GhatnaError

EXIT_SKIPPED = 3  # kg build finished but skipped files it could not read

_STORE_HELP = ("Store folder, or the query endpoint URL of a SPARQL 1.1 server (login from $KG_SPARQL_USER and "
               "$KG_SPARQL_PASSWORD) (default: $KG_STORE or ./kg.oxigraph).")


def _errors(fn):
    """Turn library errors into ``Error: <one line>`` and exit code 1: no tracebacks for user errors."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from .queries import QueryError
        try:
            return fn(*args, **kwargs)
        except (GhatnaError, QueryError) as e:
            raise click.ClickException(str(e).splitlines()[0] if str(e) else type(e).__name__) from e
        except KeyboardInterrupt:
            raise click.Abort() from None
    return wrapper


def _store_option(f):
    return click.option("--store", "store", envvar="KG_STORE", default="kg.oxigraph", show_default=True,
                        help=_STORE_HELP, metavar="DIR|URL")(f)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="kg (Ghatna)")
def main() -> None:
    """Ghatna (घटना): Hindi news articles → an event knowledge graph you can query.

    \b
    Example:
      kg build seeds/ && kg query meetings
    """


# ------------------------------------------------------------------------------------------ build
@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@_store_option
@click.option("--published", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Publication date for articles that carry none.")
@click.option("--strict", is_flag=True, help="Fail, writing nothing, when any file cannot be read.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=5 * 1024 * 1024, show_default=True,
              help="Largest article file accepted.")
@click.option("--max-files", type=click.IntRange(min=1), default=None, help="Most articles accepted in one build.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Extraction processes (default: the number of cores).")
@click.option("--cluster", metavar="ADDRESS|local",
              help="Extract on a dask.distributed cluster (pip install 'ghatna[dask]'); 'local' starts one.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@_errors
def build(paths, store, published, strict, max_bytes, max_files, workers, cluster, quiet):
    """Build or update the graph from .txt articles (files or folders; default ./seeds).

    Unchanged articles are skipped; an edited article's graph is replaced; running twice changes
    nothing. Files that cannot be read are skipped with a warning and exit code 3.

    \b
    Example:
      kg build seeds/ --store kg.oxigraph
    """
    from .build import build as run_build

    progress = None
    bar = None
    if not quiet and sys.stderr.isatty():  # quiet when not a terminal (logs, pipes, CI)
        import time as _time
        started = _time.perf_counter()

        def progress(done: int, total: int) -> None:
            nonlocal bar
            if bar is None and total >= 20:
                bar = click.progressbar(length=total, label="extracting", file=sys.stderr, show_pos=True,
                                        show_eta=True, item_show_func=lambda rate: rate)
                bar.__enter__()
            if bar is not None:
                rate = done / max(_time.perf_counter() - started, 1e-9)
                bar.update(1, f"{rate:,.0f} articles/s")
    try:
        report = run_build(list(paths) or ["seeds"], store,
                           published=published.date() if published else None, strict=strict,
                           max_bytes=max_bytes, max_files=max_files, workers=workers, cluster=cluster,
                           progress=progress)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    for path, reason in report.skipped:
        click.echo(f"warning: skipped {path}: {reason}", err=True)
    if not quiet:
        events = ", ".join(f"{t} {report.events.get(t, 0)}" for t in ("Meeting", "Statement", "TroopDeployment", "Treaty"))
        rate = report.read / report.seconds if report.seconds else 0
        click.echo(f"{store}: {report.read} articles read ({report.extracted} extracted, {report.unchanged} unchanged), "
                   f"{len(report.skipped)} skipped; {report.articles_in_store} in store")
        click.echo(f"events: {events}; {report.triples} triples; {report.written} graphs written; "
                   f"{report.seconds:.2f} s ({rate:.0f} articles/s)")
    if report.skipped:
        sys.exit(EXIT_SKIPPED)


@main.command()
@click.argument("articles", nargs=-1, required=True)
@_store_option
@_errors
def remove(articles, store):
    """Retract articles by name: events only they reported disappear, others lose them as a source.

    \b
    Example:
      kg remove 003_b809a8d0328b69a2
    """
    from .build import remove as run_remove

    report = run_remove(list(articles), store)
    click.echo(f"{store}: removed {len(articles)}; {report.articles_in_store} articles remain; "
               f"{report.written} graphs rewritten")


# ------------------------------------------------------------------------------------------ query
@main.command()
@click.argument("name_or_file")
@_store_option
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE",
              help="Bind a query variable (repeatable); values are bound as RDF terms, never pasted.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "markdown"]), default="table",
              show_default=True)
@click.option("--full", is_flag=True, help="Show long values (quotes, sentences) whole in tables.")
@click.option("--update", is_flag=True, help="Allow a SPARQL Update in a user .rq file (writes the store).")
@click.option("--timeout", type=click.FloatRange(min=0.01), default=60, show_default=True,
              help="Seconds before a long query is stopped.")
@_errors
def query(name_or_file, store, params, fmt, full, update, timeout):
    """Run a stored query by name (see `kg queries`) or a .rq file.

    \b
    Examples:
      kg query meetings
      kg query statements --param speaker=पुतिन --format json
    """
    from .queries import load_query, run_query, to_sparql_json
    from .store import open_store

    q = load_query(name_or_file)
    gs = open_store(store, read_only=not update, create=False)
    result = _with_timeout(lambda: run_query(gs.store, q, list(params), update=update), timeout,
                           f"query {q.name!r} stopped after {timeout:g} s (raise --timeout to let it run longer)")
    if result.kind == "update":
        gs.flush()
        gs.publish_view()  # readers during a later build must see the update too
        click.echo("update applied")
        return
    if fmt == "json":
        click.echo(json.dumps(to_sparql_json(result), ensure_ascii=False, indent=2))
        return
    if result.kind == "ask":
        click.echo("true" if result.boolean else "false")
        return
    rows = result.texts()
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        w = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        w.writerow(result.variables)
        w.writerows(rows)
        click.echo(buf.getvalue(), nl=False)
    elif fmt == "markdown":
        click.echo(_markdown(result.variables, rows))
    else:
        click.echo(format_table(result.variables, rows, None if full else 40))
        click.echo(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")


def _with_timeout(fn, seconds: float, message: str):
    """Run ``fn`` in a worker thread; past ``seconds`` give up with ``message`` (the process then exits,
    which ends the abandoned query)."""
    import threading

    box: dict = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as e:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = e

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(seconds)
    if t.is_alive():
        raise GhatnaError(message)
    if "error" in box:
        raise box["error"]
    return box["value"]


def _width(s: str) -> int:
    from wcwidth import wcswidth
    w = wcswidth(s)
    return w if w >= 0 else len(s)


def _truncate(s: str, limit: int | None) -> str:
    s = " ".join(s.split())
    if limit is None or _width(s) <= limit:
        return s
    out = ""
    for ch in s:
        if _width(out + ch) > limit - 1:
            break
        out += ch
    return out + "…"


def format_table(headers: list[str], rows: list[list[str]], limit: int | None = 48) -> str:
    """A plain-text table aligned by display width (Devanagari vowel signs take no column)."""
    keep = [i for i in range(len(headers)) if not rows or any(r[i] for r in rows)]  # drop all-empty columns
    headers = [headers[i] for i in keep]
    cells = [[_truncate(r[i], limit) for i in keep] for r in rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(headers)]

    def line(values: list[str]) -> str:
        return "  ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths)).rstrip()

    return "\n".join([line(headers), line(["─" * w for w in widths])] + [line(r) for r in cells])


def _markdown(headers: list[str], rows: list[list[str]]) -> str:
    esc = lambda s: " ".join(s.split()).replace("|", "\\|")  # noqa: E731
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


@main.command()
@_errors
def queries():
    """List the stored queries with their descriptions and parameters.

    \b
    Example:
      kg queries
    """
    from .queries import list_queries

    for q in list_queries():
        click.echo(f"{q.name:<12} {q.description}")
        for p, d in q.params.items():
            click.echo(f"{'':<12}   --param {p}=…  {d}")


def _drawing_options(focus_help: str):
    """The options every drawing command shares: label language, focus, event types, time window, title."""
    options = [
        click.option("--lang", type=click.Choice(["hi", "en"]), default="hi", show_default=True,
                     help="Label language."),
        click.option("--focus", help=focus_help),
        click.option("--type", "types", multiple=True,
                     type=click.Choice(["Meeting", "Statement", "TroopDeployment", "Treaty"]),
                     help="Only these event types."),
        click.option("--since", metavar="YYYY[-MM[-DD]]", help="Only events dated on or after this."),
        click.option("--until", metavar="YYYY[-MM[-DD]]", help="Only events dated on or before this."),
        click.option("--title", help="Title for the drawing."),
    ]

    def deco(f):
        for option in reversed(options):
            f = option(f)
        return f
    return deco


# ------------------------------------------------------------------------------------------ export, viz
@main.command()
@_store_option
@click.option("--format", "fmt", type=click.Choice(["turtle", "trig", "nquads", "ntriples", "jsonld"]),
              default="turtle", show_default=True,
              help="turtle/ntriples flatten the graphs; trig/nquads/jsonld keep them.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="File to write (default: stdout).")
@_errors
def export(store, fmt, output):
    """Write the whole graph (ontology, gazetteer, articles) as RDF.

    \b
    Example:
      kg export --format nquads -o graph.nq
    """
    from .export import export as run_export
    from .store import open_store

    gs = open_store(store, read_only=True)
    if output:
        tmp = Path(output).with_name(Path(output).name + ".part")
        try:
            run_export(gs, fmt, str(tmp))
            tmp.replace(output)
        except OSError as e:
            tmp.unlink(missing_ok=True)
            raise GhatnaError(f"{output}: cannot write ({e.strerror or e})") from e
    else:
        sys.stdout.buffer.write(run_export(gs, fmt) or b"")
        sys.stdout.flush()


@main.command()
@_store_option
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="FILE.png|svg|pdf|html|graphml|gexf (the suffix picks the format).")
@_drawing_options("Only what lies within --hops of this entity (IRI or name).")
@click.option("--hops", type=click.IntRange(min=0), default=2, show_default=True)
@_errors
def viz(store, output, lang, focus, hops, types, since, until, title):
    """Draw the event graph: entities and events as nodes, roles as labelled edges.

    \b
    Examples:
      kg viz -o graph.png
      kg viz -o graph.html --focus पुतिन --since 2025-01
    """
    from .store import open_store
    from .viz import event_graph, render

    gs = open_store(store, read_only=True)
    graph = event_graph(gs.store, focus=focus, hops=hops, types=set(types) or None, since=since, until=until,
                        lang=lang)
    for notice in render(graph, output, lang=lang, title=title):
        click.echo(f"notice: {notice}", err=True)
    click.echo(f"wrote {output} ({graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges)")


@main.command()
@_store_option
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="FILE.png|svg|pdf|html (the suffix picks the format).")
@click.option("--lanes", type=click.Choice(["type", "actor"]), default="type", show_default=True,
              help="One lane per event type, or per person/country taking part.")
@_drawing_options("Only events this entity (IRI or name) takes part in.")
@_errors
def timeline(store, output, lanes, lang, focus, types, since, until, title):
    """Draw events on a time axis, one lane per event type or per actor; undated events listed apart.

    \b
    Examples:
      kg timeline -o timeline.png
      kg timeline -o timeline.html --lanes actor --focus पुतिन
    """
    from .store import open_store
    from .timeline import render_timeline, timeline_data

    gs = open_store(store, read_only=True)
    data = timeline_data(gs.store, lanes=lanes, types=set(types) or None, since=since, until=until, focus=focus,
                         lang=lang)
    for notice in render_timeline(data, output, lang=lang, title=title):
        click.echo(f"notice: {notice}", err=True)
    click.echo(f"wrote {output} ({data['n_dated']} dated events, {data['n_undated']} undated)")


# ------------------------------------------------------------------------------------------ checks
@main.command()
@_store_option
@click.option("--verbose", is_flag=True, help="Print pySHACL's full report.")
@_errors
def validate(store, verbose):
    """Check the store against the SHACL shapes in ontology/, every evidence offset, and that every graph
    that describes an event holds all of its description.

    \b
    Example:
      kg validate
    """
    from .store import open_store
    from .validate import validate as run_validate

    report = run_validate(open_store(store, read_only=True))
    if verbose or not report.conforms:
        click.echo(report.shacl_text.rstrip())
    for err in report.offset_errors:
        click.echo(f"offset error: {err}")
    for err in report.description_errors:
        click.echo(f"description error: {err}")
    if not report.conforms:
        raise click.ClickException(f"{store}: does not conform ({report.violations} SHACL violations, "
                                   f"{len(report.offset_errors)} offset errors, "
                                   f"{len(report.description_errors)} events described in part)")
    click.echo(f"{store}: conforms ({report.triples} triples, every evidence offset slices its article exactly, "
               "every event is described whole in each of its graphs)")


@main.command()
@_store_option
@_errors
def stats(store):
    """Counts per event type, entity kind and article.

    \b
    Example:
      kg stats
    """
    from .stats import stats as run_stats
    from .store import open_store

    for section, rows in run_stats(open_store(store, read_only=True)).items():
        click.echo(section)
        for k, v in rows:
            click.echo(f"  {k:<28} {v}")


@main.command()
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--entities", type=click.Path(exists=True, dir_okay=False),
              help="Entities file (default: entities.json next to GOLD).")
@_store_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_errors
def evaluate(gold, entities, store, fmt):
    """Score the store against gold annotations: precision, recall, F1, duplicates, argument accuracy.

    \b
    Example:
      kg build seeds && kg evaluate tests/data/gold/seeds.gold.json
    """
    from .evaluate import evaluate_store, render_text
    from .store import open_store

    report = evaluate_store(open_store(store, read_only=True).store, gold, entities)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(report))


@main.command()
@click.argument("target", type=click.Path(file_okay=False))
@_store_option
@_errors
def backup(target, store):
    """Make a consistent copy of the store in TARGET (a new folder), safe while it is in use.

    \b
    Example:
      kg backup backups/kg-2025-09-03
    """
    from .errors import StoreLockedError
    from .store import is_server_url, open_store, writer_active

    if is_server_url(store):
        raise GhatnaError(f"{store}: kg backup copies a store folder; back up a SPARQL server with its own tools")
    note = ""
    try:
        if writer_active(store):
            raise StoreLockedError(store)
        gs = open_store(store, create=False)  # holding the lock: no writer starts during the copy
    except StoreLockedError:
        # another process writes: copy the read view, the last state a build completed
        gs = open_store(store, read_only=True)
        note = " (the last completed build; another process is writing the store)"
    gs.backup(target)
    click.echo(f"backed up {store} to {target}{note}")


@main.command()
@_store_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=7878, show_default=True)
@_errors
def serve(store, host, port):
    """Publish the store as a read-only SPARQL 1.1 Protocol endpoint (JSON, XML, CSV, TSV).

    \b
    Example:
      kg serve --port 7878   # then: curl 'http://127.0.0.1:7878/sparql?query=ASK{?s ?p ?o}'
    """
    from .serve import serve as run_serve
    from .store import is_server_url, open_store

    if is_server_url(store):
        raise GhatnaError(f"{store}: kg serve publishes a store folder; a SPARQL server is an endpoint already")
    open_store(store, read_only=True).close()  # a clear error now rather than on the first request
    run_serve(store, host=host, port=port, ready=lambda url: click.echo(f"serving {store} read-only at {url}"))


@main.command()
def extractors():
    """List the registered extractors.

    \b
    Example:
      kg extractors
    """
    from .extractors import registry

    for name, factory in sorted(registry().items()):
        doc = (factory.__module__ and sys.modules[factory.__module__].__doc__ or "").strip().splitlines()[0]
        click.echo(f"{name:<16} {doc}")


if __name__ == "__main__":  # pragma: no cover
    main()
