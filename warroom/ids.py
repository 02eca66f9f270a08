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


_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def slug_problem(what: str, value: str) -> str | None:
    """Why ``value`` is not a slug (lowercase letters, digits, single dashes between them), naming
    the first character that is not allowed; None when it is one."""
    if _SLUG.fullmatch(value):
        return None
    shown = value if value.isprintable() else value.encode("unicode_escape").decode("ascii")
    bad = next((ch for ch in value if not ("a" <= ch <= "z" or "0" <= ch <= "9" or ch == "-")), None)
    if bad is None:
        why = "a dash only goes between letters or digits"
    elif bad == " ":
        why = "a space is not allowed"
    elif bad.isprintable():
        why = f"'{bad}' is not allowed" + (" (lowercase only)" if bad.isupper() else "")
    else:
        why = f"U+{ord(bad):04X} is not allowed"
    return f"{what} '{shown}' must be a slug of lowercase letters, digits and dashes: {why} (e.g. '{slugify(value, 'tile')}')"
