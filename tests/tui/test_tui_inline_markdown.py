"""Item text keeps its Markdown (export gives it back verbatim); the screen renders it."""

from __future__ import annotations

from warroom.tui.widgets.text import inline_markdown


def test_bold_code_links_and_strike_become_styles_not_symbols():
    text = inline_markdown("**API keys** in `wrangler.toml` — see [runbook](https://x.example) ~~old~~")
    assert text.plain == "API keys in wrangler.toml — see runbook old"
    styles = {text.plain[s.start:s.end]: str(s.style) for s in text.spans}
    assert styles == {"API keys": "bold", "wrangler.toml": "bold cyan", "runbook": "underline", "old": "strike"}


def test_plain_and_escaped_text_stay_as_written():
    assert inline_markdown("Check TLS version >= 1.2").plain == "Check TLS version >= 1.2"
    assert inline_markdown(r"5 \* 3 is not emphasis").plain == "5 * 3 is not emphasis"
    assert inline_markdown("snake_case_name stays").spans == []
