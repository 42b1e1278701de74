"""``kg serve``: the store as a read-only SPARQL 1.1 Protocol endpoint.

Standard library only (``wsgiref`` behind a threading HTTP server). The store is opened read-only
(:func:`kg.store.open_store` with ``read_only=True``: while a ``kg build`` holds the store, that is the
read view the build publishes), and reopened when a build has changed it, so a running endpoint follows
the builds without a restart.

* ``GET /sparql?query=…`` and ``POST /sparql`` with a form (``query=…``) or an
  ``application/sparql-query`` body; ``/`` is the same endpoint.
* The default graph is the union of all graphs (as for ``kg query``); ``default-graph-uri`` and
  ``named-graph-uri`` narrow the dataset as the protocol describes.
* SELECT/ASK results as SPARQL JSON, XML, CSV or TSV; CONSTRUCT/DESCRIBE as Turtle, N-Triples, RDF/XML
  or JSON-LD, chosen by the ``Accept`` header or a ``format=`` (or ``output=``) parameter (``json``,
  ``xml``, ``csv``, ``tsv``, ``turtle``, ``ntriples``, ``rdfxml``, ``jsonld`` or a media type).
* Updates are refused: an ``update=`` parameter or an ``application/sparql-update`` body gets
  ``403 Forbidden``, an update sent as a query ``400 Bad Request``, each with a one-line message.
"""
from __future__ import annotations

import os
import threading
import time
from http import HTTPStatus
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Callable, Iterable
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server as _wsgi_make_server

import pyoxigraph as ox

from .errors import GhatnaError
from .export import PREFIXES as _PREFIXES
from .queries import _UPDATE_KEYWORDS, _leading_keyword
from .store import GraphStore, default_store_path, open_store, view_path, writer_active

__all__ = ["make_app", "make_server", "serve", "SparqlApp", "MAX_QUERY_BYTES"]

#: Largest request body accepted (a query is text; anything bigger is refused with 413).
MAX_QUERY_BYTES = 1_000_000

_R = ox.QueryResultsFormat
_G = ox.RdfFormat
# (media type, format) in order of preference; the first one is the default.
_RESULT_TYPES: list[tuple[str, ox.QueryResultsFormat]] = [
    ("application/sparql-results+json", _R.JSON),
    ("application/sparql-results+xml", _R.XML),
    ("text/csv", _R.CSV),
    ("text/tab-separated-values", _R.TSV),
    ("application/json", _R.JSON),
    ("application/xml", _R.XML),
    ("text/xml", _R.XML),
]
_GRAPH_TYPES: list[tuple[str, ox.RdfFormat]] = [
    ("text/turtle", _G.TURTLE),
    ("application/n-triples", _G.N_TRIPLES),
    ("application/rdf+xml", _G.RDF_XML),
    ("application/ld+json", _G.JSON_LD),
    ("application/x-turtle", _G.TURTLE),
    ("text/plain", _G.N_TRIPLES),
    ("application/xml", _G.RDF_XML),
    ("text/xml", _G.RDF_XML),
    ("application/json", _G.JSON_LD),
]
# format=/output= short names → (media type for results, media type for graphs)
_FORMAT_NAMES: dict[str, tuple[str | None, str | None]] = {
    "json": ("application/sparql-results+json", "application/ld+json"),
    "srj": ("application/sparql-results+json", None),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "srx": ("application/sparql-results+xml", None),
    "csv": ("text/csv", None),
    "tsv": ("text/tab-separated-values", None),
    "turtle": (None, "text/turtle"),
    "ttl": (None, "text/turtle"),
    "n3": (None, "text/turtle"),
    "ntriples": (None, "application/n-triples"),
    "nt": (None, "application/n-triples"),
    "n-triples": (None, "application/n-triples"),
    "rdfxml": (None, "application/rdf+xml"),
    "rdf+xml": (None, "application/rdf+xml"),
    "rdf": (None, "application/rdf+xml"),
    "jsonld": (None, "application/ld+json"),
    "json-ld": (None, "application/ld+json"),
}


class _HttpError(Exception):
    def __init__(self, status: HTTPStatus, message: str, headers: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or []


def _parse_accept(header: str) -> list[tuple[str, float]]:
    """``Accept`` media ranges with their q-values, best first (stable for equal q)."""
    out = []
    for i, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        out.append((fields[0].lower(), q, i))
    out.sort(key=lambda t: (-t[1], t[2]))
    return [(m, q) for m, q, _ in out if q > 0]


def _negotiate(accept: str | None, offers: list[tuple[str, object]]) -> tuple[str, object] | None:
    """The offer the client prefers (first offer when no Accept or ``*/*``); None if none is acceptable.

    >>> _negotiate("text/csv;q=0.5, application/sparql-results+xml", _RESULT_TYPES)[0]
    'application/sparql-results+xml'
    >>> _negotiate("image/png", _RESULT_TYPES) is None
    True
    """
    if not accept or not accept.strip():
        return offers[0]
    for media, _q in _parse_accept(accept):
        if media == "*/*":
            return offers[0]
        if media.endswith("/*"):
            major = media[:-1]
            for offer in offers:
                if offer[0].startswith(major):
                    return offer
            continue
        for offer in offers:
            if offer[0] == media:
                return offer
    return None


def _pick_format(params: dict[str, list[str]], accept: str | None, graph: bool) -> tuple[str, object]:
    offers = _GRAPH_TYPES if graph else _RESULT_TYPES
    name = (params.get("format") or params.get("output") or [None])[-1]
    if name:
        key = name.strip().lower()
        if key in _FORMAT_NAMES:
            media = _FORMAT_NAMES[key][1 if graph else 0]
            if media is None:
                raise _HttpError(HTTPStatus.NOT_ACCEPTABLE,
                                 f"format {name!r} cannot hold a {'graph' if graph else 'SELECT/ASK'} result; "
                                 f"use one of: {', '.join(_names_for(graph))}")
            return next(o for o in offers if o[0] == media)
        found = _negotiate(key, offers)  # a media type given as format=
        if found is None:
            raise _HttpError(HTTPStatus.NOT_ACCEPTABLE,
                             f"unknown format {name!r}; use one of: {', '.join(_names_for(graph))}")
        return found
    found = _negotiate(accept, offers)
    if found is None:
        raise _HttpError(HTTPStatus.NOT_ACCEPTABLE,
                         f"none of the accepted media types ({accept}) can hold this result; available: "
                         + ", ".join(dict.fromkeys(m for m, _ in offers)))
    return found


def _names_for(graph: bool) -> list[str]:
    return [k for k, v in _FORMAT_NAMES.items() if v[1 if graph else 0]]


class SparqlApp:
    """A WSGI application answering SPARQL 1.1 Protocol queries over a Ghatna store, read-only."""

    def __init__(self, store_path: str | Path | None, *, max_concurrent: int = 4,
                 check_interval: float = 1.0) -> None:
        self.store_path = str(store_path or default_store_path())
        self.check_interval = check_interval
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(max_concurrent)
        self._gs: GraphStore = open_store(self.store_path, read_only=True)
        self._stamp = self._current_stamp()
        self._checked = time.monotonic()

    # -------------------------------------------------------------- store generations
    def _current_stamp(self) -> tuple:
        """What changes when a build completes: the writer lock, the view folder and the store's manifest."""
        p = Path(self.store_path)
        stamp: list = [writer_active(p)]
        for folder in (p, Path(view_path(p))):
            try:
                manifest = (folder / "CURRENT").read_text().strip()
                m = os.stat(folder / manifest)
                stamp.append((os.stat(folder).st_ino, manifest, m.st_mtime_ns, m.st_size))
            except OSError:
                stamp.append(None)
        return tuple(stamp)

    def current(self) -> GraphStore:
        """The store to query, reopened when a build has finished since the last look. Hold the returned
        object while its results are read: a snapshot of a read view is removed when it goes."""
        now = time.monotonic()
        with self._lock:
            if now - self._checked >= self.check_interval:
                self._checked = now
                stamp = self._current_stamp()
                if stamp != self._stamp:
                    try:
                        self._gs = open_store(self.store_path, read_only=True)
                        self._stamp = stamp
                    except GhatnaError:
                        pass  # keep serving the state we have (e.g. a build is running, no view yet)
            return self._gs

    def close(self) -> None:
        with self._lock:
            self._gs.close()

    # -------------------------------------------------------------- WSGI
    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        try:
            status, headers, body = self._handle(environ)
        except _HttpError as e:
            status, headers, body = e.status, [("Content-Type", "text/plain; charset=utf-8"), *e.headers], \
                (e.message.rstrip("\n") + "\n").encode("utf-8")
        headers = [*headers, ("Content-Length", str(len(body))), ("Access-Control-Allow-Origin", "*"),
                   ("Vary", "Accept")]
        start_response(f"{status.value} {status.phrase}", headers)
        return [b"" if environ.get("REQUEST_METHOD") == "HEAD" else body]

    def _handle(self, environ: dict) -> tuple[HTTPStatus, list[tuple[str, str]], bytes]:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        path = environ.get("PATH_INFO", "/") or "/"
        if path not in ("/", "/sparql", "/sparql/", "/query"):
            raise _HttpError(HTTPStatus.NOT_FOUND, f"no such resource {path!r}; the SPARQL endpoint is /sparql")
        if method == "OPTIONS":
            return HTTPStatus.NO_CONTENT, [("Allow", "GET, HEAD, POST, OPTIONS"),
                                           ("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS"),
                                           ("Access-Control-Allow-Headers", "Content-Type, Accept")], b""
        params = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        query: str | None = None
        if method in ("GET", "HEAD"):
            pass
        elif method == "POST":
            ctype = (environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
            body = self._body(environ)
            if ctype == "application/sparql-update":
                raise _HttpError(HTTPStatus.FORBIDDEN, "this SPARQL endpoint is read-only: updates are not accepted")
            if ctype == "application/sparql-query":
                query = self._decode(body)
            elif ctype in ("application/x-www-form-urlencoded", ""):
                for k, v in parse_qs(self._decode(body), keep_blank_values=True).items():
                    params.setdefault(k, []).extend(v)
            else:
                raise _HttpError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                                 f"unsupported Content-Type {ctype!r}; send application/sparql-query or "
                                 "application/x-www-form-urlencoded")
        else:
            raise _HttpError(HTTPStatus.METHOD_NOT_ALLOWED, f"method {method} is not allowed; use GET or POST",
                             [("Allow", "GET, HEAD, POST, OPTIONS")])
        if "update" in params:
            raise _HttpError(HTTPStatus.FORBIDDEN, "this SPARQL endpoint is read-only: updates are not accepted")
        if query is None:
            queries = params.get("query", [])
            if len(queries) > 1:
                raise _HttpError(HTTPStatus.BAD_REQUEST, "give one query parameter, not several")
            if not queries:
                if method in ("GET", "HEAD") and not params:
                    return HTTPStatus.OK, [("Content-Type", "text/plain; charset=utf-8")], _HELP.encode()
                raise _HttpError(HTTPStatus.BAD_REQUEST, "missing query parameter (…/sparql?query=SELECT…)")
            query = queries[0]
        if not query.strip():
            raise _HttpError(HTTPStatus.BAD_REQUEST, "the query is empty")
        keyword = _leading_keyword(query)
        if keyword in _UPDATE_KEYWORDS:
            raise _HttpError(HTTPStatus.BAD_REQUEST,
                             f"this SPARQL endpoint is read-only: {keyword} is an update, not a query")
        return self._run(query, params, environ.get("HTTP_ACCEPT"))

    @staticmethod
    def _decode(body: bytes) -> str:
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError as e:
            raise _HttpError(HTTPStatus.BAD_REQUEST, f"the request body is not UTF-8 ({e})") from e

    @staticmethod
    def _body(environ: dict) -> bytes:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise _HttpError(HTTPStatus.BAD_REQUEST, "bad Content-Length") from None
        if length > MAX_QUERY_BYTES:
            raise _HttpError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                             f"request body of {length:,} bytes is over the limit of {MAX_QUERY_BYTES:,}")
        return environ["wsgi.input"].read(length) if length else b""

    def _run(self, query: str, params: dict[str, list[str]], accept: str | None):
        kwargs: dict = {}
        try:
            if params.get("default-graph-uri"):
                kwargs["default_graph"] = [ox.NamedNode(u) for u in params["default-graph-uri"]]
            else:
                kwargs["use_default_graph_as_union"] = True
            if params.get("named-graph-uri"):
                kwargs["named_graphs"] = [ox.NamedNode(u) for u in params["named-graph-uri"]]
        except ValueError as e:
            raise _HttpError(HTTPStatus.BAD_REQUEST, f"bad graph IRI: {e}") from e
        with self._slots:
            try:
                gs = self.current()   # kept alive until the response is serialised
                result = gs.store.query(query, **kwargs)
            except SyntaxError as e:
                raise _HttpError(HTTPStatus.BAD_REQUEST, f"SPARQL syntax error: {e}") from e
            except (OSError, RuntimeError, ValueError) as e:
                raise _HttpError(HTTPStatus.INTERNAL_SERVER_ERROR, f"query failed: {e}") from e
            graph = isinstance(result, ox.QueryTriples)
            media, fmt = _pick_format(params, accept, graph)
            try:
                if graph:
                    data = ox.serialize(result, format=fmt,
                                        prefixes=_PREFIXES if fmt in (_G.TURTLE, _G.RDF_XML) else None)
                else:
                    data = result.serialize(format=fmt)
            except (OSError, RuntimeError, ValueError) as e:
                raise _HttpError(HTTPStatus.INTERNAL_SERVER_ERROR, f"query failed: {e}") from e
        charset = "" if media.endswith("+json") or media == "application/json" else "; charset=utf-8"
        return HTTPStatus.OK, [("Content-Type", media + charset)], data


_HELP = """Ghatna SPARQL endpoint (read-only).

GET  /sparql?query=SELECT...                      (URL-encoded query)
POST /sparql  Content-Type: application/x-www-form-urlencoded   query=...
POST /sparql  Content-Type: application/sparql-query            (the query as the body)

Results: Accept: application/sparql-results+json | application/sparql-results+xml | text/csv |
text/tab-separated-values; graphs: text/turtle | application/n-triples | application/rdf+xml |
application/ld+json; or format=json|xml|csv|tsv|turtle|ntriples|rdfxml|jsonld.
The default graph is the union of all graphs. Updates are refused.
"""


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        if getattr(self.server, "verbose", False):
            super().log_message(format, *args)


def make_app(store_path: str | Path | None = None, **options) -> SparqlApp:
    """The WSGI application serving ``store_path`` (default ``$KG_STORE`` or ``./kg.oxigraph``) read-only;
    raises :class:`kg.errors.StoreError` when there is no store there."""
    return SparqlApp(store_path, **options)


def make_server(store_path: str | Path | None = None, host: str = "127.0.0.1", port: int = 7878, *,
                verbose: bool = False, **options) -> WSGIServer:
    """A threading HTTP server for :func:`make_app` (``port=0`` picks a free port: see
    ``server.server_address``); call ``serve_forever()`` on it, ``shutdown()`` from another thread."""
    app = make_app(store_path, **options)
    try:
        server = _wsgi_make_server(host, port, app, server_class=_ThreadingWSGIServer,
                                   handler_class=_QuietHandler)
    except OSError as e:
        app.close()
        raise GhatnaError(f"cannot listen on {host}:{port} ({e.strerror or e})") from e
    server.verbose = verbose  # type: ignore[attr-defined]
    server.app = app  # type: ignore[attr-defined]
    return server


def serve(store_path: str | Path | None = None, host: str = "127.0.0.1", port: int = 7878, *,
          verbose: bool = True, ready: Callable[[str], None] | None = None, **options) -> None:
    """Serve the store at ``http://host:port/sparql`` until interrupted (Ctrl-C)."""
    server = make_server(store_path, host, port, verbose=verbose, **options)
    h, p = server.server_address[:2]
    url = f"http://{'[' + h + ']' if ':' in str(h) else h}:{p}/sparql"
    if ready:
        ready(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        server.app.close()  # type: ignore[attr-defined]
