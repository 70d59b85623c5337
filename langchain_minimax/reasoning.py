r"""Pure conversions between MiniMax's reasoning wire format and LangChain messages.

MiniMax returns a model's thinking in one of two shapes, chosen per request by
the `reasoning_split` body field:

* split (`reasoning_split=True`): a `reasoning_details` list beside a clean
  `content`, and on newer service versions a flat `reasoning_content` string too;
* inline (`reasoning_split=False`): `content` holds `<think>\nR\n</think>\n\n`
  followed by the answer, and MiniMax asks for that content back unmodified.

Either way the reasoning text itself, `R`, is what `reasoning_content` holds:
inline, the newline MiniMax puts after `<think>` and the one before `</think>`
are framing, kept in `content` only.

MiniMax's tool-calling guide asks that every assistant turn be sent back with its
reasoning. These functions read reasoning out of response dicts and put it back
onto outgoing assistant dicts; they do no I/O and keep no state.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple, cast

from langchain_core.messages import AIMessage, BaseMessage

THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"
FRAME = "\n"
"""What MiniMax puts after `<think>` and before `</think>`; `ANSWER_SEPARATOR`
follows `</think>`."""
ANSWER_SEPARATOR = "\n\n"
M3_THINK_CLOSE = "</mm:think>"
"""How MiniMax-M3's raw output closes its thinking (vLLM's M3 parser)."""

REASONING_TYPE = "reasoning.text"
REASONING_FORMAT = "MiniMax-response-v1"
REASONING_ID = "reasoning-text-1"
SPLIT_FIELDS = ("reasoning_details", "reasoning_content")
"""The fields MiniMax's split reasoning comes in, on a message or a delta."""


class ThinkSplit(NamedTuple):
    """Inline content cut at its `<think>` tags.

    `join_think` puts the parts and the tags that were present back together
    into exactly the content they came from.
    """

    reasoning: str | None
    """Text between the tags, or `None` when the content has no think block."""
    after: str
    """Text after `</think>`: the answer, with its leading separator kept."""
    closed: bool
    """Whether `</think>` was present (it is not when output was cut short)."""


def has_think_block(content: str) -> bool:
    """Whether inline content starts with a think block, as MiniMax sends it.

    Only a `<think>` at the very start counts, so that an answer which merely
    mentions the tag is never mistaken for reasoning, and so that a stream can
    tell from its first characters which kind of content it carries.
    """
    return content.startswith(THINK_OPEN)


def split_think(content: str) -> ThinkSplit:
    """Cut inline content into the part inside and after its think block.

    Args:
        content: An assistant `content` string as MiniMax sends it without
            `reasoning_split`.

    Returns:
        The parts. Content that does not start with `<think>` is all `after`; a
        think block that was never closed (output cut by a token limit) runs
        to the end.
    """
    if not has_think_block(content):
        return ThinkSplit(None, content, closed=False)
    inner_start = len(THINK_OPEN)
    end = content.find(THINK_CLOSE, inner_start)
    if end == -1:
        return ThinkSplit(content[inner_start:], "", closed=False)
    return ThinkSplit(
        content[inner_start:end], content[end + len(THINK_CLOSE) :], closed=True
    )


def unframe(inner: str, *, closed: bool) -> str:
    r"""The reasoning text inside a think block, without MiniMax's framing.

    Args:
        inner: The text between `<think>` and `</think>` (or the end).
        closed: Whether `</think>` followed; only then is a trailing newline
            framing rather than reasoning.

    Returns:
        `inner` without one leading newline and, when closed, one trailing
        newline: `"\nR\n"` gives `"R"`.
    """
    if inner.startswith(FRAME):
        inner = inner[len(FRAME) :]
    if closed and inner.endswith(FRAME):
        inner = inner[: -len(FRAME)]
    return inner


def inline_reasoning(content: str) -> str | None:
    """The reasoning of inline content, as split mode would give it.

    Returns:
        The text inside the leading think block without its framing newlines
        (see `unframe`), or `None` when the content does not start with one.
    """
    parts = split_think(content)
    if parts.reasoning is None:
        return None
    return unframe(parts.reasoning, closed=parts.closed)


def think_block(reasoning: str) -> str:
    r"""A think block in MiniMax's exact framing, `<think>\nR\n</think>`."""
    return f"{THINK_OPEN}{FRAME}{reasoning}{FRAME}{THINK_CLOSE}"


def contains_think_block(content: str) -> bool:
    """Whether `content` holds a think block anywhere, e.g. wrapped by a library.

    langgraph-supervisor's `include_agent_name="inline"` sends back
    `<name>agent</name><content><think>...</think>...</content>`.
    """
    start = content.find(THINK_OPEN)
    return start != -1 and content.find(THINK_CLOSE, start) != -1


def holds_reasoning(content: str) -> bool:
    """Whether sent content already carries its reasoning, so nothing is added.

    True for a think block anywhere (`contains_think_block`), for the closing
    tag alone (self-hosted servers whose chat template puts `<think>` in the
    prompt answer `R</think>...`) and for M3's raw `<mm:think>` block
    (vLLM's M3 parser).
    """
    return contains_think_block(content) or any(
        tag in content for tag in (THINK_CLOSE, M3_THINK_CLOSE)
    )


def join_think(parts: ThinkSplit) -> str:
    """Rebuild inline content from `split_think` parts (its exact inverse)."""
    if parts.reasoning is None:
        return parts.after
    close = THINK_CLOSE if parts.closed else ""
    return THINK_OPEN + parts.reasoning + close + parts.after


def reasoning_text_from_details(details: Sequence[Any]) -> str:
    """Join the `text` of every `reasoning.text` entry, in list order.

    Args:
        details: A `reasoning_details` list as received.

    Returns:
        The reasoning as one string (empty when there is none).
    """
    return "".join(
        entry["text"]
        for entry in details
        if isinstance(entry, Mapping)
        and entry.get("type", REASONING_TYPE) == REASONING_TYPE
        and isinstance(entry.get("text"), str)
    )


def read_reasoning(message: Mapping[str, Any]) -> dict[str, Any]:
    """Read MiniMax's reasoning fields from a response message or stream delta.

    Args:
        message: The `message` of a choice, or a streamed `delta`.

    Returns:
        The entries for `AIMessage.additional_kwargs`: `reasoning_details` exactly
        as received (when present) and `reasoning_content` as one string, taken
        from the flat field when the service sent one, else from `reasoning`
        (where OpenRouter-style relays put it; then also kept as
        `additional_kwargs["reasoning"]`, so that it goes back in the model's
        own form), else joined from the list. Empty when the message carries
        no split reasoning.
    """
    out: dict[str, Any] = {}
    details = message.get("reasoning_details")
    if isinstance(details, list) and details:
        out["reasoning_details"] = details
    flat = message.get("reasoning_content")
    if isinstance(flat, str):
        out["reasoning_content"] = flat
    elif isinstance(relayed := message.get("reasoning"), str):
        out["reasoning_content"] = out["reasoning"] = relayed
    elif "reasoning_details" in out:
        out["reasoning_content"] = reasoning_text_from_details(details)  # type: ignore[arg-type]
    return out


def make_reasoning_detail(text: str, index: int = 0) -> dict[str, Any]:
    """Build a `reasoning_details` entry in the shape MiniMax sends.

    Used for assistant messages whose reasoning survives only as a string or as
    standard reasoning blocks (from another provider, a hand-built history, or a
    store that dropped `additional_kwargs`).
    """
    return {
        "type": REASONING_TYPE,
        "id": REASONING_ID,
        "format": REASONING_FORMAT,
        "index": index,
        "text": text,
    }


OWN_PROVIDERS = frozenset({"minimax", None})
"""`model_provider` values of messages whose fields are MiniMax's own: this
package's messages and unmarked ones (hand-built histories, stores that keep
no metadata)."""

READABLE_FIELDS = ("reasoning_content", "tool_calls")
"""The only `additional_kwargs` a message of another provider keeps once it is
`readable_by_minimax` (so converting twice changes nothing)."""

OTHER_REASONING_SEPARATOR = "\n\n"
"""What joins several reasoning blocks of another provider's message (OpenAI's
reasoning summaries, Anthropic's thinking blocks) into one reasoning text."""


def readable_by_minimax(message: BaseMessage) -> BaseMessage:
    """An assistant message in the form MiniMax reads: text content, reasoning apart.

    Other providers keep reasoning in forms of their own (Anthropic `thinking`
    blocks with signatures, OpenAI Responses `reasoning` items with summaries,
    Gemini thinking blocks, DeepSeek's `reasoning_content`, standard v1
    blocks). All of them are read from `message.content_blocks`,
    langchain-core's standard translation of each provider's format, never by
    matching raw block types: the standard `reasoning` blocks become
    `additional_kwargs["reasoning_content"]` and the `text` blocks the content;
    everything else (signatures, redacted thinking, server-tool blocks,
    provider fields in `additional_kwargs`) is left out, so it never reaches
    the wire. MiniMax's own messages keep their fields (reasoning goes back
    in the form it came); only list content is flattened the same way.

    Args:
        message: Any message; only `AIMessage`s are converted.

    Returns:
        `message` itself when it needs no change (not an assistant message, or
        one with string content that is MiniMax's, unmarked, or holds no field
        but `READABLE_FIELDS`, as a converted message); otherwise a copy
        with string content, the same tool calls, id, name and metadata.
    """
    if not isinstance(message, AIMessage):
        return message
    own = message.response_metadata.get("model_provider") in OWN_PROVIDERS
    readable = own or set(message.additional_kwargs) <= set(READABLE_FIELDS)
    if readable and isinstance(message.content, str):
        return message
    blocks = message.content_blocks
    reasoning = [
        block["reasoning"]
        for block in blocks
        if block["type"] == "reasoning" and block.get("reasoning")
    ]
    text = "".join(block["text"] for block in blocks if block["type"] == "text")
    if own:
        kwargs = dict(message.additional_kwargs)
        if reasoning and not any(key in kwargs for key in SPLIT_FIELDS):
            kwargs["reasoning_content"] = "".join(reasoning)
    else:
        kwargs = {
            key: message.additional_kwargs[key]
            for key in READABLE_FIELDS[1:]
            if key in message.additional_kwargs
        }
        if reasoning:
            kwargs["reasoning_content"] = OTHER_REASONING_SEPARATOR.join(reasoning)
    return message.model_copy(update={"content": text, "additional_kwargs": kwargs})


def readable_messages(messages: list[BaseMessage]) -> list[BaseMessage]:
    """`messages`, each `readable_by_minimax`; `messages` itself when none changed."""
    out = [readable_by_minimax(message) for message in messages]
    changed = any(new is not old for new, old in zip(out, messages, strict=True))
    return out if changed else messages


def text_of(content: Any) -> str:
    """Flatten assistant content (a string or a list of blocks) to its text."""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return ""
    return "".join(
        block
        if isinstance(block, str)
        else str(block.get("text", ""))
        if isinstance(block, dict) and block.get("type") == "text"
        else ""
        for block in content
    )


def attach_reasoning(
    message_dict: dict[str, Any],
    message: AIMessage,
    *,
    reasoning_split: bool,
    split_field: str = "reasoning_details",
) -> None:
    r"""Put an assistant message's reasoning onto its outgoing request dict.

    The message is first made `readable_by_minimax` (reasoning from any
    provider, read from its standard content blocks). Reasoning then goes back
    in the form it arrived in; reasoning from elsewhere gets the form the
    target model documents. Precedence, most faithful first:

    1. Content that already holds its reasoning (`holds_reasoning`: a
       `<think>` block anywhere, also wrapped by a library as
       langgraph-supervisor does or beside a structured field as some relays
       send it; a closing `</think>` without its opener; M3's `<mm:think>`):
       sent verbatim with no structured field, so the reasoning goes back
       once.
    2. `additional_kwargs["reasoning_details"]` of a MiniMax (or unmarked)
       message: sent exactly as received.
    3. A `reasoning_content` string on a message from MiniMax
       (`response_metadata["model_provider"] == "minimax"`), which is how
       MiniMax-M3.1-Flash answers: sent back as `reasoning_content` in split
       mode, as MiniMax's suite does. Not when a relay sent it as `reasoning`
       (kept in `additional_kwargs["reasoning"]`): that is no MiniMax form,
       so it goes as case 4.
    4. Reasoning from another provider or an unmarked message: in split mode
       sent in `split_field` (the target model's form,
       `profiles.reasoning_field`), as one rebuilt `reasoning_details` entry
       or as `reasoning_content`; inline, rebuilt as a think block in
       MiniMax's framing, `<think>\nR\n</think>\n\n` before the answer (the
       separator is not doubled when the answer starts with it, which
       restores a MiniMax inline answer byte for byte).

    Args:
        message_dict: The dict `ChatOpenAI` built for `message`; its content
            is set to the message's text; changed in place.
        message: The assistant message it was built from.
        reasoning_split: Whether the request asks for split reasoning.
        split_field: `"reasoning_details"` or `"reasoning_content"`: where
            split reasoning of case 4 goes.
    """
    message = cast("AIMessage", readable_by_minimax(message))
    kwargs = message.additional_kwargs
    answer = text_of(message.content)
    if isinstance(message_dict.get("content"), list):
        message_dict["content"] = answer
    sent = message_dict.get("content")
    if isinstance(sent, str) and holds_reasoning(sent):
        return
    details = kwargs.get("reasoning_details")
    if isinstance(details, list) and details:
        message_dict["reasoning_details"] = details
        return
    reasoning = kwargs.get("reasoning_content")
    if not isinstance(reasoning, str) or not reasoning:
        return
    if reasoning_split:
        from_minimax = message.response_metadata.get("model_provider") == "minimax"
        if from_minimax and "reasoning" not in kwargs:
            split_field = "reasoning_content"
        if split_field == "reasoning_content":
            message_dict["reasoning_content"] = reasoning
        else:
            message_dict["reasoning_details"] = [make_reasoning_detail(reasoning)]
    else:
        separator = "" if answer.startswith(ANSWER_SEPARATOR) else ANSWER_SEPARATOR
        message_dict["content"] = think_block(reasoning) + separator + answer
