"""``${NAME}`` values in tile URLs and headers: put in place safely, never echoed.

A tile's ``url`` and ``headers`` may name environment variables (tokens, passwords, a base
URL). Their values are secrets: they are resolved only when a request is made, and

- in a URL, each value is percent-encoded for the part it stands in (user, password, a path
  segment — ``/`` too, so ``../`` cannot climb out of it — or a query value), so ``PASS='x@127.0.0.1:18812/'`` stays a password and cannot send the request to
  another host or port; a value standing for the whole base URL (``${BASE}/metrics``,
  ``${WARROOM_DEMO_URL:-http://127.0.0.1:8787}/metrics``) is parsed as an http(s) URL and
  refused if it is not one;
- in a header, a value holding a line break or any control character is refused before the
  request (HTTP clients otherwise quote the whole header, secret and all, in their error);
- every message that could carry a value (an HTTP client's error, a server echoing what it
  got) goes through :func:`scrub`, which blanks each secret in every form it may take there
  (as is, percent-encoded, ``repr``-escaped, each line of a multi-line value);
- a URL shown to anyone goes through :func:`redact_url`: ``user:password@`` loses its password.
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping
from urllib.parse import quote, urlsplit, urlunsplit

from warroom.metrics.spec import ENV_REF, EnvError, env_refs, redact_url

__all__ = ["SecretError", "check_headers", "redact_url", "resolve_url", "scrub", "secret_values"]

_TOKEN = "wrsecretref{}x"
_HEADER_BAD = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_URL_BAD = re.compile(r"[\x00-\x20\x7f-\x9f]")
_HOST_OK = re.compile(r"[A-Za-z0-9.\-:\[\]]+")
MASK = "${…}"


class SecretError(EnvError):
    """A ``${NAME}`` value that cannot be used where it stands (the message never holds it)."""


def _lookup(ref: str, env: Mapping[str, str]) -> tuple[str, str]:
    """``(name, value)`` of the reference body ``NAME`` or ``NAME:-default``."""
    name, _, default = ref.partition(":-")
    value = env.get(name)
    if value in (None, ""):
        if ":-" in ref:
            return name, default
        raise EnvError(f"environment variable {name} is not set")
    return name, value


def resolve_url(template: str, env: Mapping[str, str]) -> str:
    """The URL ``template`` with each ``${NAME}`` put in place for the part it stands in."""
    refs = list(ENV_REF.finditer(template))
    if not refs:
        return template
    tokens: dict[str, tuple[str, str]] = {}
    marked = template
    for i, m in enumerate(reversed(refs)):
        token = _TOKEN.format(len(refs) - 1 - i)
        marked = marked[: m.start()] + token + marked[m.end():]
    for i, m in enumerate(refs):
        tokens[_TOKEN.format(i)] = _lookup(m[1], env)
    base = ""
    if not re.match(r"(?i)https?://", marked):  # the URL starts with a reference: it stands for the base URL
        first = _TOKEN.format(0)
        if not marked.startswith(first):
            raise SecretError("the tile's url must start with http://, https:// or a ${NAME} holding such a URL")
        name, value = tokens.pop(first)
        base = _base_url(name, value)
        rest = marked[len(first):]
        if base.endswith("/") and rest.startswith("/"):
            base = base[:-1]
        marked = "http://placeholder.invalid" + rest  # parts after the base are encoded as usual
    parts = urlsplit(marked)
    userinfo, at, hostport = parts.netloc.rpartition("@")
    user, colon, password = userinfo.partition(":")

    def fill(text: str, safe: str, where: str) -> str:
        for token, (name, value) in tokens.items():
            if token in text:
                if where == "host":
                    if not _HOST_OK.fullmatch(value):
                        raise SecretError(f"${{{name}}} in the url's host is not a host name")
                    text = text.replace(token, value)
                else:
                    text = text.replace(token, quote(value, safe=safe))
        return text

    netloc = fill(hostport, "", "host")
    if at:
        netloc = fill(user, "", "user") + (colon + fill(password, "", "password") if colon else "") + "@" + netloc
    url = urlunsplit((parts.scheme, netloc, fill(parts.path, "", "path"), fill(parts.query, "", "query"),
                      fill(parts.fragment, "", "fragment")))
    if base:
        url = base + url[len("http://placeholder.invalid"):]
    return url


def _base_url(name: str, value: str) -> str:
    """A value standing for a whole base URL: an http(s) URL with a host, nothing else."""
    problem = ""
    if _URL_BAD.search(value):
        problem = "holds spaces or control characters"
    else:
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError:
            problem = "is not a URL"
        else:
            if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
                problem = "is not an http:// or https:// URL with a host"
            elif parts.query or parts.fragment:
                problem = "has a query or fragment (a base URL ends at its path)"
    if problem:
        raise SecretError(f"${{{name}}} stands for the tile's base URL but {problem}")
    return value


def check_headers(headers: Mapping[str, str], written: Mapping[str, str]) -> None:
    """Refuse a header whose value holds a line break or control character, naming the variable
    it came from, never the value."""
    for key, value in headers.items():
        if _HEADER_BAD.search(value):
            names = env_refs(written.get(key, ""))
            source = f" (from ${{{names[0]}}})" if names else ""
            raise SecretError(f"header {key}: its value{source} holds a line break or control character; not sent")


def secret_values(texts: Iterable[str], env: Mapping[str, str]) -> list[str]:
    """Every value the ``${NAME}`` references in ``texts`` stand for (short ones too: a
    three-character password is still a password), longest first."""
    out: set[str] = set()
    for text in texts:
        for name in env_refs(text or ""):
            value = env.get(name)
            if value and len(value) >= 3:  # shorter ones would blank every such letter in a message
                out.add(value)
    return sorted(out, key=len, reverse=True)


def _forms(secret: str) -> list[str]:
    """How a secret may appear in a message: as is, percent-encoded, escaped by ``repr`` (of a
    str or of bytes), and each piece between control characters."""
    forms = {secret, quote(secret, safe=""), quote(secret, safe="/"), repr(secret)[1:-1],
             repr(secret.encode("utf-8", "backslashreplace"))[2:-1]}
    forms.update(p for p in re.split(r"[\x00-\x1f\x7f\s]+", secret) if len(p) >= 4)
    return sorted((f for f in forms if f), key=len, reverse=True)


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every form of every secret replaced by ``${…}``."""
    for secret in secrets:
        for form in _forms(secret):
            if form in text:
                text = text.replace(form, MASK)
    return text
