"""warroom.importer: Markdown launch checklists -> warroom checklist and layout YAML. No Textual.

* ``mojibake``   — BOM / line ends, and UTF-8 that went through cp1252 or Mac Roman (lost bytes too)
* ``parse``      — markdown-it-py block parse -> a small block tree with source lines
* ``boxes``      — check boxes, status marks and the document's own status legend
* ``tables``     — sign-off tables and lines (roles), criteria tables, task tables
* ``thresholds`` — ``≥ 99.8%``, ``< 500ms``, ``Hourly`` -> readable conditions
* ``phases``     — launch-day headings -> phase marks; "Launch Date/Time" -> T-0
* ``build``      — the reading rules: blocks -> Checklist (sections, items, commands), unplaced pieces
* ``launch_parts`` — roles, criteria, rollback triggers, decision options, phases, T-0 (mixed into the builder)
* ``result``     — ImportResult: what was found, assumed, explained (``--explain``) or not placed
* ``layout``     — writing the checklist YAML and the layout that uses it

``warroom.export`` writes the replayed state back as a Markdown task list.
"""
