r"""MiniMax's raw tool-call markup, read into tool calls.

Without a tool parser (self-hosted vLLM or SGLang, some gateways, MiniMax's
Anthropic endpoint) the model's own tool-call format reaches `content` as
text, with `finish_reason: "stop"` (minimax-api.md, "Output that reaches
clients from other servers"; the format as vLLM's MiniMax-M2 tool parser
documents it):

* MiniMax-M2.x: `<minimax:tool_call>\n<invoke name="NAME">\n<parameter
  name="ARG">VALUE</parameter>\n</invoke>\n</minimax:tool_call>`;
* MiniMax-M3 (reported from a gateway, MiniMax-M3 issue #31): every tag
  prefixed with the token `]<]minimax[>[`, and each argument an element named
  after the parameter: `]<]minimax[>[<tool_call>\n]<]minimax[>[<invoke
  name="read_file">]<]minimax[>[<path>src/main.rs]<]minimax[>[</path>...`.

Values are text; each is typed by the bound tool's JSON schema as vLLM's
parser types it (`null` is `None`; strings stay raw; integers, numbers and
booleans are converted; objects and arrays are parsed as JSON; a value that
does not convert stays a string). Markup inside a Markdown code fence is text.
Pure functions, no state: the reader (`reader.ContentReader`) finds where a
block starts and ends, also across stream chunks.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Mapping
from typing import Any, NamedTuple

M3_TOKEN = "]<]minimax[>["
"""The token MiniMax-M3 puts before every tag of its raw tool-call markup."""

BLOCKS = (
    ("<minimax:tool_call>", "</minimax:tool_call>"),
    (M3_TOKEN + "<tool_call>", M3_TOKEN + "</tool_call>"),
)
"""The opening and closing tags of a block of calls, M2.x's then M3's."""

TAG_START = frozenset("<]")
"""The characters a block's opening tag can start with: text without them
cannot start markup, so it is never scanned."""

FENCE = "```"

_INVOKE = re.compile(r'<invoke name="([^"]*)">(.*?)</invoke>', re.DOTALL)
_ARGUMENT = re.compile(
    r'<parameter name="([^"]*)">(.*?)</parameter>|<([A-Za-z_][\w.-]*)>(.*?)</\3>',
    re.DOTALL,
)


class MarkupCall(NamedTuple):
    """One call read from markup, valid or not."""

    name: str | None
    arguments: str
    """JSON object text for a valid call; the raw markup for an invalid one."""
    id: str
    error: str | None
    """Why the call cannot run (`None` for a valid call)."""


def block_start(
    text: str, *, fenced: bool = False, ticks: int = 0
) -> tuple[int, str] | None:
    """Where the first block of markup opens in `text`, outside code fences.

    Args:
        text: Content text.
        fenced: Whether the text before `text` left a code fence open.
        ticks: How many backticks ended the text before `text` (a fence may
            be cut across pieces).

    Returns:
        The position of the opening tag and the matching closing tag, or
        `None` when no block opens in `text`.
    """
    prefix = "`" * ticks
    found: tuple[int, str] | None = None
    for opening, closing in BLOCKS:
        position = text.find(opening)
        while position != -1 and fenced ^ bool(
            (prefix + text[:position]).count(FENCE) % 2
        ):
            position = text.find(opening, position + 1)
        if position != -1 and (found is None or position < found[0]):
            found = (position, closing)
    return found


def partial_opening(text: str) -> int:
    """Length of the longest end of `text` that may be a cut opening tag."""
    longest = 0
    for opening, _ in BLOCKS:
        for size in range(min(len(opening) - 1, len(text)), longest, -1):
            if text.endswith(opening[:size]):
                longest = size
                break
    return longest


def call_id(seed: str, position: int) -> str:
    """A tool-call id in MiniMax's form, `call_function_<digits>_<n>`.

    The digits are a checksum of `seed` (the response id and the markup), so
    a message read from a stream gets the ids it gets from `invoke`.
    """
    return f"call_function_{zlib.crc32(seed.encode()):010d}_{position}"


def _schema_type(schema: Any) -> str:
    kind = schema.get("type") if isinstance(schema, Mapping) else None
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    return kind if isinstance(kind, str) else ""


def typed_value(text: str, schema: Any) -> Any:
    """A parameter's text typed by its JSON schema, as vLLM's parser types it.

    Args:
        text: The value as written between the tags, without one leading and
            one trailing newline.
        schema: The parameter's JSON schema (`{}` if the tool has none).

    Returns:
        `None` for `null`; the text for strings and unknown types; an `int`,
        `float` or `bool` for those types when the text is one; the parsed
        JSON for objects and arrays when it parses; else the text.
    """
    if text.lower() == "null":
        return None
    kind = _schema_type(schema)
    if kind in ("", "string"):
        return text
    try:
        if kind == "integer":
            return int(text)
        if kind == "number":
            number = float(text)
            return int(number) if number.is_integer() else number
    except ValueError:
        return text
    if kind == "boolean":
        lowered = text.lower()
        return lowered == "true" if lowered in ("true", "false") else text
    try:
        return json.loads(text)
    except ValueError:
        return text


def _unwrap(value: str) -> str:
    if value.startswith("\n"):
        value = value[1:]
    return value.removesuffix("\n")


def _leftover(body: str, pattern: re.Pattern[str]) -> str:
    """What of `body` the matches of `pattern` leave, whitespace gone."""
    return pattern.sub("", body).strip()


def parse_block(
    block: str, tools: Mapping[str, Any], seed: str, first: int
) -> list[MarkupCall]:
    """The calls of one whole block of markup.

    Args:
        block: The block, from its opening to its closing tag (or to the end
            of the message, for a block never closed).
        tools: The bound tools' parameter schemas by tool name.
        seed: The response id, to make the ids from.
        first: The 1-based position of the block's first call in its message.

    Returns:
        One valid call per `<invoke>` of a bound tool whose parameters parse.
        A call of a tool that is not bound, and a block that does not parse
        (never closed, no `<invoke>`, or text beside the calls), is invalid:
        its `arguments` are the raw markup, with an `error` saying why.
    """
    closed = any(block.endswith(closing) for _, closing in BLOCKS)
    inner = block
    for opening, closing in BLOCKS:
        if inner.startswith(opening):
            inner = inner[len(opening) :].removesuffix(closing)
    inner = inner.replace(M3_TOKEN, "")
    invokes = list(_INVOKE.finditer(inner))
    seed = f"{seed}\0{block}"
    if not closed or not invokes or _leftover(inner, _INVOKE):
        why = (
            "the block of tool-call markup was never closed"
            if not closed
            else "the tool-call markup does not parse"
        )
        name = invokes[0].group(1) if invokes else None
        return [MarkupCall(name, block, call_id(seed, first), f"Not a call: {why}.")]
    calls = []
    for offset, invoke in enumerate(invokes):
        name, body = invoke.group(1), invoke.group(2)
        identifier = call_id(seed, first + offset)
        if name not in tools:
            error = f"{name!r} is not a bound tool; bound: {sorted(tools)}."
            calls.append(MarkupCall(name, invoke.group(0), identifier, error))
            continue
        if _leftover(body, _ARGUMENT):
            error = "The tool-call markup does not parse."
            calls.append(MarkupCall(name, invoke.group(0), identifier, error))
            continue
        properties = (tools[name] or {}).get("properties") or {}
        arguments = {}
        for match in _ARGUMENT.finditer(body):
            key = match.group(1) if match.group(1) is not None else match.group(3)
            text = match.group(2) if match.group(1) is not None else match.group(4)
            arguments[key] = typed_value(_unwrap(text), properties.get(key, {}))
        text = json.dumps(arguments, ensure_ascii=False)
        calls.append(MarkupCall(name, text, identifier, None))
    return calls


def bound_tools(tools: Any) -> dict[str, Any]:
    """The parameter schemas of a request's `tools`, by function name.

    Args:
        tools: The `tools` passed to the call (OpenAI-format dicts, as
            `bind_tools` binds them), or `None`.
    """
    out: dict[str, Any] = {}
    for tool in tools or ():
        function = tool.get("function") if isinstance(tool, Mapping) else None
        if isinstance(function, Mapping) and isinstance(function.get("name"), str):
            out[function["name"]] = function.get("parameters") or {}
    return out
