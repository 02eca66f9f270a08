"""Metric tile specs as declared in a layout's ``tiles:`` list, validated with positions.

A tile::

    - name: p95                      # unique; criteria and rollback triggers bind to it
      label: API p95 latency         # shown on screen (default: the name)
      source: prometheus             # json | prometheus | promql | http
      url: ${WARROOM_DEMO_URL:-http://127.0.0.1:8787}/metrics
      select: 'http_request_duration_seconds{route="/pay"}'   # prometheus: name + label matchers
      quantile: 0.95                 # prometheus histograms: the quantile from the buckets
      unit: ms                       # unit of the shown value; source values convert into it
      threshold: {warn: "< 400ms", crit: "< 500ms"}   # conditions a healthy value meets
      for: 1m                        # a breach stays PENDING until it held this long
      interval: 5s
      timeout: 2s                    # shorter than the interval
      stale_after: 10s               # default: two intervals
      headers: {Authorization: "Bearer ${API_TOKEN}"}   # ${ENV} resolved at poll time only
      tls: {verify: true, ca: certs/ca.pem, cert: client.pem, key: client.key}
      history: 60                    # samples kept for the sparkline
      enabled: false                 # a disabled tile is never polled (default: true); drafted tiles start so

Other sources: ``json`` takes ``path`` (a JMESPath expression); ``promql`` takes ``query`` (the
URL is the Prometheus base URL); ``http`` takes ``check`` (status | response_time | contains |
matches | cert_days) and ``pattern`` for contains/matches. ``ratio_to`` (prometheus) divides by
another selector's value; ``scale`` multiplies the value.

``aggregate`` (prometheus, promql) says what several matching series become: ``sum`` (the
default for a prometheus selector), ``max``, ``min``, or ``none`` — every series is kept and
shown with its labels, worst first, and the worst one is the tile's value (the default for a
promql query and for a summary's ``quantile``, whose series cannot be added up).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from warroom.errors import Problem, describe_value, did_you_mean
from warroom.metrics.threshold import Condition, convert, parse_condition, unit_family
from warroom.tmarks import parse_duration

if TYPE_CHECKING:  # the YAML readers load with the files; the screen imports this module without them
    from warroom.yamlio import YMap

SOURCES = ["json", "prometheus", "promql", "http"]
HTTP_CHECKS = ["status", "response_time", "contains", "matches", "cert_days"]
TILE_KEYS = ["name", "label", "source", "url", "path", "select", "ratio_to", "quantile", "rate", "query", "check",
             "pattern", "unit", "source_unit", "scale", "threshold", "for", "interval", "timeout", "stale_after",
             "headers", "tls", "history", "max_bytes", "enabled", "aggregate"]
THRESHOLD_KEYS = ["warn", "crit"]
TLS_KEYS = ["verify", "ca", "cert", "key"]
SOURCE_KEYS = {"json": ["path"], "prometheus": ["select", "ratio_to", "quantile", "rate", "aggregate"],
               "promql": ["query", "aggregate"], "http": ["check", "pattern"]}
AGGREGATES = ["sum", "max", "min", "none"]

ENV_REF = re.compile(r"\$\{([^}]*)\}")
_ENV_NAME = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$", re.S)
_SELECTOR = re.compile(r"^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?:\{(.*)\})?\s*$", re.S)
_MATCHER = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(?:,|$)')


class EnvError(Exception):
    """A ``${NAME}`` reference whose variable is not set."""


def env_refs(text: str) -> list[str]:
    return [m[1].split(":-", 1)[0] for m in ENV_REF.finditer(text)]


def resolve_env(text: str, env: Any) -> str:
    """Replace ``${NAME}`` / ``${NAME:-default}`` from ``env``. Raises EnvError when unset."""

    def sub(m: re.Match[str]) -> str:
        name, default = _ENV_NAME.match(m[1]).groups()  # type: ignore[union-attr]  # validated at load
        value = env.get(name)
        if value in (None, ""):
            if default is not None:
                return default
            raise EnvError(f"environment variable {name} is not set")
        return value

    return ENV_REF.sub(sub, text)


@dataclass(frozen=True)
class Matcher:
    label: str
    op: str  # = != =~ !~
    value: str

    def matches(self, labels: dict[str, str]) -> bool:
        v = labels.get(self.label, "")
        if self.op == "=":
            return v == self.value
        if self.op == "!=":
            return v != self.value
        hit = re.fullmatch(self.value, v) is not None
        return hit if self.op == "=~" else not hit


@dataclass(frozen=True)
class Selector:
    metric: str
    matchers: tuple[Matcher, ...] = ()
    text: str = ""

    def matches(self, labels: dict[str, str]) -> bool:
        return all(m.matches(labels) for m in self.matchers)


def parse_selector(text: str) -> Selector:
    m = _SELECTOR.match(text)
    if not m:
        raise ValueError(f"expected a selector like 'http_requests_total{{code=~\"5..\"}}', got {text!r}")
    matchers: list[Matcher] = []
    body = (m[2] or "").strip()
    pos = 0
    while pos < len(body):
        mm = _MATCHER.match(body, pos)
        if not mm or mm.end() == pos:
            raise ValueError(f"cannot read the label matchers in {text!r} near {body[pos:pos + 20]!r}")
        value = mm[3].replace('\\"', '"').replace("\\\\", "\\")
        if mm[2] in ("=~", "!~"):
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"bad regular expression {value!r} in {text!r}: {exc}") from None
        matchers.append(Matcher(mm[1], mm[2], value))
        pos = mm.end()
    return Selector(m[1], tuple(matchers), text.strip())


@dataclass
class TLSOptions:
    verify: bool = True
    ca: str = ""
    cert: str = ""
    key: str = ""

    def key_tuple(self) -> tuple[bool, str, str, str]:
        return (self.verify, self.ca, self.cert, self.key)


@dataclass
class TileSpec:
    name: str
    raw: dict[str, Any] = field(default_factory=dict)
    label: str = ""
    source: str = "json"
    url: str = ""  # as written: may hold ${ENV} references
    path: str = ""
    select: Selector | None = None
    ratio_to: Selector | None = None
    quantile: float | None = None
    rate: bool | None = None  # None: counters become rates, other types do not
    query: str = ""
    aggregate: str = ""  # "" = the source's default (see the module docstring)
    check: str = ""
    pattern: str = ""
    unit: str = ""
    source_unit: str = ""
    scale: float = 1.0
    crit: Condition | None = None
    warn: Condition | None = None
    for_: float = 0.0  # seconds
    interval: float = 5.0
    timeout: float = 0.0
    stale_after: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    tls: TLSOptions = field(default_factory=TLSOptions)
    history: int = 60
    max_bytes: int = 4 * 1024 * 1024
    base_dir: str = ""  # the layout's folder, for relative TLS paths
    enabled: bool = True  # a disabled tile is listed, never polled (the layout keeps it in ``disabled_tiles``)

    def __post_init__(self) -> None:
        self.label = self.label or self.name
        if not self.timeout:
            self.timeout = min(5.0, self.interval * 0.8)
        if not self.stale_after:
            self.stale_after = 2 * self.interval

    @property
    def worst_is_highest(self) -> bool:
        """Whether a higher value is the worse one (the crit/warn condition wants it low)."""
        cond = self.crit or self.warn
        return not (cond is not None and cond.op in (">", ">="))

    @property
    def threshold_text(self) -> str:
        return self.crit.text if self.crit else ""

    def to_value(self, raw: float, unit: str = "") -> float:
        """A source's number (in ``unit`` or ``source_unit``) in the tile's unit, scaled."""
        su = self.source_unit or unit
        v = raw * self.scale
        if su and self.unit and su != self.unit and unit_family(su) and unit_family(su) == unit_family(self.unit):
            v = convert(v, su, self.unit)
        return v

    def secret_free_url(self) -> str:
        """The URL as written, with ``${...}`` left unresolved and a written password hidden (safe to show)."""
        return redact_url(self.url)


class _Checker:
    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def add(self, pos: tuple[int, int], message: str) -> None:
        self.problems.append(Problem(self.path, pos[0], pos[1], message))

    def text(self, node: YMap, key: str, required: bool = False, what: str = "tile") -> str:
        if key not in node or node[key] is None:
            if required:
                self.add(node.pos, f"missing required key '{key}' in {what}")
            return ""
        value = node[key]
        if isinstance(value, (bool, dict, list)):  # YMap and YList are a dict and a list
            self.add(node.vpos(key), f"expected text for '{key}', got {describe_value(value)}")
            return ""
        return str(value)

    def env_text(self, node: YMap, key: str, required: bool = False, what: str = "tile") -> str:
        value = self.text(node, key, required, what)
        for m in ENV_REF.finditer(value):
            if not _ENV_NAME.match(m[1]):
                self.add(node.vpos(key), f"bad environment reference '${{{m[1]}}}' in '{key}': expected ${{NAME}} or ${{NAME:-default}}")
        rest = ENV_REF.sub("", value)
        if "${" in rest:
            self.add(node.vpos(key), f"unclosed environment reference in '{key}': expected ${{NAME}}")
        return value

    def seconds(self, node: YMap, key: str) -> float | None:
        if key not in node or node[key] is None:
            return None
        value = node[key]
        if isinstance(value, bool):
            self.add(node.vpos(key), f"expected a duration like 5s for '{key}', got {describe_value(value)}")
            return None
        if isinstance(value, (int, float)):
            secs = float(value)
        else:
            try:
                secs = parse_duration(str(value)).total_seconds()
            except ValueError as exc:
                self.add(node.vpos(key), f"unparsable duration for '{key}': {exc}")
                return None
        if not math.isfinite(secs) or secs < 0:
            self.add(node.vpos(key), f"'{key}' must be a positive duration, got {value!r}")
            return None
        return secs

    def number(self, node: YMap, key: str, low: float, high: float, whole: bool = False) -> float | None:
        if key not in node or node[key] is None:
            return None
        value = node[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (whole and not isinstance(value, int)):
            self.add(node.vpos(key), f"expected {'a whole number' if whole else 'a number'} for '{key}', got {describe_value(value)}")
            return None
        if not low <= value <= high:
            self.add(node.vpos(key), f"'{key}' must be between {low:g} and {high:g}, got {value}")
            return None
        return float(value)

    def keys(self, node: YMap, allowed: list[str], what: str) -> None:
        for key in node:
            if key not in allowed:
                self.add(node.kpos(key), f"unknown key '{key}' in {what}{did_you_mean(str(key), allowed)}")


def _condition(c: _Checker, node: YMap, key: str, unit: str) -> Condition | None:
    text = c.text(node, key)
    if not text:
        return None
    try:
        return parse_condition(text, unit)
    except ValueError as exc:
        c.add(node.vpos(key), f"bad threshold for '{key}': {exc}")
        return None


def parse_tile(node: YMap, path: str, base_dir: str = "") -> tuple[TileSpec | None, list[Problem]]:
    from warroom.yamlio import YMap  # noqa: F811 - at run time, for the checks below
    c = _Checker(path)
    c.keys(node, TILE_KEYS, "tile")
    name = c.text(node, "name", required=True)
    if not name:
        return None, c.problems
    from warroom.ids import slug_problem

    bad_name = slug_problem("tile name", name)
    if bad_name:
        c.add(node.vpos("name"), bad_name)
    spec = TileSpec(name=name, raw=dict(node), base_dir=base_dir)
    spec.label = c.text(node, "label") or name
    source = c.text(node, "source") or "json"
    if source not in SOURCES:
        c.add(node.vpos("source"), f"unknown source '{source}'; expected one of {', '.join(SOURCES)}{did_you_mean(source, SOURCES)}")
        return None, c.problems
    spec.source = source
    told: set[str] = set()
    for other, keys in SOURCE_KEYS.items():
        if other == source:
            continue
        for k in keys:
            if k in node and k not in SOURCE_KEYS[source] and k not in told:
                told.add(k)
                owners = " and ".join(o for o, ks in SOURCE_KEYS.items() if k in ks)
                c.add(node.kpos(k), f"'{k}' does not apply to a {source} tile (it is for {owners} tiles)")
    spec.url = c.env_text(node, "url", required=True)
    if spec.url:
        scheme = spec.url.split("://", 1)[0].lower() if "://" in spec.url else ""
        if not scheme.startswith("${") and not spec.url.startswith("${") and scheme not in ("http", "https"):
            c.add(node.vpos("url"), f"expected an http:// or https:// URL, got {redact_url(spec.url)!r}")
    spec.unit = c.text(node, "unit")
    spec.source_unit = c.text(node, "source_unit")
    if spec.source_unit and spec.unit and unit_family(spec.source_unit) != unit_family(spec.unit):
        c.add(node.vpos("source_unit"), f"'source_unit' {spec.source_unit!r} cannot be converted to the unit {spec.unit!r}")
    scale = c.number(node, "scale", -1e12, 1e12)
    if scale is not None:
        spec.scale = scale

    if source == "json":
        spec.path = c.text(node, "path", required=True, what="json tile")
        if spec.path:
            import jmespath  # only a json tile with a path needs it

            try:
                jmespath.compile(spec.path)
            except jmespath.exceptions.JMESPathError as exc:
                c.add(node.vpos("path"), f"bad JMESPath expression {spec.path!r}: {str(exc).splitlines()[0]}")
    elif source == "prometheus":
        for key in ("select", "ratio_to"):
            text = c.text(node, key, required=key == "select", what="prometheus tile")
            if text:
                try:
                    setattr(spec, key, parse_selector(text))
                except ValueError as exc:
                    c.add(node.vpos(key), str(exc))
        spec.quantile = c.number(node, "quantile", 0.0, 1.0)
        if "rate" in node:
            if not isinstance(node["rate"], bool):
                c.add(node.vpos("rate"), f"expected true or false for 'rate', got {describe_value(node['rate'])}")
            else:
                spec.rate = node["rate"]
        if spec.select and spec.select.metric.endswith("_seconds") and not spec.source_unit:
            spec.source_unit = "s"
    elif source == "promql":
        spec.query = c.text(node, "query", required=True, what="promql tile")
    if source in ("prometheus", "promql") and "aggregate" in node:
        spec.aggregate = c.text(node, "aggregate")
        if spec.aggregate not in AGGREGATES:
            c.add(node.vpos("aggregate"), f"unknown aggregate '{spec.aggregate}'; expected one of {', '.join(AGGREGATES)}"
                  f"{did_you_mean(spec.aggregate, AGGREGATES)}")
            spec.aggregate = ""
        elif spec.aggregate == "none" and spec.ratio_to is not None:
            c.add(node.vpos("aggregate"), "'aggregate: none' cannot go with 'ratio_to' (a ratio divides one number by "
                  "another): use sum or max")
            spec.aggregate = ""
    elif source == "http":
        spec.check = c.text(node, "check") or "status"
        if spec.check not in HTTP_CHECKS:
            c.add(node.vpos("check"), f"unknown check '{spec.check}'; expected one of {', '.join(HTTP_CHECKS)}{did_you_mean(spec.check, HTTP_CHECKS)}")
        spec.pattern = c.text(node, "pattern", required=spec.check in ("contains", "matches"), what=f"'{spec.check}' check")
        if spec.check == "matches" and spec.pattern:
            try:
                re.compile(spec.pattern)
            except re.error as exc:
                c.add(node.vpos("pattern"), f"bad regular expression {spec.pattern!r}: {exc}")
        if spec.check == "response_time":
            spec.source_unit = spec.source_unit or "s"
            spec.unit = spec.unit or "ms"
        if spec.check == "cert_days":
            spec.source_unit = spec.source_unit or "days"
            spec.unit = spec.unit or "days"

    if "enabled" in node:
        if not isinstance(node["enabled"], bool):
            c.add(node.vpos("enabled"), f"expected true or false for 'enabled', got {describe_value(node['enabled'])}")
        else:
            spec.enabled = node["enabled"]

    interval = c.seconds(node, "interval")
    if interval is not None:
        if interval < 0.1:
            c.add(node.vpos("interval"), f"'interval' must be at least 0.1s, got {node['interval']!r}")
        else:
            spec.interval = interval
    timeout = c.seconds(node, "timeout")
    if timeout is not None:
        if timeout <= 0 or timeout >= spec.interval:
            c.add(node.vpos("timeout"), f"'timeout' must be shorter than the interval ({spec.interval:g}s), got {node['timeout']!r}")
        else:
            spec.timeout = timeout
    else:
        spec.timeout = min(5.0, spec.interval * 0.8)
    stale = c.seconds(node, "stale_after")
    spec.stale_after = stale if stale else 2 * spec.interval
    for_ = c.seconds(node, "for")
    spec.for_ = for_ or 0.0
    history = c.number(node, "history", 2, 10000, whole=True)
    if history is not None:
        spec.history = int(history)
    max_bytes = c.number(node, "max_bytes", 1024, 256 * 1024 * 1024, whole=True)
    if max_bytes is not None:
        spec.max_bytes = int(max_bytes)

    th = node.get("threshold")
    if isinstance(th, YMap):
        c.keys(th, THRESHOLD_KEYS, "threshold")
        spec.warn = _condition(c, th, "warn", spec.unit)
        spec.crit = _condition(c, th, "crit", spec.unit)
    elif th is not None:
        spec.crit = _condition(c, node, "threshold", spec.unit)

    headers = node.get("headers")
    if headers is not None:
        if not isinstance(headers, YMap):
            c.add(node.vpos("headers"), f"expected a mapping of header names to values for 'headers', got {describe_value(headers)}")
        else:
            for k in headers:
                spec.headers[str(k)] = c.env_text(headers, k, what="headers")
    tls = node.get("tls")
    if tls is not None:
        if not isinstance(tls, YMap):
            c.add(node.vpos("tls"), f"expected a mapping for 'tls', got {describe_value(tls)}")
        else:
            c.keys(tls, TLS_KEYS, "tls")
            verify = tls.get("verify", True)
            if not isinstance(verify, bool):
                c.add(tls.vpos("verify"), f"expected true or false for 'verify', got {describe_value(verify)}")
                verify = True
            spec.tls = TLSOptions(verify=verify, ca=c.env_text(tls, "ca", what="tls"),
                                  cert=c.env_text(tls, "cert", what="tls"), key=c.env_text(tls, "key", what="tls"))
            if spec.tls.key and not spec.tls.cert:
                c.add(tls.vpos("key"), "'key' needs 'cert' (the client certificate) too")
    return spec, c.problems


def parse_tiles(value: Any, path: str) -> tuple[list[TileSpec], list[Problem]]:
    from warroom.yamlio import YList, YMap  # noqa: F811 - at run time, for the checks below
    problems: list[Problem] = []
    tiles: list[TileSpec] = []
    if value is None:
        return tiles, problems
    if not isinstance(value, YList):
        pos = getattr(value, "pos", (0, 0))
        return tiles, [Problem(path, pos[0], pos[1], f"expected a list for 'tiles', got {describe_value(value)}")]
    from pathlib import Path

    base_dir = str(Path(path).parent)
    seen: dict[str, tuple[int, int]] = {}
    for i, node in enumerate(value):
        pos = value.ipos(i)
        if not isinstance(node, YMap):
            problems.append(Problem(path, pos[0], pos[1], f"expected a tile mapping with a 'name', got {describe_value(node)}"))
            continue
        spec, tile_problems = parse_tile(node, path, base_dir)
        problems.extend(tile_problems)
        if spec is None:
            continue
        if spec.name in seen:
            problems.append(Problem(path, *node.vpos("name"), f"duplicate tile name '{spec.name}' (first at line {seen[spec.name][0]})"))
            continue
        seen[spec.name] = node.vpos("name")
        tiles.append(spec)
    return tiles, problems


def binding_problem(kind: str, threshold: str, tile: TileSpec) -> str | None:
    """What is wrong with a rollback trigger's ``threshold`` for the tile it is bound to.

    A rollback trigger's threshold is its breach condition, in the tile's unit. (A go criterion
    bound to a tile passes on the tile's own threshold; text written on it is only shown.)"""
    if kind != "rollback" or not threshold.strip():
        return None
    try:
        parse_condition(threshold, tile.unit)
    except ValueError as exc:
        return f"bad threshold for tile '{tile.name}': {exc}"
    return None


def rollback_condition(threshold: str, tile: TileSpec) -> Condition | None:
    """A rollback trigger's threshold (a breach condition) in its tile's unit; None = tile CRIT."""
    return parse_condition(threshold, tile.unit) if threshold.strip() else None


_URL_IN_TEXT = re.compile(r"(?i)[a-z][a-z0-9+.-]*://[^\s\"'<>]+")


def redact_urls_in(text: str) -> str:
    """Every ``scheme://user:password@`` in a text (a layout, a diff line) shown as ``user:***@``."""
    return _URL_IN_TEXT.sub(lambda m: redact_url(m.group()), text) if "@" in text else text


def redact_url(url: Any) -> str:
    """``http://user:password@host/`` -> ``http://user:***@host/``; anything else as it is."""
    text = str(url)
    m = re.match(r"(?i)([a-z][a-z0-9+.-]*://)([^/?#]*)@", text)  # to the last @ of the authority, as urlsplit reads it
    if not m:
        return text
    user, colon, _ = m[2].partition(":")
    return m[1] + user + (":***" if colon else "") + "@" + text[m.end():]
