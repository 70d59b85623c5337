"""MiniMax's endpoints, and the one check every base URL passes at construction.

Base URLs (MiniMax's docs): international `https://api.minimax.io/v1`,
mainland China `https://api.minimaxi.com/v1`; keys work only on the region
they were issued for. A base URL is checked before anything else about it, in
this order:

1. Empty or whitespace (`base_url=""`, or a blank `MINIMAX_BASE_URL=` line in
   a `.env` file) is a `ValueError` naming where it came from: the `openai`
   client would otherwise fall back to `OPENAI_BASE_URL` or to OpenAI's own
   host, and send MiniMax's key there.
2. Surrounding whitespace is dropped; a URL without an `http(s)` scheme and a
   host is a `ValueError`.
3. A trailing `/chat/completions` (the full endpoint pasted from MiniMax's
   docs or a curl example) is cut: the `openai` client adds it.
4. On MiniMax's own hosts, a URL without a path gets `/v1`; any other path is
   a `ValueError` naming the form to use (the service answers 404 there).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

DEFAULT_BASE_URL = "https://api.minimax.io/v1"
"""MiniMax's international endpoint."""

CHINA_BASE_URL = "https://api.minimaxi.com/v1"
"""MiniMax's mainland-China endpoint. Keys work only on the region they were
issued for."""

BASE_URL_ENV = "MINIMAX_BASE_URL"
"""The environment variable read for the base URL when none is passed."""

_MINIMAX_DOMAINS = ("minimax.io", "minimaxi.com")
_ENDPOINT = "/chat/completions"
_FIELD_NAMES = ("base_url", "minimax_api_base")


def is_minimax_host(base_url: str) -> bool:
    """Whether `base_url` is on one of MiniMax's own hosts (which need a key)."""
    host = urlsplit(base_url).hostname or ""
    return any(host == d or host.endswith(f".{d}") for d in _MINIMAX_DOMAINS)


def check_base_url(value: Any, source: str) -> str:
    """The base URL to use for `value`, normalized, or a `ValueError`.

    Args:
        value: The configured base URL.
        source: Where it came from, for the error: `"base_url"` or
            `"MINIMAX_BASE_URL"`.

    Returns:
        The URL without surrounding whitespace, without a trailing
        `/chat/completions` or `/`, and with `/v1` on a bare MiniMax host.

    Raises:
        ValueError: For an empty or whitespace value, a value that is not an
            `http(s)` URL with a host, or a MiniMax host with a path other
            than `/v1`; the message names `source` and the form to use.
    """
    forms = f"{DEFAULT_BASE_URL!r} (international) or {CHINA_BASE_URL!r} (China)"
    if not isinstance(value, str) or not value.strip():
        unset = (
            f"unset {BASE_URL_ENV} (or remove the blank line from your .env)"
            if source == BASE_URL_ENV
            else "leave base_url out"
        )
        msg = (
            f"{source}={value!r} is empty: MiniMax's key must go to a MiniMax "
            f"endpoint. Use {forms}, or {unset} for the international endpoint."
        )
        raise ValueError(msg)
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        msg = (
            f"{source}={value!r} is not an http(s) URL with a host: use {forms}, "
            "or your proxy's base URL such as 'http://127.0.0.1:8765/v1'."
        )
        raise ValueError(msg)
    path = parts.path.rstrip("/")
    path = path.removesuffix(_ENDPOINT).rstrip("/")
    if is_minimax_host(value):
        path = path or "/v1"
        if path != "/v1":
            expected = urlunsplit((parts.scheme, parts.netloc, "/v1", "", ""))
            msg = (
                f"{source}={value!r} is not MiniMax's OpenAI-compatible "
                f"endpoint: use {expected!r} (the client adds /chat/completions)."
            )
            raise ValueError(msg)
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def with_checked_base_url(data: Any) -> Any:
    """Constructor arguments with the base URL checked (see `check_base_url`).

    A `base_url` (or `minimax_api_base`) argument is checked as given;
    without one, a set `MINIMAX_BASE_URL` is checked and passed on as the
    argument. `None` as an argument is treated as empty.

    Args:
        data: The constructor's keyword arguments (other inputs pass through).

    Returns:
        `data`, or a copy with the normalized `base_url`.
    """
    if not isinstance(data, Mapping):
        return data
    for name in _FIELD_NAMES:
        if name in data:
            return {**data, name: check_base_url(data[name], "base_url")}
    if BASE_URL_ENV in os.environ:
        url = check_base_url(os.environ[BASE_URL_ENV], BASE_URL_ENV)
        return {**data, "base_url": url}
    return data
