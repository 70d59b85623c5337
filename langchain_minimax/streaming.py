"""Per-stream state that makes MiniMax's chunks add up to the non-streamed message.

Two things cannot be done chunk by chunk without memory of the stream:

* MiniMax repeats `type`, `id` and `format` on every `reasoning_details`
  fragment, and langchain-core's chunk addition concatenates every string but
  `id`. Keeping those keys on the first fragment of each `index` only makes the
  standard `+` rebuild exactly the non-streamed list.
* Without `reasoning_split`, `<think>` and `</think>` can be cut anywhere across
  chunks. The state holds back a possible partial tag until the next chunk shows
  what it is, so each chunk's reasoning piece can be put in
  `additional_kwargs["reasoning_content"]` while `content` stays verbatim.

The state also notices whether a `finish_reason` ever arrived. One state object
serves one `_stream`/`_astream` call; the work per chunk does not grow with what
was already streamed.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessageChunk
from langchain_core.outputs import ChatGenerationChunk

from langchain_minimax.reasoning import THINK_CLOSE, THINK_OPEN

_REPEATED_DETAIL_KEYS = ("type", "id", "format")

_START, _THINKING, _ANSWER = range(3)


def _partial_tag_suffix(text: str, tag: str) -> int:
    """Length of the longest suffix of `text` that is a proper prefix of `tag`."""
    for size in range(min(len(tag) - 1, len(text)), 0, -1):
        if text.endswith(tag[:size]):
            return size
    return 0


class StreamState:
    """Normalizes the chunks of one MiniMax stream, in order."""

    def __init__(self) -> None:
        self._seen_indexes: set[Any] = set()
        self._phase = _START
        self._held = ""
        self.finish_reason: str | None = None

    def process(self, chunk: ChatGenerationChunk) -> ChatGenerationChunk:
        """Normalize one chunk in place and return it.

        Args:
            chunk: A chunk from `ChatOpenAI`'s chunk conversion.

        Returns:
            The same chunk, with repeated reasoning keys removed and, in inline
            mode, its reasoning piece recorded and any partial tag held back.
        """
        message = chunk.message
        if not isinstance(message, AIMessageChunk):
            return chunk
        info = chunk.generation_info
        finish_reason = info.get("finish_reason") if info else None
        if finish_reason:
            self.finish_reason = finish_reason
        kwargs = message.additional_kwargs
        details = kwargs.get("reasoning_details")
        if details:
            kwargs["reasoning_details"] = self._dedupe(
                details, kwargs.get("reasoning_content")
            )
        # Once past the think block (or without one) content passes unchanged.
        content = message.content
        if (
            self._phase != _ANSWER
            and isinstance(content, str)
            and (content or self._held)
        ):
            self._inline(message, final=bool(finish_reason))
        return chunk

    def flush(self) -> ChatGenerationChunk | None:
        """A last chunk with any text still held back, if the stream ended early."""
        if not self._held:
            return None
        message = AIMessageChunk(content="")
        self._inline(message, final=True)
        return ChatGenerationChunk(message=message)

    def _dedupe(self, details: list[Any], flat: Any) -> list[Any]:
        """Drop the repeated keys; share the text with an equal flat string.

        MiniMax sends each reasoning piece twice, in `reasoning_content` and in
        the one `reasoning_details` entry. Pointing the entry at the flat
        string when they are equal keeps one copy per chunk in memory (the
        stream keeps every chunk until it ends); the values are unchanged.
        """
        share = isinstance(flat, str) and len(details) == 1
        out = []
        for entry in details:
            if not isinstance(entry, dict) or "index" not in entry:
                out.append(entry)
            elif entry["index"] in self._seen_indexes:
                trimmed = entry.copy()
                for key in _REPEATED_DETAIL_KEYS:
                    trimmed.pop(key, None)
                if share and trimmed.get("text") == flat:
                    trimmed["text"] = flat
                out.append(trimmed)
            else:
                self._seen_indexes.add(entry["index"])
                out.append(entry)
        return out

    def _inline(self, message: AIMessageChunk, *, final: bool) -> None:
        """Track `<think>` across chunks for one chunk's content."""
        text = self._held + message.content  # type: ignore[operator]
        self._held = ""
        if self._phase == _START:
            if text.startswith(THINK_OPEN):
                self._phase = _THINKING
                self._think_piece(message, text[len(THINK_OPEN) :], final=final)
                message.content = text[: len(text) - len(self._held)]
                return
            if not final and THINK_OPEN.startswith(text):
                self._held = text
                message.content = ""
                return
            self._phase = _ANSWER
            message.content = text
            return
        if self._phase == _THINKING:
            self._think_piece(message, text, final=final)
            message.content = text[: len(text) - len(self._held)]
            return
        message.content = text

    def _think_piece(self, message: AIMessageChunk, text: str, *, final: bool) -> None:
        """Record the reasoning part of `text`, which starts inside the block."""
        end = text.find(THINK_CLOSE)
        if end != -1:
            self._phase = _ANSWER
            piece = text[:end]
        else:
            held = 0 if final else _partial_tag_suffix(text, THINK_CLOSE)
            self._held = text[len(text) - held :] if held else ""
            piece = text[: len(text) - held]
        message.additional_kwargs["reasoning_content"] = (
            message.additional_kwargs.get("reasoning_content", "") + piece
        )
