"""A layout change that points tiles somewhere new waits for each operator's yes: no URL form
slips a new host past that review."""

from __future__ import annotations

from warroom.layout_watch import sensitive_changes


def _tiles(*urls: str) -> dict:
    return {"tiles": [{"name": f"t{i}", "url": u} for i, u in enumerate(urls)]}


def test_a_reference_inside_a_host_does_not_hide_the_new_host() -> None:
    before = _tiles("http://${PROM_HOST}/metrics")
    assert sensitive_changes(before, _tiles("http://${PROM_HOST}.evil.example/metrics")) == [
        "adds the host ${prom_host}.evil.example"]
    assert sensitive_changes(before, _tiles("http://${PROM_HOST}evil.example/metrics")) == [
        "adds the host ${prom_host}evil.example"]
    assert sensitive_changes(before, _tiles("http://${PROM_HOST}/other")) == []  # the same host: no review


def test_userinfo_ports_and_defaults_are_read_as_the_client_reads_them() -> None:
    before = _tiles("http://known.example/metrics")
    assert sensitive_changes(before, _tiles("http://known.example@evil.example/")) == ["adds the host evil.example"]
    assert sensitive_changes(before, _tiles("http://u:p@ss@evil.example/")) == ["adds the host evil.example"]
    assert sensitive_changes(before, _tiles("http://a@known.example@evil.example/")) == ["adds the host evil.example"]
    assert sensitive_changes(before, _tiles("http://known.example:9090/x")) == []
    assert sensitive_changes(before, _tiles("${PROM:-http://evil.example:9090}/x")) == [
        "adds the host evil.example", "adds the environment reference ${PROM}"]


def test_a_look_alike_host_is_shown_in_its_ascii_form() -> None:
    before = _tiles("http://known.example/metrics")
    (reason,) = sensitive_changes(before, _tiles("http://kn\u043ewn.example/metrics"))  # a Cyrillic о
    assert reason == "adds the host xn--knwn-65d.example (non-ASCII: kn\u043ewn.example)"
