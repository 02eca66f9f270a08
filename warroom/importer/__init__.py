"""warroom.importer: Markdown launch checklists -> warroom checklist and layout YAML. No Textual.

* ``mojibake``   — BOM / line ends, and UTF-8 that went through cp1252 or Mac Roman (lost bytes too)
* ``parse``      — markdown-it-py block parse -> a small block tree with source lines
* ``boxes``      — check boxes, status marks and the document's own status legend
* ``tables``     — sign-off tables and lines (roles), criteria tables, task tables
* ``thresholds`` — ``≥ 99.8%``, ``< 500ms``, ``Hourly`` -> readable conditions
* ``phases``     — launch-day headings -> phase marks; "Launch Date/Time" -> T-0
* ``build``      — the reading rules: blocks -> Checklist, roles, criteria, phases, unplaced pieces
* ``layout``     — writing the checklist YAML and the layout that uses it
* ``cli``        — ``warroom import`` and ``warroom export``

``warroom.export`` writes the replayed state back as a Markdown task list.
"""
