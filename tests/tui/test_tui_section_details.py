"""Everything in an imported file is reachable on screen: `enter` on a section shows its
description (the prose, code blocks and tables that are not items), `c` copies a code block
from it like an item's command; a section without a description still folds with `enter`."""

from __future__ import annotations

import io

from rich.console import Console

from tui_support import loaded, make_app, until

from warroom.cli import main

SOURCE = """# Payments cutover

## Rollback

If the canary fails, roll back first and ask questions later.

```bash
kubectl rollout undo deployment/payments
```

| Signal | Limit |
|--------|-------|
| p95 latency | 800ms |

```sql
SELECT count(*) FROM ledger WHERE settled = false;
```

- [ ] Page the on-call

## Checks

- [ ] Smoke test
"""


def _text(renderable) -> str:  # noqa: ANN001
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


async def test_section_details_show_the_description_and_copy_its_code(tmp_path) -> None:
    (tmp_path / "cutover.md").write_text(SOURCE, encoding="utf-8")
    assert main(["import", str(tmp_path / "cutover.md"), "--out-dir", str(tmp_path / "checklists"),
                 "--layout", str(tmp_path / "layouts" / "cutover.yaml")]) == 0
    layout = tmp_path / "layouts" / "cutover.yaml"
    app = make_app(layout, tmp_path / "layouts" / "cutover.journal.yaml")
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        tree = app.main_screen.checklist_panes[0].ctree
        rollback = next(n for n in tree.root.children if n.data == "s:payments-cutover/rollback")
        tree.move_cursor(rollback)
        await pilot.pause()
        await pilot.press("enter")
        assert await until(pilot, lambda: app.screen.__class__.__name__ == "SectionDetailsScreen")
        body = _text(app.screen.render_section())
        assert "roll back first and ask questions later" in body
        assert "kubectl rollout undo deployment/payments" in body and "SELECT count(*) FROM ledger" in body
        assert "p95 latency" in body and "800ms" in body and "─" in body  # the table is drawn, not shown as pipes
        assert "| p95 latency |" not in body
        assert "0 of 1 done" in body
        await pilot.press("c")  # two code blocks: which one?
        assert await until(pilot, lambda: app.screen.__class__.__name__ == "ChoiceScreen")
        await pilot.press("2")
        assert await until(pilot, lambda: app.clipboard == "SELECT count(*) FROM ledger WHERE settled = false;")
        await pilot.press("escape")
        assert await until(pilot, lambda: app.screen.__class__.__name__ == "MainScreen")
        # on the section's line, `c` copies from its description too
        await pilot.press("c")
        assert await until(pilot, lambda: app.screen.__class__.__name__ == "ChoiceScreen")
        await pilot.press("1")
        assert await until(pilot, lambda: app.clipboard == "kubectl rollout undo deployment/payments")
        # a section with no description: enter folds and unfolds it, as before
        checks = next(n for n in tree.root.children if n.data == "s:payments-cutover/checks")
        tree.move_cursor(checks)
        await pilot.pause()
        expanded = checks.is_expanded
        await pilot.press("enter")
        assert await until(pilot, lambda: checks.is_expanded != expanded)
        assert app.screen.__class__.__name__ == "MainScreen"


AFTER = """# Cutover

## Verify

- [ ] Smoke test

Afterwards, compare the ledger totals:

```sql
SELECT sum(amount) FROM ledger;
```
"""


async def test_prose_after_a_sections_list_is_shown_and_its_code_copied(tmp_path) -> None:
    (tmp_path / "c.md").write_text(AFTER, encoding="utf-8")
    assert main(["import", str(tmp_path / "c.md"), "--out-dir", str(tmp_path / "checklists"),
                 "--layout", str(tmp_path / "layouts" / "c.yaml")]) == 0
    app = make_app(tmp_path / "layouts" / "c.yaml", tmp_path / "layouts" / "c.journal.yaml")
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        section = next(s for s in app.room.ws.sections.values() if s.title == "Verify")
        assert "compare the ledger totals" in section.after and not section.description  # kept after the list
        tree = app.main_screen.checklist_panes[0].ctree
        node = next(n for n in tree.root.children if n.data == f"s:{section.id}")
        tree.move_cursor(node)
        await pilot.pause()
        await pilot.press("enter")
        assert await until(pilot, lambda: app.screen.__class__.__name__ == "SectionDetailsScreen")
        body = _text(app.screen.render_section())
        assert "compare the ledger totals" in body and "SELECT sum(amount) FROM ledger;" in body
        await pilot.press("c")
        assert await until(pilot, lambda: app.clipboard == "SELECT sum(amount) FROM ledger;")
