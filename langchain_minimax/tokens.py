"""Offline token counts for MiniMax chat models, calibrated on MiniMax's billing.

MiniMax publishes its tokenizer only with its open-weight models, on a model hub
this package never contacts, and `ChatOpenAI`'s counter would download OpenAI's
`cl100k_base` and then refuse MiniMax model names. So counts are estimated
here, with no file, no dependency and no network:

* **Text** is split into character classes (CJK ideographs, kana, hangul, ASCII
  words, other letters, digits, ASCII punctuation runs, other symbols, line
  breaks), each with a rate in tokens. The rates were fitted to the mean of two
  multilingual BPE vocabularies near MiniMax's 200k in size (OpenAI's
  `o200k_base` and Qwen3.6's) over English, Chinese, Japanese, Markdown,
  Python and JSON samples; the CJK ideograph rate was then raised towards
  MiniMax's own figure for Chinese (its conformance suite measured the first
  1,220,000 characters of *Journey to the West* at about 1.02M prompt tokens).
* **Requests** are counted on the message and tool dicts the package sends
  (`request_tokens`): each message's text and framing, the reasoning each
  assistant turn sends back, tool calls and their arguments, bound tools'
  schemas, a fixed cost per image or video, and the fixed prompt the service
  adds. The framing constants were fitted to the `prompt_tokens` MiniMax
  billed for real requests (MiniMax-M3.1-Flash, the suite's "M3" records:
  `tests/unit_tests/data/m3_prompt_tokens.jsonl`).

Costs are kept in hundredths of a token and rounded once per message, so that
counts add up: a list of messages counts exactly what its messages count one by
one, and no messages count 0. The service's own prompt is added only on request
(`include_service_prompt`), for the billed estimate of one whole request.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from langchain_core.messages import convert_to_messages
from langchain_core.utils.function_calling import convert_to_openai_tool

from langchain_minimax._upstream import openai_payload
from langchain_minimax.reasoning import (
    ANSWER_SEPARATOR,
    readable_messages,
    reasoning_text_from_details,
    think_block,
)
from langchain_minimax.request import build_payload
from langchain_minimax.video import with_video_parts

UNIT = 100
"""Text costs are in hundredths of a token: `UNIT` is one token. The
constants below are in whole tokens."""

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
_KANA = "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"
_HANGUL = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"
_CJK = _HAN + _KANA + _HANGUL
_RATES = {
    "han": 70,  # per CJK ideograph
    "kana": 52,  # per hiragana or katakana character
    "hangul": 80,  # per hangul character
    "other": 35,  # per other letter (Latin with accents, Cyrillic, Greek, ...)
    "wide": 100,  # per other non-ASCII symbol (CJK punctuation, emoji, marks)
    "digit": 80,  # per digit
    "word": 62,  # per run of ASCII letters ...
    "letter": 8,  # ... plus this per letter
    "symbols": 86,  # per run of ASCII punctuation ...
    "symbol": 9,  # ... plus this per character
    "break": 105,  # per line break, with the whitespace after it
}
"""Cost of each character class, in hundredths of a token."""

_PATTERNS = {
    "han": f"[{_HAN}]+",
    "kana": f"[{_KANA}]+",
    "hangul": f"[{_HANGUL}]+",
    "other": rf"[^\W\d_A-Za-z{_CJK}]+",
    "wide": rf"[^\w\s\x00-\x7f{_CJK}]+",
    "digit": r"\d+",
    "word": "[A-Za-z]+",
    "symbols": r"[!-/:-@\[-`{-~]+",
    "break": r"\n\s*",
}
"""Runs of each class. The classes share no character, so a text splits into
the same runs whichever way it is scanned."""

_PER_CHARACTER = ("han", "kana", "hangul", "other", "wide", "digit")
"""Classes costed per character; all but the last have no ASCII character."""

_RUN = {name: re.compile(pattern) for name, pattern in _PATTERNS.items()}
_ANY_RUN = re.compile("|".join(f"(?P<{n}>{p})" for n, p in _PATTERNS.items()))


def _run_cost(name: str, length: int) -> int:
    """The cost of one run of class `name` that is `length` characters long."""
    if name == "word":
        return _RATES["word"] + _RATES["letter"] * length
    if name == "symbols":
        return _RATES["symbols"] + _RATES["symbol"] * length
    if name == "break":
        return _RATES["break"]
    return _RATES[name] * length


def text_cost(text: str) -> int:
    """The estimated cost of `text`, in hundredths of a token.

    Equal to the sum of `_run_cost` over the runs `token_offsets` scans, but
    computed with one `findall` per class (and none for the non-ASCII classes
    when the text is ASCII), which is several times faster.
    """
    classes = _PER_CHARACTER[-1:] if text.isascii() else _PER_CHARACTER
    words = _RUN["word"].findall(text)
    symbols = _RUN["symbols"].findall(text)
    return (
        sum(_RATES[c] * sum(map(len, _RUN[c].findall(text))) for c in classes)
        + _RATES["word"] * len(words)
        + _RATES["letter"] * sum(map(len, words))
        + _RATES["symbols"] * len(symbols)
        + _RATES["symbol"] * sum(map(len, symbols))
        + _RATES["break"] * len(_RUN["break"].findall(text))
    )


def to_tokens(cost: int) -> int:
    """Round a cost in hundredths of a token to whole tokens (halves up)."""
    return (cost + UNIT // 2) // UNIT


def count_tokens(text: str) -> int:
    """The estimated number of MiniMax tokens in `text`.

    Example:
        `count_tokens("Hello, world!")` is 4; `count_tokens("")` is 0.
    """
    return to_tokens(text_cost(text))


def token_offsets(text: str) -> list[int]:
    """Where each estimated token of `text` starts, as character offsets.

    MiniMax's vocabulary is not available offline, so these stand in for token
    ids: there is one per estimated token (`len(token_offsets(t)) ==
    count_tokens(t)`), in increasing order, and `text[offsets[i]:offsets[i + 1]]`
    is the estimated `i`-th token's text.

    Args:
        text: Any text.

    Returns:
        Offsets into `text`, one per token; empty for an empty text.
    """
    offsets: list[int] = []
    spent = UNIT // 2
    for match in _ANY_RUN.finditer(text):
        start, end = match.span()
        before = spent // UNIT
        spent += _run_cost(match.lastgroup or "", end - start)
        new = spent // UNIT - before
        offsets.extend(start + i * (end - start) // new for i in range(new))
    return offsets


SERVICE_PROMPT = 139
"""The prompt MiniMax adds to every request: 139 tokens, counted only for the
billed estimate (`include_service_prompt`).

MiniMax-M3.1-Flash (the suite's "M3" records) billed 152 prompt tokens for a
one-line question with no system message. With `MESSAGE_FRAME` set to one
token (fitted freely, it comes out slightly below zero, which no framing can
be), this and `TOOLS_PROMPT` are the least-squares fit, rounded, to all eight
requests of the calibration file.
"""

MESSAGE_FRAME = 1
"""Per message: role markers and separators, 1 token."""

TOOLS_PROMPT = 136
"""Once per request that binds tools: the service's instructions around the
tool schemas, 136 tokens."""

TOOL_CALL_FRAME = 10
"""Per tool call in an assistant message: the markup around name and
arguments, 10 tokens. No calibration request replays tool calls, so this is
an estimate from the markup's length, not a fitted value."""

IMAGE_TOKENS = 3_400
"""Tokens counted per image. MiniMax's conformance suite gives about 3,400 for
a real photo (scaled to a 2016-pixel long side, 28-pixel patches) and about 600
for a 672x672 image; the larger figure is used so that trimming to a budget
errs on the safe side."""

VIDEO_TOKENS = 4 * IMAGE_TOKENS
"""Tokens counted per video. MiniMax publishes no figure; a video costs
several frames' worth of image tokens, and four images is the assumption."""

_MEDIA_PARTS = frozenset(
    {"image_url", "image", "video_url", "video", "input_audio", "audio", "file"}
)

_SEPARATOR = "\x00"
"""Joins texts costed together: it belongs to no class, so the joined cost is
the sum of the texts' costs."""


def _content_parts(content: Any, texts: list[str]) -> int:
    """Add the texts of message content to `texts`; return its fixed cost."""
    if content is None:
        return 0
    if isinstance(content, str):
        texts.append(content)
        return 0
    fixed = 0
    for part in content:
        kind = part.get("type") if isinstance(part, Mapping) else None
        if isinstance(part, str):
            texts.append(part)
        elif kind == "text":
            texts.append(str(part.get("text", "")))
        elif kind in ("video_url", "video"):
            fixed += VIDEO_TOKENS * UNIT
        elif kind in _MEDIA_PARTS:
            fixed += IMAGE_TOKENS * UNIT
        else:
            texts.append(json.dumps(part, ensure_ascii=False, default=str))
    return fixed


def _reasoning_text(message: Mapping[str, Any]) -> str:
    """Split reasoning, as the think block it stands for ("" for none).

    Inline reasoning is part of `content` already; counting split reasoning the
    same way gives one count whichever mode the model uses.
    """
    reasoning = message.get("reasoning_content")
    if not isinstance(reasoning, str):
        details = message.get("reasoning_details")
        reasoning = reasoning_text_from_details(details) if details else ""
    return think_block(reasoning) + ANSWER_SEPARATOR if reasoning else ""


def _message_parts(message: Mapping[str, Any], texts: list[str]) -> int:
    """Add the texts of an outgoing message dict to `texts`; return its fixed cost."""
    fixed = MESSAGE_FRAME * UNIT + _content_parts(message.get("content"), texts)
    texts.append(_reasoning_text(message))
    for call in message.get("tool_calls") or ():
        function = call.get("function") or {}
        arguments = function.get("arguments")
        if not isinstance(arguments, str):
            arguments = json.dumps(arguments or {}, ensure_ascii=False, default=str)
        texts += (str(function.get("name", "")), arguments)
        fixed += TOOL_CALL_FRAME * UNIT
    return fixed


def request_tokens(
    messages: Iterable[Mapping[str, Any]],
    tools: Iterable[Mapping[str, Any]] = (),
    token_ids: Callable[[str], list[int]] | None = None,
    *,
    include_service_prompt: bool = False,
) -> int:
    """The estimated prompt tokens of a request's messages and tools.

    The count is additive: each message is counted and rounded on its own, so
    counting a list gives the sum of counting its messages one by one (what
    `trim_messages` and the summarization middleware assume), and no messages
    and no tools count 0.

    Args:
        messages: The request's message dicts, as the package sends them:
            `content` (a string or parts), and on assistant messages
            `reasoning_details` or `reasoning_content` and `tool_calls`.
        tools: The request's tool dicts (`{"type": "function", "function":
            {...}}`).
        token_ids: A tokenizer to count text with instead of the estimator;
            the framing constants still apply.
        include_service_prompt: Add `SERVICE_PROMPT`, the prompt the service
            adds to every request: the estimate of the `prompt_tokens` MiniMax
            bills for the request.

    Returns:
        Whole tokens: per message `MESSAGE_FRAME`, its text, its reasoning,
        `IMAGE_TOKENS` per image and `VIDEO_TOKENS` per video part, and per tool
        call `TOOL_CALL_FRAME`, its name and arguments; when there are tools,
        `TOOLS_PROMPT` and each tool's `function` as JSON; `SERVICE_PROMPT`
        when asked for.
    """
    texts: list[str] = []
    total = SERVICE_PROMPT if include_service_prompt else 0
    for message in messages:
        texts.clear()
        fixed = _message_parts(message, texts)
        total += to_tokens(fixed + _texts_cost(texts, token_ids))
    schemas = [json.dumps(t.get("function", t), ensure_ascii=False) for t in tools]
    if schemas:
        total += TOOLS_PROMPT + to_tokens(_texts_cost(schemas, token_ids))
    return total


def _texts_cost(texts: list[str], token_ids: Callable[[str], list[int]] | None) -> int:
    """The cost of `texts`, in hundredths of a token."""
    if token_ids is None:
        return text_cost(_SEPARATOR.join(texts))
    return UNIT * sum(len(token_ids(text)) for text in texts)


def count_messages(
    model: Any,
    messages: Sequence[Any],
    tools: Sequence[Any] | None = None,
    *,
    include_service_prompt: bool = False,
) -> int:
    """`ChatMiniMax.get_num_tokens_from_messages`: count what the model would send.

    The messages go through the request recipe (`request.build_payload`) with
    each system message kept apart, so that counts add up per message; the
    history checks that run before sending do not run, so partial and empty
    histories are counted, not refused.

    Args:
        model: The `ChatMiniMax`.
        messages: The messages (or message-likes).
        tools: Tools in any form `bind_tools` takes, or `None`.
        include_service_prompt: Add the prompt the service adds to every
            request (see `request_tokens`).

    Returns:
        The estimated prompt tokens (see `request_tokens`).

    Raises:
        ValueError: For content MiniMax cannot take as text, or a tool that is
            not a function tool.
    """
    converted = with_video_parts(readable_messages(convert_to_messages(messages)))
    base = openai_payload(model, converted)
    base["tools"] = [convert_to_openai_tool(tool) for tool in tools or ()]
    payload = build_payload(
        base,
        converted,
        model=model.model_name,
        reasoning_split=model.reasoning_split,
        extra_body=model.extra_body,
        merge_system=False,
    )
    return request_tokens(
        payload["messages"],
        payload.get("tools", ()),
        model.custom_get_token_ids,
        include_service_prompt=include_service_prompt,
    )
