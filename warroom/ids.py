"""Readable, stable slugs for sections and items."""

from __future__ import annotations

import re
import unicodedata

_MAX = 48


def slugify(text: str, fallback: str = "item") -> str:
    """``"**API Key Configuration**"`` -> ``api-key-configuration``. Emoji and markup are dropped."""
    norm = unicodedata.normalize("NFKD", str(text))
    ascii_ = norm.encode("ascii", "ignore").decode("ascii").lower()
    ascii_ = ascii_.replace("&", " and ")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_).strip("-")
    if len(slug) > _MAX:
        cut = slug[:_MAX]
        slug = cut.rsplit("-", 1)[0] if "-" in cut[_MAX // 2 :] else cut
    return slug or fallback


def unique(slug: str, taken: set[str]) -> str:
    """``slug``, or ``slug-2``, ``slug-3``... whichever is not in ``taken`` (which is updated)."""
    candidate, n = slug, 2
    while candidate in taken:
        candidate = f"{slug}-{n}"
        n += 1
    taken.add(candidate)
    return candidate
