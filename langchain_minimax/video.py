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
from urllib.parse import urlparse

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
        block: `{"type": "video", "url": ...}` or `{"type": "video",
            "base64": ..., "mime_type": "video/mp4"}` (also the older
            `source_type`/`data` form), with optional `extras` holding `fps`,
            `detail` or `max_long_side_pixel`, which are passed on.
        where: How to name the block in an error, e.g. `"messages[1]"`.

    Returns:
        `{"type": "video_url", "video_url": {"url": ..., **options}}`, with a
        `data:<mime_type>;base64,...` URL for base64 data.

    Raises:
        ValueError: For a block with neither URL nor base64 data, a container
            MiniMax-M3 fails on (MOV, MKV, AVI), or base64 data over 50 MB.
    """
    mime_type = str(block.get("mime_type") or "")
    url = block.get("url")
    data = block.get("base64") or block.get("data")
    if isinstance(url, str) and url:
        suffix = urlparse(url).path.rpartition(".")[2].lower()
        _check_container(mime_type or f".{suffix}", where)
    elif isinstance(data, str) and data:
        mime_type = mime_type or "video/mp4"
        _check_container(mime_type, where)
        size = len(data) * 3 // 4 - data[-2:].count("=")
        if size > MAX_VIDEO_BYTES:
            msg = (
                f"{where} has a {size / 2**20:.1f} MB base64 video; MiniMax takes "
                "at most 50 MB. Pass a URL, or a shorter or smaller video."
            )
            raise ValueError(msg)
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
    messages never change.

    Raises:
        ValueError: See `video_part`.
    """
    out = []
    changed = False
    for position, message in enumerate(messages):
        content = message.content
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
