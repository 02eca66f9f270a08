"""Metric tiles drafted from an imported checklist: what the document itself says to watch.

* a health or status URL in an item's text or in a ``curl`` command -> an ``http`` tile
  (``check: status``, ``== 200``);
* each query in a ```` ```promql ```` block -> a ``promql`` tile, its base URL from
  ``--prometheus URL`` or else ``${PROMETHEUS_URL}``; a query with no aggregation gets one
  (``sum(...)`` around each vector, ``sum by (le)`` inside ``histogram_quantile``) so it returns
  one series on a Prometheus with several instances; the unit is the query's own (a histogram of
  ``_seconds`` is shown in ms, a ratio stays a ratio unless its target is a percent: then it is
  shown as % with ``scale: 100``);
* a documented Prometheus ``/metrics`` endpoint -> a ``prometheus`` tile on the host the document
  uses (or ``${APP_URL}``);
* a target written for a metric (``Error rate (target: < 0.1%)``, a go/no-go criterion with the
  same name) -> the tile's threshold, in the tile's unit.

Every drafted tile is written ``enabled: false``: nothing polls a production URL until a person
turns it on. Nothing here touches the network. A placeholder host (``your-app.workers.dev``,
``example.com``) is marked in a comment above the tile. Criteria whose metric matches a drafted
tile are *offered* for binding (a line telling the command), never bound here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable
from urllib.parse import urlsplit

from warroom.ids import slugify, unique
from warroom.importer.thresholds import parse_threshold
from warroom.metrics.threshold import parse_condition

PROMETHEUS_ENV = "${PROMETHEUS_URL}"
APP_ENV = "${APP_URL}"

_URL = re.compile(r"https?://[^\s`'\"<>()\[\]{}|\\]+", re.I)
_HEALTH_PATH = re.compile(r"/(?:health|healthz|healthcheck|health-check|status|ready|readyz|readiness|live|livez|liveness|ping)(?:/[\w.-]*)?/?$", re.I)
_PLACEHOLDER = re.compile(
    r"(^|[.-])(your|my)[-_]?(app|domain|site|service|api|server|host|project|company|org|name)\b"
    r"|(^|\.)example\.(com|org|net)$|\.example$|\.test$|\.invalid$|^example$"
    r"|^(host|hostname|domain|server|your[-_]?host|xxx+|foo|bar)(\.|$)|[<>{}]", re.I)
_TARGET = re.compile(r"^(?P<name>.*?)\(\s*targets?\s*:?\s*(?P<cond>[^)]*)\)", re.I)
_PAREN_COND = re.compile(r"\(\s*(?P<name>[A-Za-z][\w /-]{0,40}?)\s*(?P<cond>(?:[<>≤≥]=?|==)\s*[\d.]+\s*[A-Za-z%]*)\s*\)")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})\s*([\w+-]*)")
_LIST = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(?:\[[^\]]*\]\s*)?")
_METRICS_ENDPOINT = re.compile(r"`(/metrics)`|(?<![\w/])(/metrics)\b")
_AGGREGATIONS = {"sum", "avg", "min", "max", "count", "stddev", "stdvar", "topk", "bottomk", "quantile",
                 "count_values", "group", "limitk", "limit_ratio"}
_STOP = {"the", "a", "an", "of", "per", "in", "on", "for", "total"}


def placeholder_host(url: str) -> str:
    """The host of ``url`` when it is a placeholder (``your-app.workers.dev``, ``example.com``); else ""."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    if not host or host.startswith("${"):
        return ""
    return host if _PLACEHOLDER.search(host) else ""


@dataclass
class DraftTile:
    data: dict[str, Any]  # the tile as written to the layout (key order kept)
    line: int  # 1-based source line
    why: str  # what in the document made it
    source: str = ""  # the Markdown file's name
    notes: list[str] = field(default_factory=list)  # written as comments above the tile

    @property
    def name(self) -> str:
        return str(self.data["name"])


@dataclass
class Offer:
    """A criterion whose metric matches a drafted tile: offered for binding, not bound."""

    criterion: str  # id
    name: str
    kind: str  # go | rollback
    threshold: str
    tile: str

    def line(self, layout: str = "LAYOUT") -> str:
        what = "rollback trigger" if self.kind == "rollback" else "criterion"
        th = f" ({self.threshold})" if self.threshold else ""
        return (f"{what} '{self.criterion}' {self.name}{th} matches tile '{self.tile}': bind it with "
                f"`warroom tiles {layout} bind {self.criterion} --tile {self.tile}`")


@dataclass
class Drafts:
    tiles: list[DraftTile] = field(default_factory=list)
    offers: list[Offer] = field(default_factory=list)

    def explain_lines(self) -> list[str]:
        """One line per drafted tile with the source line it came from (for ``import --explain``)."""
        out = []
        for t in self.tiles:
            where = f"{t.source}:{t.line}" if t.source else f"line {t.line}"
            out.append(f"tile {t.name} ({t.data['source']}, disabled) <- {where}: {t.why}")
            out += [f"  {n}" for n in t.notes]
        return out

    def summary_lines(self, layout: str = "LAYOUT") -> list[str]:
        if not self.tiles:
            return []
        marked = sum(1 for t in self.tiles if any("placeholder" in n for n in t.notes))
        out = [f"  tiles: {len(self.tiles)} drafted, all disabled (nothing was polled): "
               + ", ".join(t.name for t in self.tiles)
               + (f"; {marked} on a placeholder host" if marked else "")]
        out.append(f"    check and turn on: `warroom probe {layout} TILE`, `warroom tiles {layout} enable TILE`")
        out += [f"  offer: {o.line(layout)}" for o in self.offers]
        return out


# ---------------------------------------------------------------------------------------------
# PromQL: adding an aggregate and reading the unit

def _scan(query: str) -> list[tuple[int, str]]:
    """Depth-0 binary operators in ``query``: (position, operator). Strings, {...} and [...] skipped."""
    out: list[tuple[int, str]] = []
    depth = 0
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch in "\"'`":
            j = i + 1
            while j < n and query[j] != ch:
                j += 2 if query[j] == "\\" else 1
            i = j + 1
            continue
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
        elif depth == 0:
            two = query[i:i + 2]
            if two in ("==", "!=", ">=", "<="):
                out.append((i, two))
                i += 2
                continue
            if ch in "+-*/%^<>" and not (ch in "+-" and _unary(query, i)):
                out.append((i, ch))
            else:
                m = re.match(r"\b(and|or|unless)\b", query[i:]) if (i == 0 or not (query[i - 1].isalnum() or query[i - 1] == "_")) else None
                if m:
                    out.append((i, m[1]))
                    i += len(m[1])
                    continue
        i += 1
    return out


def _unary(query: str, i: int) -> bool:
    before = query[:i].rstrip()
    return not before or before[-1] in "(+-*/%^<>=,"


def _has_aggregation(query: str) -> bool:
    names = re.findall(r"\b([a-z_]+)\s*(?:\(|\bby\b|\bwithout\b)", query)
    return any(n in _AGGREGATIONS for n in names)


def aggregate(query: str) -> str:
    """``query`` with a ``sum`` around each vector it returns, when it has no aggregation at all.

    ``rate(x[5m])`` -> ``sum(rate(x[5m]))``; ``a / b`` -> ``sum(a) / sum(b)``;
    ``histogram_quantile(0.95, rate(x_bucket[5m]))`` -> ``histogram_quantile(0.95, sum by (le) (rate(x_bucket[5m])))``.
    A query with vector matching (``on``, ``ignoring``, ``group_left``) is left as it is."""
    q = " ".join(query.split())
    if _has_aggregation(q) or re.search(r"\b(on|ignoring|group_left|group_right|offset|bool)\b", q):
        return q
    return _aggregate_expr(q)


def _aggregate_expr(q: str) -> str:
    ops = _scan(q)
    if not ops:
        return _aggregate_operand(q)
    parts, last = [], 0
    for pos, op in ops:
        parts.append(_aggregate_operand(q[last:pos].strip()))
        parts.append(op)
        last = pos + len(op)
    parts.append(_aggregate_operand(q[last:].strip()))
    return " ".join(parts)


def _aggregate_operand(term: str) -> str:
    if not term or re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", term):
        return term
    if term.startswith("(") and _closing(term, 0) == len(term) - 1:
        return "(" + _aggregate_expr(term[1:-1].strip()) + ")"
    m = re.match(r"histogram_quantile\s*\(", term)
    if m and _closing(term, m.end() - 1) == len(term) - 1:
        inner = term[m.end():-1]
        comma = _top_comma(inner)
        if comma >= 0:
            q, vec = inner[:comma].strip(), inner[comma + 1:].strip()
            return f"histogram_quantile({q}, sum by (le) ({vec}))"
    if re.fullmatch(r"(scalar|time|vector|pi)\s*\(.*\)", term):
        return term
    return f"sum({term})"


def _closing(text: str, open_at: int) -> int:
    depth = 0
    for i in range(open_at, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _top_comma(text: str) -> int:
    depth = 0
    for i, ch in enumerate(text):
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
        elif ch == "," and depth == 0:
            return i
    return -1


def _query_unit(query: str) -> tuple[str, str, bool]:
    """(unit, source_unit, is_ratio) that the query's values come in."""
    m = re.search(r"histogram_quantile\s*\(.*?([a-zA-Z_:][\w:]*)_bucket", query)
    if m:
        base = m[1]
        if base.endswith("_seconds"):
            return "ms", "s", False
        if base.endswith("_bytes"):
            return "B", "", False
        return "", "", False
    if any(op == "/" for _, op in _scan(query)):
        return "", "", True
    m = re.search(r"\b(?:i?rate|increase)\s*\(\s*([a-zA-Z_:][\w:]*)", query)
    if m:
        return ("req/s" if "request" in m[1] else "/s"), "", False
    m = re.search(r"([a-zA-Z_:][\w:]*)", query)
    if m and m[1].endswith("_seconds"):
        return "ms", "s", False
    if m and m[1].endswith("_bytes"):
        return "B", "", False
    return "", "", False


# ---------------------------------------------------------------------------------------------
# Targets and matching names

def _words(text: str) -> frozenset[str]:
    text = re.sub(r"[*_`]", " ", text.lower())
    return frozenset(w for w in re.findall(r"[a-z0-9]+", text) if w not in _STOP)


@dataclass
class _Target:
    name: str
    cond: str  # readable condition (">= 99.8%")
    line: int
    words: frozenset[str]


def _targets(lines: list[str], criteria: Iterable[Any]) -> list[_Target]:
    out: list[_Target] = []
    for i, raw in enumerate(lines, 1):
        line = _LIST.sub("", raw)
        for rx in (_TARGET, _PAREN_COND):
            for m in rx.finditer(line):
                th = parse_threshold(m["cond"])
                name = m["name"].strip(" *:-–—")
                if th.value is None or not th.op or not name:
                    continue
                out.append(_Target(name, th.text(), i, _words(name)))
    for c in criteria:
        if getattr(c, "kind", "go") == "go" and c.threshold:
            out.append(_Target(c.name, c.threshold, 0, _words(c.name)))
    return out


def _matches(a: frozenset[str], b: frozenset[str]) -> int:
    """2: the same words; 1: one's words all in the other's; 0: no match."""
    if not a or not b:
        return 0
    if a == b:
        return 2
    return 1 if a <= b or b <= a else 0


def _best_target(words: frozenset[str], targets: list[_Target]) -> _Target | None:
    best, score = None, 0
    for t in targets:
        s = _matches(words, t.words)
        if s > score:
            best, score = t, s
    return best


# ---------------------------------------------------------------------------------------------
# The drafting itself

def _promql_blocks(lines: list[str]) -> list[tuple[int, list[str]]]:
    """(first line, body lines) of each ```promql fence."""
    out = []
    fence, lang, start, body = "", "", 0, []
    for i, line in enumerate(lines, 1):
        m = _FENCE.match(line)
        if not fence:
            if m:
                fence, lang, start, body = m[1], m[2].lower(), i, []
            continue
        if line.strip().startswith(fence[0] * len(fence)) and not line.strip().strip(fence[0]):
            if lang in ("promql", "prometheus"):
                out.append((start, body))
            fence = ""
            continue
        body.append(line)
    return out


def _queries(start: int, body: list[str]) -> list[tuple[int, str, str]]:
    """(line, name, query) per query in a fence: a ``# comment`` names the query after it; a blank
    line or a new comment ends one."""
    out: list[tuple[int, str, str]] = []
    name, parts, first = "", [], 0

    def flush() -> None:
        nonlocal parts, name
        if parts:
            out.append((first, name, " ".join(p.strip() for p in parts)))
        parts, name = [], ""

    for offset, line in enumerate(body, 1):
        text = line.strip()
        if not text:
            flush()
        elif text.startswith("#"):
            flush()
            name = text.lstrip("#").strip()
        else:
            if not parts:
                first = start + offset
            parts.append(text)
    flush()
    return out


def _fenced_lines(lines: list[str]) -> set[int]:
    inside: set[int] = set()
    fence = ""
    for i, line in enumerate(lines, 1):
        m = _FENCE.match(line)
        if fence:
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = ""
            else:
                inside.add(i)
        elif m:
            fence = m[1]
    return inside


def _health_urls(lines: list[str]) -> list[tuple[int, str, str]]:
    """(line, url, why) of health / status URLs in list entries and curl commands."""
    fenced = _fenced_lines(lines)
    out = []
    for i, line in enumerate(lines, 1):
        in_code = i in fenced
        is_curl = bool(re.search(r"\b(curl|wget|http)\b", line)) if in_code else "curl " in line
        is_entry = not in_code and bool(_LIST.match(line))
        if not (is_curl or is_entry):
            continue
        for m in _URL.finditer(line):
            url = m.group().rstrip(".,;:!?*")
            if not _HEALTH_PATH.search(urlsplit(url).path or ""):
                continue
            why = "curl command" if is_curl else "item text"
            out.append((i, url, f"{why}: {line.strip()}"))
    return out


def _tile_name(text: str, taken: set[str]) -> str:
    return unique(slugify(text, "tile")[:40].strip("-") or "tile", taken)


def draft_text(text: str, criteria: Iterable[Any] = (), prometheus: str = "", source: str = "",
               taken: set[str] | None = None) -> list[DraftTile]:
    """Draft tiles from one Markdown document (its text after mojibake repair)."""
    lines = text.split("\n")
    criteria = list(criteria)
    taken = taken if taken is not None else set()
    targets = _targets(lines, criteria)
    tiles: list[DraftTile] = []
    seen_urls: set[str] = set()
    hosts: list[str] = []

    for line, url, why in _health_urls(lines):
        parts = urlsplit(url)
        hosts.append(f"{parts.scheme}://{parts.netloc}")
        if url in seen_urls:
            continue
        seen_urls.add(url)
        host = parts.hostname or ""
        word = parts.path.strip("/").split("/")[-1] or "health"
        numeric = not host or host == "localhost" or re.fullmatch(r"[\d.]+|\[?[0-9a-fA-F:]+\]?", host)
        label = host.split(".")[0]
        name = _tile_name(word if numeric else (label if label.endswith(word) else f"{label} {word}"), taken)
        data = {"name": name, "label": f"{parts.netloc}{parts.path}"[:60], "source": "http", "url": url,
                "check": "status", "threshold": "== 200", "enabled": False}
        tiles.append(_with_placeholder(DraftTile(data, line, why, source), url))

    base = prometheus.rstrip("/") if prometheus else PROMETHEUS_ENV
    for start, body in _promql_blocks(lines):
        for line, label, query in _queries(start, body):
            tiles.append(_promql_tile(line, label, query, base, targets, taken, source))

    fenced = _fenced_lines(lines)
    for i, raw in enumerate(lines, 1):
        if i in fenced or not _METRICS_ENDPOINT.search(raw):
            continue
        if "prometheus" not in (" ".join(lines[max(0, i - 4):i])).lower():  # the line and the three before it
            continue
        host = hosts[0] if hosts else APP_ENV
        url = f"{host}/metrics"
        if url in seen_urls:
            continue
        seen_urls.add(url)
        name = _tile_name(f"{(urlsplit(host).hostname or 'app').split('.')[0]} metrics" if hosts else "app metrics", taken)
        data = {"name": name, "label": "Prometheus /metrics", "source": "prometheus", "url": url,
                "select": "process_cpu_seconds_total", "enabled": False}
        tile = DraftTile(data, i, f"documented Prometheus endpoint: {raw.strip()}", source)
        tile.notes.append("pick the metric to show: `warroom probe LAYOUT " + name + "` lists what the endpoint exposes")
        if not hosts:
            tile.notes.append(f"the document gives no host: set {APP_ENV[2:-1]} or edit the url")
        tiles.append(_with_placeholder(tile, url))
    return tiles


def _with_placeholder(tile: DraftTile, url: str) -> DraftTile:
    host = placeholder_host(url)
    if host:
        tile.notes.insert(0, f"placeholder host {host}: replace it with the real one before enabling")
        tile.data["label"] = f"{tile.data.get('label') or tile.name} (placeholder host)"
    return tile


def _promql_tile(line: int, label: str, query: str, base: str, targets: list[_Target], taken: set[str], source: str) -> DraftTile:
    agg = aggregate(query)
    unit, source_unit, ratio = _query_unit(agg)
    metric = re.search(r"([a-zA-Z_:][\w:]*)\s*(?:\{|\[)", query)
    name = _tile_name(label or (metric[1] if metric else "query"), taken)
    words = _words(label or name)
    target = _best_target(words, targets)
    data: dict[str, Any] = {"name": name, "label": label or name, "source": "promql", "url": base, "query": agg}
    notes: list[str] = []
    if agg != " ".join(query.split()):
        notes.append(f"aggregated (the query as written returns a series per instance): {' '.join(query.split())}")
    scale = None
    if ratio and target and "%" in target.cond:
        unit, scale = "%", 100
    if unit:
        data["unit"] = unit
    if source_unit:
        data["source_unit"] = source_unit
    if scale:
        data["scale"] = scale
    if target:
        try:
            parse_condition(target.cond, unit)
            data["threshold"] = target.cond
            where = f"line {target.line}" if target.line else "criterion"
            notes.append(f"threshold from the target '{target.name}: {target.cond}' ({where})")
        except ValueError as exc:
            notes.append(f"target '{target.name}: {target.cond}' not used: {exc}")
    data["enabled"] = False
    return DraftTile(data, line, f"PromQL query: {' '.join(query.split())}", source, notes)


def _offers(tiles: list[DraftTile], criteria: Iterable[Any]) -> list[Offer]:
    out = []
    for c in criteria:
        if getattr(c, "tile", ""):
            continue
        cw = _words(c.name)
        best, score = None, 0
        for t in tiles:
            if t.data["source"] == "http":
                continue
            s = max(_matches(cw, _words(t.name.replace("-", " "))), _matches(cw, _words(str(t.data.get("label", "")))))
            if s > score:
                best, score = t, s
        if best is not None:
            if c.kind == "rollback" and c.threshold:
                try:
                    parse_condition(c.threshold, str(best.data.get("unit", "")))
                except ValueError:
                    continue
            out.append(Offer(c.id, c.name, c.kind, c.threshold, best.name))
    return out


def draft(results: Iterable[Any], prometheus: str = "") -> Drafts:
    """Draft tiles for the import results of one layout (their criteria and rollback triggers)."""
    out = Drafts()
    taken: set[str] = set()
    criteria: list[Any] = []
    for r in results:
        text = r.repair.text if getattr(r, "repair", None) is not None else ""
        crits = list(r.criteria) + list(r.rollback)
        criteria += crits
        out.tiles += draft_text(text, crits, prometheus, getattr(r.checklist, "source", ""), taken)
    out.offers = _offers(out.tiles, criteria)
    return out


def tiles_yaml(tiles: list[DraftTile]) -> str:
    """The ``tiles:`` block, each tile with its notes as comments above it."""
    from warroom.yamlio import comment_safe, dump

    out = ["", "# Drafted by `warroom import` from the document: every tile is off (enabled: false) until",
           "# a person has probed it (`warroom probe LAYOUT TILE`) and turned it on (`warroom tiles LAYOUT enable TILE`).",
           "tiles:"]
    for t in tiles:  # list items flush with the key, as the rest of the importer's layout
        out.append(f"# from {comment_safe(t.source or 'line')}:{t.line}")
        out += [f"# {comment_safe(n)}" for n in t.notes]
        out += dump([t.data]).rstrip("\n").split("\n")
    return "\n".join(out) + "\n"


def draft_into(text: str, data: dict[str, Any], results: list[Any], args: Any, layout: str = "LAYOUT") -> str:
    """The importer's hook: ``text`` (the dumped layout) with the drafted ``tiles:`` appended, and
    the summary (and with ``--explain`` each tile's source line) printed. A layout that already
    has tiles (kept from a hand edit) gets none: a tile deleted by hand is not drafted again."""
    drafts = draft(results, getattr(args, "prometheus", None) or "")
    if not drafts.tiles:
        return text
    if data.get("tiles"):
        print(f"  tiles: the layout's own tiles kept; {len(drafts.tiles)} drafted tiles not added")
        return text
    for line in drafts.summary_lines(layout):
        print(line)
    if getattr(args, "explain", False):
        for line in drafts.explain_lines():
            print(f"  {line}")
    return text.rstrip("\n") + "\n" + tiles_yaml(drafts.tiles)
