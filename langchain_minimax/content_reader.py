r"""Reading one message's `content` piece by piece: think blocks and tool-call markup.

`invoke` feeds a message's whole `content` as one final piece; a stream feeds
each chunk's piece in order. The same state machine reads both, so a summed
stream has the content, reasoning and tool calls of the non-streamed message
by construction. What it reads:

* A think block at the start of `content` (`<think>`, or `<mm:think>` in
  MiniMax-M3's raw output): its text, without MiniMax's framing newlines, is
  the message's reasoning unless the message carries a structured reasoning
  field (`reasoning_split`, or a server that sends both). `content` keeps the
  block byte for byte, as MiniMax wants it back. A tag cut across chunks is
  held back until the next chunk shows what it is.
* An opener-less block (`reasoning</think>\n\nanswer`, from servers whose chat
  template puts `<think>` in the prompt), read only in inline mode
  (`reasoning_split=False`) and only when `</think>` comes before any other
  tag. Streamed text is not held back for it: its reasoning is given at once,
  on the piece in which `</think>` arrives.
* MiniMax's raw tool-call markup, when tools are bound (see `tool_markup`):
  each block becomes tool calls and leaves `content`; text before and after
  it stays. A stream holds back text from where a block may start (a `<` or
  `]` that can begin the opening tag) until the block closes or the text
  shows it is no block; text without those characters passes at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from langchain_minimax.reasoning import FRAME, THINK_CLOSE, THINK_OPEN
from langchain_minimax.tool_markup import (
    FENCE,
    MarkupCall,
    block_start,
    parse_block,
    partial_opening,
)

M3_THINK_OPEN = "<mm:think>"
M3_THINK_CLOSE = "</mm:think>"
"""MiniMax-M3's thinking tags in raw output (vLLM's MiniMax-M3 parser)."""

THINK_TAGS = ((THINK_OPEN, THINK_CLOSE), (M3_THINK_OPEN, M3_THINK_CLOSE))

_TAG = re.compile(r"<[A-Za-z/!]")
"""What counts as another tag before an opener-less block's `</think>`."""

_START, _THINKING, _ANSWER = range(3)


class Reading(NamedTuple):
    """What one piece of content reads as."""

    content: str
    """The piece's content as it goes on the message: as received, without
    tool-call markup, and without what is held back for the next piece."""
    reasoning: str | None
    """Reasoning read from the content (a think block's text), or `None`."""
    calls: list[MarkupCall]
    """Tool calls read from markup that closed in this piece."""


def _partial_suffix(text: str, tag: str) -> int:
    """Length of the longest suffix of `text` that is a proper prefix of `tag`."""
    for size in range(min(len(tag) - 1, len(text)), 0, -1):
        if text.endswith(tag[:size]):
            return size
    return 0


def _ticks(text: str) -> int:
    """How many backticks end `text` (at most two: a fence cut across pieces)."""
    return min(len(text) - len(text.rstrip("`")), 2)


class ContentReader:
    """Reads the `content` of one message, fed in pieces (see the module doc).

    Args:
        inline: Whether the request asked for inline reasoning
            (`reasoning_split=False`); only then is an opener-less block read.
        tools: The bound tools' parameter schemas by name; markup is read
            only when there is at least one.
        seed: The response id, from which markup calls get their ids.
    """

    def __init__(self, *, inline: bool, tools: Mapping[str, Any], seed: str) -> None:
        self._tools = tools
        self._seed = seed
        self._phase = _START
        self._close = THINK_CLOSE
        self._held = ""
        """A possible cut think tag, held back (phases START and THINKING)."""
        self._bare: list[str] | None = [] if inline else None
        self._tail = ""
        self._pending = ""
        """A possible cut opening tag of markup, held back (phase ANSWER)."""
        self._block: list[str] | None = None
        self._closing = ""
        self._fenced = False
        self._ticks = 0
        self._calls = 0
        self.structured = False
        """Whether the message carries a structured reasoning field; set by
        the caller, it makes the think block's text not count as reasoning."""

    def read(self, piece: str, *, final: bool) -> Reading:
        """Read the next piece of content.

        Args:
            piece: The piece as received.
            final: Whether no more content follows (the whole content of a
                non-streamed message, or the end of a stream).

        Returns:
            What the piece reads as.
        """
        if self._phase == _ANSWER:
            reasoning = self._opener_less(piece) if self._bare is not None else None
            content, calls = self._answer(piece, final=final)
            return Reading(content, reasoning, calls)
        text = self._held + piece
        self._held = ""
        if self._phase == _THINKING:
            shown, reasoning, rest = self._think(text, final=final)
            content, calls = self._answer(rest, final=final)
            return Reading(shown + content, reasoning, calls)
        for opening, closing in THINK_TAGS:
            if text.startswith(opening) and (len(text) > len(opening) or final):
                self._phase, self._close, self._bare = _THINKING, closing, None
                head, inner = opening, text[len(opening) :]
                if inner.startswith(FRAME):
                    head, inner = head + FRAME, inner[len(FRAME) :]
                shown, reasoning, rest = self._think(inner, final=final)
                content, calls = self._answer(rest, final=final)
                return Reading(head + shown + content, reasoning, calls)
            if not final and (opening + FRAME).startswith(text):
                self._held = text
                return Reading("", None, [])
        self._phase = _ANSWER
        return self.read(text, final=final)

    def _think(self, text: str, *, final: bool) -> tuple[str, str | None, str]:
        """Read text inside the think block.

        Returns:
            The content shown for it (up to and including the closing tag),
            the reasoning piece (`None` when the structured field is the
            message's reasoning), and the text after the closing tag.
        """
        end = text.find(self._close)
        if end != -1:
            self._phase = _ANSWER
            piece = text[:end].removesuffix(FRAME)
            cut = end + len(self._close)
            shown, rest = text[:cut], text[cut:]
        else:
            held = 0
            if not final:
                held = max(
                    _partial_suffix(text, FRAME + self._close),
                    _partial_suffix(text, self._close),
                )
            self._held = text[len(text) - held :] if held else ""
            piece = shown = text[: len(text) - held]
            rest = ""
        return shown, (None if self.structured else piece), rest

    def _opener_less(self, text: str) -> str | None:
        """Read text that may belong to an opener-less think block.

        Returns:
            The block's whole reasoning on the piece where `</think>` arrives
            before any other tag (`None` when the structured field is the
            message's reasoning), else `None`.
        """
        bare = self._bare
        assert bare is not None
        tail = self._tail
        if "<" not in text and "<" not in tail:
            bare.append(text)
            self._tail = (tail + text)[-len(THINK_CLOSE) :]
            return None
        joined = tail + text
        end = joined.find(THINK_CLOSE)
        limit = end if end != -1 else len(joined) - _partial_suffix(joined, THINK_CLOSE)
        tag = _TAG.search(joined, 0, limit)
        if tag is not None:
            self._bare = None
            return None
        if end == -1:
            bare.append(text)
            self._tail = joined[-len(THINK_CLOSE) :]
            return None
        self._bare = None
        before = "".join(bare)
        before = (
            before[: len(before) - len(tail) + end]
            if end < len(tail)
            else (before + joined[len(tail) : end])
        )
        if self.structured:
            return None
        return before.removeprefix(FRAME).removesuffix(FRAME)

    def _answer(self, text: str, *, final: bool) -> tuple[str, list[MarkupCall]]:
        """Read answer text: markup becomes calls, the rest is content."""
        if not self._tools:
            return text, []
        calls: list[MarkupCall] = []
        shown = ""
        while True:
            if self._block is not None:
                self._block.append(text)
                block = "".join(self._block)
                end = block.find(self._closing)
                if end == -1:
                    if final:
                        self._block = None
                        calls += self._parse(block)
                    return shown, calls
                self._block = None
                cut = end + len(self._closing)
                calls += self._parse(block[:cut])
                text = block[cut:]
                continue
            text = self._pending + text
            self._pending = ""
            if "<" not in text and "]" not in text and "`" not in text:
                self._ticks = 0
                return shown + text, calls
            found = block_start(text, fenced=self._fenced, ticks=self._ticks)
            if found is None:
                held = 0 if final else partial_opening(text)
                before = text[: len(text) - held]
                self._pending = text[len(before) :]
                self._follow_fences(before)
                return shown + before, calls
            start, self._closing = found
            self._follow_fences(text[:start])
            shown += text[:start]
            self._block = []
            text = text[start:]

    def _follow_fences(self, text: str) -> None:
        """Keep track of whether the shown text is inside a code fence."""
        if "`" not in text:
            if text:
                self._ticks = 0
            return
        joined = "`" * self._ticks + text
        self._fenced ^= bool(joined.count(FENCE) % 2)
        self._ticks = _ticks(joined.rsplit(FENCE, 1)[-1] if FENCE in joined else joined)

    def _parse(self, block: str) -> list[MarkupCall]:
        calls = parse_block(block, self._tools, self._seed, self._calls + 1)
        self._calls += len(calls)
        return calls
