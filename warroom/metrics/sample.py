"""What one poll of one tile produced: a value, a text, no data, or an error with its reason."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Fetched:
    """An HTTP response as the poller read it (body capped, never the resolved URL or headers)."""

    status: int
    reason: str
    content_type: str
    body: bytes
    elapsed: float  # seconds from sending the request to the last byte
    cert_not_after: float | None = None  # epoch seconds, https only


@dataclass
class Sample:
    t: float  # wall-clock time of the poll (epoch seconds)
    value: float | None = None
    text: str | None = None  # a text value (promql string, json string)
    error: str = ""  # ERROR reason
    nodata: str = ""  # NO DATA reason (empty result, metric absent, rate needs two samples)
    elapsed: float = 0.0
    display: str = ""  # how to show the value when a number would mislead ("found", "missing")
    extra: dict = field(default_factory=dict)
    # several series shown apart (``aggregate: none``): (labels, value), worst first; ``value``
    # is the worst one's. ``series_total`` counts them all (only the first few are kept).
    series: list[tuple[str, float]] = field(default_factory=list)
    series_total: int = 0

    @property
    def ok(self) -> bool:
        return not self.error and not self.nodata and (self.value is not None or self.text is not None)
