"""The tiles flow's form, without the screen: fields -> a tile, a preview probe, a save.

The screen (``warroom/tui/screens/tiles.py``) keeps one :class:`LayoutDoc` read when the flow
opened; every change of a field is tried on a copy of it (:func:`preview`): checked as a layout
(problems with positions) and, when valid, probed once. :func:`commit` saves the same edit on the
document as read, so a layout saved by someone else meanwhile is refused, not overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from warroom.layout_edit import LayoutDoc, check_text, save

SOURCES = ["http", "prometheus", "promql", "json"]
WHAT_KEY = {"json": "path", "prometheus": "select", "promql": "query", "http": "check"}
WHAT_LABEL = {"json": "JMESPath", "prometheus": "metric selector", "promql": "PromQL query",
              "http": "check (status, response_time, contains, matches, cert_days)"}
_ALL_WHAT = ["path", "select", "query", "check", "pattern", "ratio_to", "quantile", "rate"]


@dataclass
class TileForm:
    name: str = ""
    source: str = "http"
    url: str = ""
    what: str = ""  # the path / select / query / check, by source
    unit: str = ""
    threshold: str = ""
    enabled: bool = True
    label: str = ""

    @classmethod
    def from_node(cls, node: Any) -> "TileForm":
        source = str(node.get("source") or "json")
        th = node.get("threshold")
        threshold = str(th.get("crit", "")) if hasattr(th, "get") else ("" if th is None else str(th))
        return cls(name=str(node.get("name", "")), source=source, url=str(node.get("url") or ""),
                   what=str(node.get(WHAT_KEY.get(source, "path")) or ""), unit=str(node.get("unit") or ""),
                   threshold=threshold, enabled=node.get("enabled", True) is not False, label=str(node.get("label") or ""))

    def changes(self, node: Any | None) -> dict[str, Any]:
        """The keys to set on the tile (None removes one); a warn/crit threshold mapping keeps its warn."""
        out: dict[str, Any] = {"name": self.name.strip()}
        if self.label.strip():
            out["label"] = self.label.strip()
        out["source"] = self.source
        out["url"] = self.url.strip()
        key = WHAT_KEY.get(self.source, "path")
        for k in _ALL_WHAT:
            if node is not None and k in node and k != key and not (self.source == "http" and k == "pattern") \
                    and not (self.source == "prometheus" and k in ("ratio_to", "quantile", "rate")):
                out[k] = None  # a key of another source goes
        out[key] = self.what.strip() or None
        out["unit"] = self.unit.strip() or None
        th = node.get("threshold") if node is not None else None
        if hasattr(th, "get") and self.threshold.strip():
            merged = dict(th)
            merged["crit"] = self.threshold.strip()
            out["threshold"] = merged
        else:
            out["threshold"] = self.threshold.strip() or None
        out["enabled"] = None if self.enabled else False
        return out


def apply(doc: LayoutDoc, form: TileForm, original: str | None) -> None:
    """Put the form's tile into ``doc``: a new tile (``original`` None) or the one named ``original``."""
    if original is None:
        tile = {k: v for k, v in form.changes(None).items() if v is not None}
        doc.add_tile(tile)
        return
    node = doc.tile(original)
    doc.edit_tile(original, form.changes(node))
    if form.name.strip() != original:
        for key in ("criteria", "rollback"):
            for entry in doc.data.get(key) or []:
                if hasattr(entry, "get") and entry.get("tile") == original:
                    entry["tile"] = form.name.strip()


@dataclass
class Preview:
    problems: list[str] = field(default_factory=list)  # path:line:col messages of the edited layout
    result: Any = None  # the probe's TileResult
    skipped: str = ""  # why no probe was made (a placeholder host)
    text: str = ""  # the edited layout

    @property
    def ok(self) -> bool:
        return not self.problems


def preview(doc: LayoutDoc, form: TileForm, original: str | None, probe: bool = True) -> Preview:
    """Try the form on a copy of ``doc``: its problems, else one probe of the tile."""
    from warroom.errors import ActionError
    from warroom.importer.tiles_draft import placeholder_host

    trial = doc.copy()
    try:
        apply(trial, form, original)
    except ActionError as exc:
        return Preview(problems=[str(exc)])
    text = trial.render()
    layout, problems = check_text(text, doc.path)
    if problems or layout is None:
        return Preview(problems=[str(p) for p in problems] or ["the edited layout could not be read"], text=text)
    out = Preview(text=text)
    spec = next((t for t in layout.all_tiles if t.name == form.name.strip()), None)
    if spec is None or not probe:
        return out
    host = placeholder_host(spec.url)
    if host:
        out.skipped = f"not probed: {host} is a placeholder host"
        return out
    from warroom.metrics.probe import probe_specs

    out.result = probe_specs([spec])[spec.name]
    return out


def commit(doc: LayoutDoc, form: TileForm, original: str | None, who: str, journal: Any = None) -> Any:
    """Save the form's tile into the layout as read; raises LayoutChanged if it changed meanwhile."""
    apply(doc, form, original)
    what = f"added tile {form.name.strip()}" if original is None else f"edited tile {original}"
    if original is not None and form.name.strip() != original:
        what += f" (renamed {form.name.strip()})"
    return save(doc, who, what, journal)


def bind(doc: LayoutDoc, criterion: str, tile: str | None, who: str, journal: Any = None) -> Any:
    kind = doc.bind(criterion, tile)
    what = (f"unbound {criterion}" if tile is None else
            f"bound {'rollback trigger' if kind == 'rollback' else 'criterion'} {criterion} to tile {tile}")
    return save(doc, who, what, journal)


def set_enabled(doc: LayoutDoc, tile: str, on: bool, who: str, journal: Any = None) -> Any:
    doc.set_enabled(tile, on)
    return save(doc, who, f"{'enabled' if on else 'disabled'} tile {tile}", journal)
