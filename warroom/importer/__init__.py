"""warroom.importer: Markdown launch checklists -> warroom checklist and layout YAML. No Textual."""
