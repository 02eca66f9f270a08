"""Importer speed, as a ratio to markdown-it-py's own parse of the same file, measured in one run.

    .venv/bin/python bench/importer.py [--items 10000] [--repeat 5]

Generates a realistic Markdown launch checklist with N check-box items (nested items, status
boxes with a legend, fenced commands, sign-off and go/no-go tables, launch-day phase headings,
prose, a sprinkling of cp1252 mojibake), then times

* ``warroom.importer.build.import_text`` (mojibake repair, parse, build the checklist), and
* ``MarkdownIt("commonmark").enable("table").parse`` of the same text (the baseline),

each as the best of ``--repeat`` runs. Target: ratio <= 3.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from markdown_it import MarkdownIt  # noqa: E402

from warroom.importer.build import import_text  # noqa: E402

WORDS = ("verify deploy rollback canary database migration cache redis api gateway latency error rate "
         "dashboard alert on-call runbook secrets tls certificate dns load test backup restore feature flag "
         "monitoring tracing logging support status page announcement smoke p95 cpu memory queue worker").split()
PHASES = ["T-24 Hours", "T-4 Hours", "T-1 Hour", "Launch (T-0)", "Post-Launch (T+1 hour)", "First 4 Hours",
          "First 24 Hours", "Week 1"]
BOXES = ["[ ]", "[ ]", "[ ]", "[x]", "[🟢]", "[🟡]", "[🔴]", "✅"]


def _mojibake(text: str) -> str:
    return text.encode("utf-8").decode("cp1252", errors="ignore")


def generate(n_items: int, seed: int = 7) -> str:
    rnd = random.Random(seed)
    out = ["# Big Launch Checklist", "", "**Launch Date:** 2026-03-01 14:00 UTC", "",
           "## Status Legend", "- 🟢 Complete", "- 🟡 In progress", "- 🔴 Not started", ""]
    items = 0
    section = 0
    while items < n_items:
        section += 1
        title = PHASES[section % len(PHASES)] if section % 5 == 0 else f"{section}. {' '.join(rnd.sample(WORDS, 3)).title()}"
        if section % 7 == 0:
            title += " " + _mojibake("✅")
        out += [f"## {title}", "", " ".join(rnd.choices(WORDS, k=25)) + ".", ""]
        for sub in range(3):
            out += [f"### {' '.join(rnd.sample(WORDS, 2)).title()} {sub + 1}", ""]
            for _ in range(10):
                if items >= n_items:
                    break
                box = rnd.choice(BOXES)
                text = " ".join(rnd.choices(WORDS, k=rnd.randint(3, 9)))
                if rnd.random() < 0.1:
                    text += f" `{rnd.choice(WORDS)}.sh --env prod`"
                if rnd.random() < 0.05:
                    text += " " + _mojibake("≥ 99.9% 🚀")
                out.append(f"- {box} **{text.capitalize()}**")
                items += 1
                for _ in range(rnd.choice((0, 0, 1, 2, 3))):
                    if items >= n_items:
                        break
                    out.append(f"  - [ ] {' '.join(rnd.choices(WORDS, k=rnd.randint(3, 8)))}")
                    items += 1
                if rnd.random() < 0.08:
                    out += ["  ```bash", f"  kubectl rollout status deploy/{rnd.choice(WORDS)} -n prod", "  ```"]
                if rnd.random() < 0.1:
                    out.append(f"  - note: {' '.join(rnd.choices(WORDS, k=8))}")
            out.append("")
        if section % 10 == 0:
            out += ["| Criterion | Threshold | Actual | Status |", "|---|---|---|---|",
                    "| Error Rate | < 0.1% | _ | ⏳ |", "| P95 | < 500ms | _ | ⏳ |", ""]
    out += ["## Sign-Off", "", "| Role | Name | Date | Signature |", "|---|---|---|---|",
            "| Tech Lead | Ana | | |", "| SRE | Bo | | |", ""]
    return "\n".join(out) + "\n"


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--items", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    text = generate(args.items)
    md = MarkdownIt("commonmark").enable("table")
    result = import_text(text, "bench.md")
    counts = result.counts()
    if counts["items"] != args.items:
        print(f"warning: generated {args.items} items but imported {counts['items']}", file=sys.stderr)
    base = best_of(lambda: md.parse(text), args.repeat)
    ours = best_of(lambda: import_text(text, "bench.md"), args.repeat)
    ratio = ours / base
    print(f"file: {len(text):,} bytes, {text.count(chr(10)):,} lines; imported {counts['items']:,} items, "
          f"{counts['sections']:,} sections, {counts['commands']:,} commands, {counts['phases']} phases")
    print(f"import {args.items:,} items: {ours:.2f} s; markdown-it-py parse: {base:.2f} s; "
          f"ratio {ratio:.2f} (target <= 3)")
    # the real corpus (tests/importer/corpus/): 14 public checklists, imported one after the other
    corpus = [p.read_text(encoding="utf-8") for p in sorted((REPO / "tests" / "importer" / "corpus").glob("*.md"))
              if p.name != "SOURCES.md"]
    if corpus:
        cbase = best_of(lambda: [md.parse(t) for t in corpus], args.repeat)
        cours = best_of(lambda: [import_text(t, "corpus.md") for t in corpus], args.repeat)
        print(f"real corpus ({len(corpus)} files, {sum(len(t) for t in corpus):,} bytes): {cours * 1000:.0f} ms; "
              f"markdown-it-py parse: {cbase * 1000:.0f} ms; ratio {cours / cbase:.2f} (target <= 3)")
        ratio = max(ratio, cours / cbase)
    return 0 if ratio <= 3 else 1


if __name__ == "__main__":
    sys.exit(main())
