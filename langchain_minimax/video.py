"""Standard LangChain video blocks as MiniMax-M3's `video_url` content parts.

langchain-openai's converter refuses standard `video` blocks. MiniMax-M3 takes
video as `{"type": "video_url", "video_url": {"url": ...}}` user content parts,
with a public URL or a `data:` URL of base64 data, and optional `fps`, `detail`
and `max_long_side_pixel` inside `video_url`. Source: MiniMax's M3 conformance
suite (the public `MiniMax-Provider-Verifier` repository,
`m3_format_check/m3_video_tests.py`), which also documents a 50 MB cap on
base64 video and marks MOV, MKV and AVI containers as known failures (MP4
works).

These functions are pure; errors are raised before anything is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote_to_bytes, urlparse

from langchain_core.messages import BaseMessage

VIDEO_OPTIONS = ("fps", "detail", "max_long_side_pixel")
"""The `video_url` options taken from a block's `extras`."""

MAX_VIDEO_BYTES = 50 * 1024 * 1024
"""The largest base64 video accepted (MiniMax's 50 MB cap), in decoded bytes."""

UNSUPPORTED_CONTAINERS = {
    "video/quicktime": "MOV",
    "video/mov": "MOV",
    "video/x-matroska": "MKV",
    "video/avi": "AVI",
    "video/x-msvideo": "AVI",
    ".mov": "MOV",
    ".mkv": "MKV",
    ".avi": "AVI",
}
"""MIME types and URL file extensions of containers MiniMax-M3 fails on."""


def video_part(block: Mapping[str, Any], where: str) -> dict[str, Any]:
    """The `video_url` content part for a standard `video` block.

    Args:
        block: `{"type": "video", "url": ...}` (a public URL, or a `data:` URL
            checked like base64 data) or `{"type": "video",
            "base64": ..., "mime_type": "video/mp4"}` (also the older
            `source_type`/`data` form), with optional `extras` holding `fps`,
            `detail` or `max_long_side_pixel`, which are passed on.
        where: How to name the block in an error, e.g. `"messages[1]"`.

    Returns:
        `{"type": "video_url", "video_url": {"url": ..., **options}}`, with a
        `data:<mime_type>;base64,...` URL for base64 data.

    Raises:
        ValueError: For a block with neither URL nor base64 data, a container
            MiniMax-M3 fails on (MOV, MKV, AVI; by `mime_type`, the URL's file
            extension or a `data:` URL's media type), or base64 data or a
            `data:` URL over 50 MB (decoded).
    """
    mime_type = str(block.get("mime_type") or "")
    url = block.get("url")
    data = block.get("base64") or block.get("data")
    if isinstance(url, str) and url:
        _check_url(url, mime_type, where)
    elif isinstance(data, str) and data:
        mime_type = mime_type or "video/mp4"
        _check_container(mime_type, where)
        _check_size(_base64_size(data), "base64 video", where)
        url = f"data:{mime_type};base64,{data}"
    else:
        msg = (
            f"{where} has a video block without a URL or base64 data; MiniMax "
            "takes video as a URL or as base64 data (not a file id)."
        )
        raise ValueError(msg)
    extras = block.get("extras") or {}
    options = {key: extras[key] for key in VIDEO_OPTIONS if key in extras}
    return {"type": "video_url", "video_url": {"url": url, **options}}


def _check_url(url: str, mime_type: str, where: str) -> None:
    """Check a video URL: a `data:` URL as base64 data, else its extension."""
    parsed = urlparse(url)
    if parsed.scheme == "data":
        _check_data_url(url, mime_type, where)
    else:
        _check_container(mime_type or f".{parsed.path.rpartition('.')[2]}", where)


def _check_data_url(url: str, mime_type: str, where: str) -> None:
    """Check a `data:<mime type>[;base64],<payload>` URL (RFC 2397) as base64.

    Both the block's `mime_type` and the URL's own are checked, and the size
    is computed from the payload's length, without decoding it: a
    percent-encoded payload decodes to at least its length less two characters
    per `%` (exactly that when every `%` starts an escape, as encoders write
    them), and is decoded only when that bound fits and the length does not.
    """
    header, _, payload = url.partition(",")
    media_type, *params = header.partition(":")[2].split(";")
    for kind in (mime_type, media_type):
        if kind:
            _check_container(kind.strip(), where)
    if params and params[-1].strip().lower() == "base64":
        size = _base64_size(payload)
    else:
        size = len(payload) - 2 * payload.count("%")
        if size <= MAX_VIDEO_BYTES < len(payload):
            size = len(unquote_to_bytes(payload))
    _check_size(size, "video in a data: URL", where)


def _base64_size(data: str) -> int:
    """The decoded size of base64 `data`, in bytes, without decoding it."""
    return len(data) * 3 // 4 - data[-2:].count("=")


def _check_size(size: int, what: str, where: str) -> None:
    if size > MAX_VIDEO_BYTES:
        msg = (
            f"{where} has a {size / 2**20:.1f} MB {what}; MiniMax takes at most "
            "50 MB. Pass a public URL, or a shorter or smaller video."
        )
        raise ValueError(msg)


def _check_container(kind: str, where: str) -> None:
    container = UNSUPPORTED_CONTAINERS.get(kind.lower())
    if container:
        msg = (
            f"{where} has a {container} video ({kind}); MiniMax-M3 fails on MOV, "
            "MKV and AVI containers. Convert it to MP4."
        )
        raise ValueError(msg)


def with_video_parts(messages: list[BaseMessage]) -> list[BaseMessage]:
    """`messages` with every standard `video` block made a `video_url` part.

    Messages without a video block are kept as they are, and `messages` itself
    is returned when none has one; the others are copies, so the caller's
    messages never change. `video_url` parts written by hand are checked as
    the URL of a `video` block is, and sent as they are.

    Raises:
        ValueError: See `video_part`.
    """
    out = []
    changed = False
    for position, message in enumerate(messages):
        content = message.content
        if isinstance(content, list):
            for block in content:
                if isinstance(block, dict) and block.get("type") == "video_url":
                    url = (block.get("video_url") or {}).get("url")
                    if isinstance(url, str):
                        _check_url(url, "", f"messages[{position}]")
        if isinstance(content, list) and any(
            isinstance(block, dict) and block.get("type") == "video"
            for block in content
        ):
            content = [
                video_part(block, f"messages[{position}]")
                if isinstance(block, dict) and block.get("type") == "video"
                else block
                for block in content
            ]
            message = message.model_copy(update={"content": content})
            changed = True
        out.append(message)
    return out if changed else messages
