"""A Ghatna store on a SPARQL 1.1 server (Virtuoso, Fuseki, GraphDB, …) instead of the embedded Oxigraph.

:class:`RemoteStore` offers what :func:`kg.build.build` and the read commands use on
:class:`kg.store.GraphStore`: ``ensure_static``, ``articles``, ``apply``, ``flush``, ``close``,
``publish_view``, ``quads``, ``graph_names``, and a ``store`` attribute with ``query``/``update``/
``quads_for_pattern``/``named_graphs`` so :func:`kg.queries.run_query` runs the stored queries on it
unchanged (``run_query(remote.store, "meetings")``).

* Endpoints: the query URL, plus an update URL and a SPARQL 1.1 Graph Store HTTP Protocol (GSP) URL,
  given or derived from the query URL (Virtuoso: ``/sparql`` → ``/sparql-auth`` and
  ``/sparql-graph-crud-auth``; Fuseki-style ``/DATASET/query`` or ``/DATASET/sparql`` → ``/DATASET/update``
  and ``/DATASET/data``).
* Credentials come from the environment only: ``KG_SPARQL_USER`` and ``KG_SPARQL_PASSWORD`` (HTTP Basic
  or Digest, whichever the server asks for), never from the command line.
* Each article graph is replaced with one request: a GSP ``PUT`` of its N-Triples (``method="gsp"``, the
  default) or one SPARQL Update ``DROP SILENT GRAPH … ; INSERT DATA …`` (``method="update"``). Its
  bookkeeping record is written after it, so, as in the embedded store, a record marks a complete graph.
  A SPARQL server gives no transaction across requests: a crash midway leaves graphs without records,
  which the next ``kg build`` rewrites.
* Parameters (pyoxigraph *substitutions*) are sent as a ``VALUES`` block at the top of the query's
  outermost group, with each value serialised as an RDF term (IRIs checked, literals escaped): a user's
  string is never pasted into the query text as SPARQL.
* The server must query the union of all graphs as its default graph (Virtuoso does; Fuseki needs
  ``tdb2:unionDefaultGraph true``).
"""
from __future__ import annotations

import base64
import hashlib
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from typing import Any

import pyoxigraph as ox
from pyoxigraph import Literal, NamedNode, Quad

from .errors import StoreError
from .rdf import GRAPH_BUILD, GRAPH_ENTITIES, GRAPH_ONTOLOGY, article_iri
from .resources import ontology_dir
from .store import (FORMAT_VERSION, P_FORMAT, P_NIF_IS_STRING, P_RESOURCE_HASH, P_VERSION, STORE_NODE,
                    GraphStore, _record, _skolemize, records_from_quads)

__all__ = ["RemoteStore", "open_remote", "bind_values", "USER_ENV", "PASSWORD_ENV"]

USER_ENV = "KG_SPARQL_USER"
PASSWORD_ENV = "KG_SPARQL_PASSWORD"
_XML = ox.QueryResultsFormat.XML


# ----------------------------------------------------------------------------- substitutions → VALUES

_TOKEN_RE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''  # long strings
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''                               # strings
    r'|<[^<>"{}|^`\\\s]*>'                                                       # IRIs
    r'|#[^\n]*'                                                                  # comments
    r'|[A-Za-z_]+|[{}()]|\s+|.', re.S)


def _where_brace(query: str) -> int:
    """Offset of the ``{`` opening the query's outermost WHERE group (after a CONSTRUCT template)."""
    depth_paren = 0
    form = None
    after_where = False
    template_done = False
    pos = 0
    for m in _TOKEN_RE.finditer(query):
        tok = m.group(0)
        pos = m.start()
        word = tok.upper() if tok[0].isalpha() else None
        if word in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE") and form is None:
            form = word
        elif word == "WHERE":
            after_where = True
        elif tok == "(":
            depth_paren += 1
        elif tok == ")":
            depth_paren -= 1
        elif tok == "{" and depth_paren == 0 and form is not None:
            if form == "CONSTRUCT" and not after_where and not template_done:
                template_done = True  # skip the template: find its closing brace
                depth = 0
                for n in _TOKEN_RE.finditer(query, pos):
                    if n.group(0) == "{":
                        depth += 1
                    elif n.group(0) == "}":
                        depth -= 1
                        if depth == 0:
                            return _where_brace_from(query, n.end())
                break
            return pos
    raise ValueError("no WHERE group found in the query")


def _where_brace_from(query: str, start: int) -> int:
    for m in _TOKEN_RE.finditer(query, start):
        if m.group(0) == "{":
            return m.start()
    raise ValueError("no WHERE group found in the query")


def _term_text(term: Any) -> str:
    if isinstance(term, (NamedNode, Literal)):
        return str(term)  # N-Triples syntax: IRIs validated by pyoxigraph, literals escaped
    raise ValueError(f"cannot send {term!r} as a parameter (only IRIs and literals)")


def bind_values(query: str, substitutions: Mapping[Any, Any] | None) -> str:
    """The query with ``VALUES`` binding each substituted variable, at the top of its WHERE group.

    >>> bind_values('SELECT ?x ?p WHERE { ?x a ?t FILTER(STR(?p) = "") }', {ox.Variable("p"): Literal('a" } DROP ALL #')})
    'SELECT ?x ?p WHERE { VALUES (?p) { ("a\\\\" } DROP ALL #") }  ?x a ?t FILTER(STR(?p) = "") }'
    """
    if not substitutions:
        return query
    names = []
    for var in substitutions:
        name = var.value if isinstance(var, ox.Variable) else str(var).lstrip("?$")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ValueError(f"{name!r} is not a variable name")
        names.append(name)
    values = " ".join(_term_text(t) for t in substitutions.values())
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({values}) }} "
    at = _where_brace(query) + 1
    return query[:at] + block + query[at:]


# ----------------------------------------------------------------------------- HTTP


class _Http:
    """urllib with HTTP Basic or Digest credentials sent up front once the server's challenge is known.

    (urllib's own handlers answer a 401 by resending; a server such as Virtuoso answers a large PUT's
    first bytes with 401 and closes the connection, so the body never arrives: here a body-less probe
    learns the challenge first, and later requests carry the Authorization header from the start.)"""

    def __init__(self, user: str | None, password: str | None, timeout: float, urls: list[str]) -> None:
        self.timeout = timeout
        self.user = user
        self.basic = None
        self.challenges: dict[str, tuple[str, dict]] = {}  # netloc → (scheme, parameters)
        self.opener = urllib.request.build_opener()
        if user is not None:
            mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in urls:  # the credentials go to our endpoints only
                p = urllib.parse.urlsplit(url)
                mgr.add_password(None, urllib.parse.urlunsplit((p.scheme, p.netloc, "/", "", "")), user, password or "")
            self.digest = urllib.request.HTTPDigestAuthHandler(mgr)
            self.basic = "Basic " + base64.b64encode(f"{user}:{password or ''}".encode()).decode()

    def _authorize(self, req: urllib.request.Request) -> None:
        known = self.challenges.get(urllib.parse.urlsplit(req.full_url).netloc)
        if self.user is None or known is None:
            return
        scheme, chal = known
        if scheme == "basic":
            req.add_unredirected_header("Authorization", self.basic)
        else:
            value = self.digest.get_authorization(req, chal)
            if value:
                req.add_unredirected_header("Authorization", "Digest " + value)

    def _learn(self, url: str, headers) -> bool:
        for value in headers.get_all("WWW-Authenticate") or []:
            scheme, _, rest = value.strip().partition(" ")
            if scheme.lower() in ("digest", "basic"):
                chal = urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))
                self.challenges[urllib.parse.urlsplit(url).netloc] = (scheme.lower(), chal)
                return True
        return False

    def _probe(self, url: str) -> bool:
        try:
            with self.opener.open(urllib.request.Request(url, method="GET"), timeout=self.timeout):
                return False
        except urllib.error.HTTPError as e:
            return e.code == 401 and self._learn(url, e.headers)
        except (urllib.error.URLError, OSError):
            return False

    def request(self, method: str, url: str, body: bytes | None = None, headers: dict | None = None) -> bytes:
        for attempt in (0, 1):
            req = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
            self._authorize(req)
            try:
                with self.opener.open(req, timeout=self.timeout) as r:
                    return r.read()
            except urllib.error.HTTPError as e:
                if e.code == 401 and attempt == 0 and self.user is not None and self._learn(url, e.headers):
                    continue
                detail = e.read()[:500].decode("utf-8", "replace").strip().splitlines()
                hint = ""
                if e.code in (401, 403) and self.user is None:
                    hint = f" (set {USER_ENV} and {PASSWORD_ENV} for a server that needs a login)"
                raise StoreError(f"{_safe(url)}: {method} failed with HTTP {e.code} {e.reason}"
                                 f"{': ' + ' '.join(detail[:3]) if detail else ''}{hint}") from None
            except (urllib.error.URLError, OSError) as e:
                # the server refused the body before reading it (a 401 we could not see): learn, then resend
                if attempt == 0 and self.user is not None and body and self._probe(url):
                    continue
                reason = getattr(e, "reason", e)
                raise StoreError(f"{_safe(url)}: cannot reach the SPARQL server ({reason})") from None
        raise StoreError(f"{_safe(url)}: {method} was refused after logging in")


def _safe(url: str) -> str:
    """The URL without user info or query string, for messages."""
    p = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((p.scheme, p.hostname + (f":{p.port}" if p.port else "") if p.hostname else "",
                                    p.path, "", ""))


def _derive(url: str) -> tuple[str, str | None]:
    """(update URL, GSP URL) for a query URL."""
    p = urllib.parse.urlsplit(url)
    base = lambda path: urllib.parse.urlunsplit((p.scheme, p.netloc, path, "", ""))  # noqa: E731
    if p.path.rstrip("/") == "/sparql":  # Virtuoso
        return base("/sparql-auth"), base("/sparql-graph-crud-auth")
    m = re.fullmatch(r"(.*)/(query|sparql)/?", p.path)
    if m:  # Fuseki-style dataset services
        return base(m.group(1) + "/update"), base(m.group(1) + "/data")
    return url, None


# ----------------------------------------------------------------------------- the store


class RemoteStore:
    """A Ghatna store on a SPARQL 1.1 server; see the module docstring."""

    def __init__(self, url: str, *, update_url: str | None = None, gsp_url: str | None = None,
                 method: str = "gsp", timeout: float = 120.0, page_size: int = 10_000,
                 user: str | None = None, password: str | None = None) -> None:
        if method not in ("gsp", "update"):
            raise StoreError(f"unknown write method {method!r}; use 'gsp' or 'update'")
        if not re.match(r"^https?://", url):
            raise StoreError(f"{url}: a SPARQL endpoint URL must start with http:// or https://")
        if urllib.parse.urlsplit(url).username:
            raise StoreError(f"{_safe(url)}: put credentials in {USER_ENV}/{PASSWORD_ENV}, not in the URL")
        d_update, d_gsp = _derive(url)
        self.url = url
        self.path = _safe(url)
        self.update_url = update_url or d_update
        self.gsp_url = gsp_url or d_gsp
        self.method = method if (method == "update" or self.gsp_url) else "update"
        self.page_size = page_size
        self.read_only = False
        user = user if user is not None else os.environ.get(USER_ENV)
        password = password if password is not None else os.environ.get(PASSWORD_ENV)
        self._http = _Http(user, password, timeout, [u for u in (url, self.update_url, self.gsp_url) if u])
        self.store = self  # run_query(remote.store, …) works: this object has query()/update()

    # ------------------------------------------------------------------ protocol
    def query(self, sparql: str, substitutions: Mapping | None = None, use_default_graph_as_union: bool = True,
              **_ignored) -> Any:
        """Run a query on the server; a pyoxigraph ``QuerySolutions``/``QueryBoolean``/``QueryTriples``."""
        text = bind_values(sparql, substitutions) if substitutions else sparql
        form = _form(text)
        if form in ("CONSTRUCT", "DESCRIBE"):
            data = self._http.request("POST", self.url, urllib.parse.urlencode({"query": text}).encode(),
                                      {"Content-Type": "application/x-www-form-urlencoded",
                                       "Accept": "application/n-triples, text/turtle;q=0.9"})
            graph = ox.Store()
            graph.extend(Quad(t.subject, t.predicate, t.object)
                              for t in ox.parse(data, format=ox.RdfFormat.TURTLE))
            return graph.query("CONSTRUCT WHERE { ?s ?p ?o }")
        data = self._http.request("POST", self.url, urllib.parse.urlencode({"query": text}).encode(),
                                  {"Content-Type": "application/x-www-form-urlencoded",
                                   "Accept": "application/sparql-results+xml"})
        try:
            return ox.parse_query_results(data, format=_XML)
        except (SyntaxError, ValueError) as e:
            raise StoreError(f"{self.path}: the server's answer is not SPARQL XML results ({e})") from e

    def update(self, sparql: str) -> None:
        """Send a SPARQL Update to the update endpoint."""
        self._http.request("POST", self.update_url, sparql.encode("utf-8"),
                           {"Content-Type": "application/sparql-update; charset=utf-8"})

    def _gsp(self, method: str, graph: NamedNode, triples: Iterable[ox.Triple]) -> None:
        body = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES)
        url = self.gsp_url + ("&" if "?" in self.gsp_url else "?") + urllib.parse.urlencode({"graph": graph.value})
        # text/turtle: N-Triples is Turtle, and every GSP server knows text/turtle
        self._http.request(method, url, body, {"Content-Type": "text/turtle; charset=utf-8"})

    # ------------------------------------------------------------------ reading
    def quads_for_pattern(self, subject=None, predicate=None, object=None, graph_name=None) -> Iterable[Quad]:  # noqa: A002
        """Quads matching the pattern (None is a wildcard).

        Servers cap result sizes (Virtuoso: ``ResultSetMaxRows``, 10,000 by default, and sorted
        ``OFFSET`` paging beyond that is refused), so a match larger than ``page_size`` is split into
        parts by the MD5 of subject and predicate (16 parts per level), each small enough to come whole.
        """
        s, p, o = ("?s" if subject is None else str(subject), "?p" if predicate is None else str(predicate),
                   "?o" if object is None else str(object))
        g = "?g" if graph_name is None else str(graph_name)
        pattern = "GRAPH " + g + " { " + s + " " + p + " " + o + " }"
        keys = [f"STR({v})" for v in (g, s, p) if v.startswith("?")] or ["STR(?o)"]
        key = f"MD5(CONCAT({', '.join(keys)}, \"\"))"
        rows = self._fetch(pattern, key, "")
        for row in rows:
            yield Quad(subject or row["s"], predicate or row["p"], object or row["o"], graph_name or row["g"])

    def _fetch(self, pattern: str, key: str, prefix: str) -> Iterable[Any]:
        where = "WHERE { " + pattern + (f' FILTER(STRSTARTS({key}, "{prefix}"))' if prefix else "") + " }"
        total = int(next(iter(self.query("SELECT (COUNT(*) AS ?n) " + where)))["n"].value)
        if total == 0:
            return
        if total <= self.page_size or len(prefix) >= 6:
            yield from self.query("SELECT * " + where)
            return
        for c in "0123456789abcdef":
            yield from self._fetch(pattern, key, prefix + c)

    def named_graphs(self) -> list[NamedNode]:
        return [row["g"] for row in self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")]

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self.named_graphs())

    def quads(self, include_build: bool = False) -> list[Quad]:
        """Every quad of Ghatna's graphs (without the bookkeeping graph unless asked), sorted.

        Only Ghatna's graphs are read (the ontology, gazetteer and article graphs), not whatever else the
        server holds (Virtuoso keeps its own system graphs)."""
        out: list[Quad] = []
        for g in self._ghatna_graphs(include_build):
            out.extend(self.quads_for_pattern(None, None, None, g))
        return sorted(out, key=str)

    def _ghatna_graphs(self, include_build: bool) -> list[NamedNode]:
        art = article_iri("x").value[:-1]
        keep = []
        for g in self.named_graphs():
            if g in (GRAPH_ONTOLOGY, GRAPH_ENTITIES) or g.value.startswith(art) or (include_build and g == GRAPH_BUILD):
                keep.append(g)
        return sorted(keep, key=str)

    def check_version(self) -> None:
        found = [q.object.value for q in self.quads_for_pattern(STORE_NODE, P_FORMAT, None, GRAPH_BUILD)]
        if found and found[0] != FORMAT_VERSION:
            raise StoreError(f"{self.path}: store format {found[0]} was written by another Ghatna version "
                             f"(this one reads format {FORMAT_VERSION}); drop the server's Ghatna graphs and rebuild")

    def articles(self) -> dict[str, dict]:
        """Bookkeeping per article: ``{ident: {"content_hash", "graph_hash", "extraction"}}``."""
        return records_from_quads(self.quads_for_pattern(None, None, None, GRAPH_BUILD))

    # ------------------------------------------------------------------ writing
    def ensure_static(self) -> None:
        """Load the ontology and gazetteer graphs when they are missing or their files changed."""
        for graph, name in ((GRAPH_ONTOLOGY, "ghatna.ttl"), (GRAPH_ENTITIES, "entities.ttl")):
            path = ontology_dir() / name
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            node = NamedNode(graph.value)
            current = [q.object.value for q in self.quads_for_pattern(node, P_RESOURCE_HASH, None, GRAPH_BUILD)]
            if current == [digest]:
                continue
            triples = _skolemize(list(ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=path.as_uri())))
            self.update(f"DELETE WHERE {{ GRAPH {GRAPH_BUILD} {{ {node} {P_RESOURCE_HASH} ?o }} }}")
            self._put_graph(graph, triples)
            self._add_build([ox.Triple(node, P_RESOURCE_HASH, Literal(digest))])
        want = {ox.Triple(STORE_NODE, P_FORMAT, Literal(FORMAT_VERSION)),
                ox.Triple(STORE_NODE, P_VERSION, Literal(_version()))}
        have = {q.triple for q in self.quads_for_pattern(STORE_NODE, None, None, GRAPH_BUILD)}
        if want != have:
            self.update(f"DELETE WHERE {{ GRAPH {GRAPH_BUILD} {{ {STORE_NODE} ?p ?o }} }}")
            self._add_build(sorted(want, key=str))

    def _put_graph(self, graph: NamedNode, triples: list[ox.Triple]) -> None:
        """Replace one graph with one request."""
        if self.method == "gsp":
            if triples:
                self._gsp("PUT", graph, triples)
            else:
                self.update(f"DROP SILENT GRAPH {graph}")
            return
        ops = [f"DROP SILENT GRAPH {graph}"]
        if triples:
            ops.append(f"INSERT DATA {{ GRAPH {graph} {{\n"
                       + "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples) + "\n} }")
        self.update(" ;\n".join(ops))

    def _add_build(self, triples: list[ox.Triple]) -> None:
        if not triples:
            return
        if self.method == "gsp":
            self._gsp("POST", GRAPH_BUILD, triples)  # GSP POST merges into the graph
        else:
            self.update(f"INSERT DATA {{ GRAPH {GRAPH_BUILD} {{\n"
                        + "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples) + "\n} }")

    def apply(self, writes, removals: list[str], chunk: int = 50) -> int:
        """Replace and remove article graphs (see :meth:`kg.store.GraphStore.apply`): first the records of
        every graph that changes or goes are deleted, with the removed graphs; then each graph is written
        with one request, followed by its record. ``quads`` may be a function that makes them. Returns
        the number of graphs written."""
        writes = list(writes)
        gone = sorted({ident for ident, *_ in writes} | set(removals))
        for i in range(0, len(gone), chunk):
            part = gone[i:i + chunk]
            values = " ".join(str(_record(ident)) for ident in part)
            ops = [f"DELETE {{ GRAPH {GRAPH_BUILD} {{ ?r ?p ?o }} }} WHERE {{ VALUES ?r {{ {values} }} "
                   f"GRAPH {GRAPH_BUILD} {{ ?r ?p ?o }} }}"]
            ops += [f"DROP SILENT GRAPH {article_iri(ident)}" for ident in part if ident in removals]
            self.update(" ;\n".join(ops))
        for ident, quads, extraction, graph_hash in writes:
            self._put_graph(article_iri(ident), [q.triple for q in (quads() if callable(quads) else quads)])
            self._add_build([q.triple for q in GraphStore._record_quads(ident, extraction, graph_hash)])
        return len(writes)

    def article_texts(self, idents: Iterable[str]) -> dict[str, str]:
        """The text of stored articles, read from their graphs (records do not repeat it)."""
        out = {}
        for ident in idents:
            graph = article_iri(ident)
            ctx = NamedNode(graph.value + "#context")
            for row in self.query(f"SELECT ?t WHERE {{ GRAPH {graph} {{ {ctx} {P_NIF_IS_STRING} ?t }} }}"):
                out[ident] = row["t"].value
        return out

    def flush(self) -> None:
        """Nothing to do: every request is complete when it returns."""

    def publish_view(self) -> None:
        """Nothing to do: the server serves readers itself."""

    def close(self) -> None:
        """Nothing to release (no connection is kept open)."""

    def backup(self, target) -> None:
        raise StoreError(f"{self.path}: back up a SPARQL server with its own tools")


def _version() -> str:
    from . import __version__
    return __version__


def _form(text: str) -> str:
    from .queries import _leading_keyword
    return _leading_keyword(text)


def open_remote(url: str, **options) -> RemoteStore:
    """A :class:`RemoteStore` for ``url``, checked to answer and to hold a compatible Ghatna store (if any)."""
    rs = RemoteStore(url, **options)
    rs.check_version()
    return rs
