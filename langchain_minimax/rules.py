"""The one table of request rules MiniMax enforces, for the model and the emulator.

Standard library only. Each `Rule` reads the wire-shaped request body (the
JSON object that goes over HTTP, `extra_body` fields merged in) and names the
parameter, the value and what is allowed. Two readers use the same table, so
they cannot drift:

- `ChatMiniMax` runs `check_before_sending` on the body it built: a broken
  rule raises `ValueError` (or warns, where sources disagree on what the
  service does) and nothing is sent.
- The emulator (`langchain_minimax.testing`) runs `emulator_error`: a broken
  rule the service enforces is answered with HTTP 400, MiniMax's envelope,
  code 2013 and the same message.

Where the facts come from is in each rule's `source` (the names are those of
`minimax-api.md`'s sources: "MiniMax's docs", "MiniMax's suite" for the
`MiniMax-Provider-Verifier` conformance suite, "seen" for a live capture).

To add a rule: write a function `Request -> Violation | None` and append a
`Rule` to `RULES` (the order is the order of the checks; the first broken rule
answers).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from langchain_minimax.model_table import (
    M2_TEMPERATURE,
    REASONING_EFFORTS,
    THINKING_TYPES,
    MiniMaxModel,
    model_row,
)

__all__ = [
    "RULES",
    "Request",
    "Rule",
    "Violation",
    "EFFORT_ALIASES",
    "check_before_sending",
    "check_settings",
    "emulator_error",
    "estimated_prompt_tokens",
    "violations",
]

EFFORT_ALIASES = {"minimal": "low"}
"""`reasoning_effort` values MiniMax maps to one of its own (suite); the
request module sends the mapped value."""

_LENGTH_FIELDS = ("max_tokens", "max_completion_tokens")

_DEFAULT_CONTEXT_WINDOW = 204_800
"""The prompt size the emulator accepts for a model outside the table."""

_STANDARD_ROLES = ("system", "user", "assistant", "tool")
_ANY_ROLE = (*_STANDARD_ROLES, "root")
"""Roles allowed for a model outside the table: any role some MiniMax model
takes (a new model should not need a release)."""

_TEXT_PART = "text"
_MEDIA_PARTS = ("image_url", "video_url")
"""The media content parts MiniMax documents (M3: images and video)."""


class Violation(NamedTuple):
    """One broken rule: where in the body, the value found, and what is allowed."""

    parameter: str
    """Where in the body, e.g. `"top_p"` or `"messages[2].role"`."""
    value: Any
    """The value found there."""
    allowed: str
    """What is allowed instead, in words."""

    @property
    def message(self) -> str:
        """The error text shared by `ValueError` and the emulator's 400."""
        value = repr(self.value)
        if len(value) > 80:
            value = value[:77] + "..."
        return f"{self.parameter}={value} is not accepted: {self.allowed}"


@dataclass(frozen=True)
class Request:
    """What a rule looks at: the body and the model's row."""

    body: Mapping[str, Any]
    """The wire-shaped request body."""
    row: MiniMaxModel | None
    """The model table's row for `body["model"]`; `None` for an unknown model."""
    models: Collection[str] | None = None
    """The model names accepted (the emulator's); `None` accepts any name."""
    context_limit_tokens: int | None = None
    """The largest prompt the emulator accepts; `None` for the model's window."""

    @property
    def model(self) -> str:
        """The model name as sent (`""` when missing or not a string)."""
        model = self.body.get("model")
        return model if isinstance(model, str) else ""

    def messages(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """The message objects of the body with their positions."""
        messages = self.body.get("messages")
        if isinstance(messages, list):
            for position, message in enumerate(messages):
                if isinstance(message, dict):
                    yield position, message


Action = Literal["raise", "warn", "unchecked"]


class Rule(NamedTuple):
    """One rule MiniMax applies to a request."""

    name: str
    """A short id, e.g. `"top_p_range"`."""
    parameter: str
    """The parameter it is about, e.g. `"top_p"` or `"messages"`."""
    source: str
    """Where the fact comes from (see the module docstring)."""
    check: Callable[[Request], Violation | None]
    """Returns the first violation in the request, or `None`."""
    service_rejects: bool = True
    """Whether the service answers a violation with HTTP 400 / 2013 (the
    emulator does the same). `False`: the service accepts and ignores it, and
    only the pre-send check (which says so) catches it."""
    before_sending: Action = "raise"
    """What `ChatMiniMax` does before sending: `"raise"` a `ValueError`,
    `"warn"` (where the sources disagree whether the service enforces it), or
    `"unchecked"` (the rule cannot be checked locally; `reason` says why)."""
    reason: str = ""
    """Why a rule is `"unchecked"` before sending."""


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# -- body and model ---------------------------------------------------------


def _body_object(request: Request) -> Violation | None:
    if isinstance(request.body, Mapping):
        return None
    return Violation("body", request.body, "a JSON object")


def _model_named(request: Request) -> Violation | None:
    if request.model.strip():
        return None
    return Violation("model", request.body.get("model"), "a non-empty model name")


def _model_known(request: Request) -> Violation | None:
    if request.models is None or request.model in request.models:
        return None
    return Violation("model", request.model, "a model MiniMax serves (unknown model)")


def _n_one(request: Request) -> Violation | None:
    n = request.body.get("n")
    if n is None or (type(n) is int and n == 1):
        return None
    return Violation("n", n, "1 only (MiniMax returns one choice)")


# -- sampling ---------------------------------------------------------------


def _temperature(request: Request) -> Violation | None:
    value = request.body.get("temperature")
    if value is None:
        return None
    allowed = request.row.temperature if request.row else M2_TEMPERATURE
    if _number(value) and allowed.allows(value):
        return None
    hint = (
        " (for the most deterministic output use a small positive value such as "
        "0.01; MiniMax recommends 1.0)"
        if _number(value) and value <= allowed.low
        else ""
    )
    name = request.model or "the model"
    return Violation("temperature", value, f"a number in {allowed} for {name}{hint}")


def _top_p(request: Request) -> Violation | None:
    value = request.body.get("top_p")
    if value is None or (_number(value) and 0.0 < value <= 1.0):
        return None
    return Violation("top_p", value, "a number in (0, 1]")


def _max_tokens(request: Request) -> Violation | None:
    for name in _LENGTH_FIELDS:
        value = request.body.get(name)
        if value is not None and (type(value) is not int or value < 1):
            return Violation(name, value, "a positive integer")
    return None


def _output_limit(request: Request, *, enforced: bool) -> Violation | None:
    row = request.row
    if row is None or row.output_limit_enforced is not enforced:
        return None
    for name in _LENGTH_FIELDS:
        value = request.body.get(name)
        if type(value) is int and value > row.max_output_tokens:
            note = "" if enforced else " (the largest value MiniMax documents)"
            return Violation(
                name,
                value,
                f"at most {row.max_output_tokens} for {row.name}{note}",
            )
    return None


def _enforced_output_limit(request: Request) -> Violation | None:
    return _output_limit(request, enforced=True)


def _disputed_output_limit(request: Request) -> Violation | None:
    return _output_limit(request, enforced=False)


# -- thinking ---------------------------------------------------------------


def _thinking_types(request: Request) -> tuple[str, ...]:
    return request.row.thinking_types if request.row else THINKING_TYPES


def _thinking(request: Request) -> Violation | None:
    thinking = request.body.get("thinking")
    if thinking is None:
        return None
    kind = thinking.get("type") if isinstance(thinking, Mapping) else None
    allowed = _thinking_types(request)
    if kind in allowed:
        return None
    choices = " or ".join(f"{{'type': {t!r}}}" for t in allowed)
    why = (
        f"; {request.model}'s thinking cannot be switched off"
        if kind in THINKING_TYPES
        else ""
    )
    return Violation("thinking", thinking, f"{choices}{why}")


def _effort_none(request: Request) -> Violation | None:
    if request.body.get("reasoning_effort") != "none":
        return None
    if "disabled" in _thinking_types(request):
        return None
    return Violation(
        "reasoning_effort",
        "none",
        f"low, medium, high, xhigh or max: {request.model}'s thinking is always on",
    )


def _effort_value(request: Request) -> Violation | None:
    effort = request.body.get("reasoning_effort")
    if effort is None or effort in REASONING_EFFORTS or effort in EFFORT_ALIASES:
        return None
    hint = (
        "; to switch thinking off use thinking={'type': 'disabled'} (MiniMax-M3)"
        if effort == "none"
        else ""
    )
    return Violation(
        "reasoning_effort",
        effort,
        f"one of {', '.join(REASONING_EFFORTS)} ('minimal' is sent as 'low'){hint}",
    )


# -- messages ---------------------------------------------------------------


def _messages_present(request: Request) -> Violation | None:
    messages = request.body.get("messages")
    if isinstance(messages, list) and messages:
        return None
    return Violation("messages", messages, "a non-empty list of messages")


def _roles(request: Request) -> Violation | None:
    roles = request.row.roles if request.row else _ANY_ROLE
    messages = request.body.get("messages")
    for position, message in enumerate(messages if isinstance(messages, list) else []):
        role = message.get("role") if isinstance(message, dict) else None
        if role not in roles:
            return Violation(
                f"messages[{position}].role",
                role,
                f"one of {', '.join(roles)} for {request.model or 'the model'}",
            )
    return None


def _system_first(request: Request) -> Violation | None:
    started = False
    for position, message in request.messages():
        role = message.get("role")
        if role == "system" and started:
            return Violation(
                f"messages[{position}].role",
                role,
                "system messages only before the conversation (invalid chat setting)",
            )
        if role not in ("system", "root"):
            started = True
    return None


def _one_system(request: Request) -> Violation | None:
    if request.row is None or request.row.several_system_messages:
        return None
    systems = [p for p, m in request.messages() if m.get("role") == "system"]
    if len(systems) < 2:
        return None
    return Violation(
        f"messages[{systems[1]}].role",
        "system",
        f"one system message for {request.model} (invalid chat setting)",
    )


def _content_parts(request: Request) -> Violation | None:
    media = request.row is None or request.row.image_inputs
    for position, message in request.messages():
        content = message.get("content")
        if not isinstance(content, list):
            continue
        for index, part in enumerate(content):
            where = f"messages[{position}].content[{index}]"
            if isinstance(part, str):
                continue  # a bare string part is text
            kind = part.get("type") if isinstance(part, dict) else None
            if kind == _TEXT_PART:
                if not isinstance(part.get("text"), str):
                    return Violation(f"{where}.text", part.get("text"), "a string")
            elif kind in _MEDIA_PARTS and not media:
                return Violation(
                    f"{where}.type",
                    kind,
                    f"text only for {request.model} (image and video input: "
                    "MiniMax-M3)",
                )
            elif kind not in _MEDIA_PARTS:
                return Violation(
                    f"{where}.type",
                    kind,
                    f"one of {', '.join((_TEXT_PART, *_MEDIA_PARTS))}",
                )
    return None


def _tool_calls(message: Mapping[str, Any]) -> list[Any]:
    """A message's `tool_calls` when it is a list, else none."""
    calls = message.get("tool_calls")
    return calls if isinstance(calls, list) else []


def _tool_calls_shape(request: Request) -> Violation | None:
    for position, message in request.messages():
        calls = message.get("tool_calls")
        where = f"messages[{position}].tool_calls"
        if calls is None or message.get("role") != "assistant":
            continue
        if not isinstance(calls, list):
            return Violation(where, calls, "a list of tool calls")
        for index, call in enumerate(calls):
            if not isinstance(call, dict):
                return Violation(f"{where}[{index}]", call, _TOOL_CALL)
            call_id = call.get("id")
            if not isinstance(call_id, str) or not call_id:
                return Violation(f"{where}[{index}].id", call_id, "a non-empty string")
            function = call.get("function")
            if not isinstance(function, dict):
                return Violation(f"{where}[{index}].function", function, _FUNCTION)
            name = function.get("name")
            if not isinstance(name, str) or not name:
                return Violation(
                    f"{where}[{index}].function.name", name, "a non-empty string"
                )
    return None


_TOOL_CALL = "an object with an id and a function (name and arguments)"
_FUNCTION = "an object with a name and JSON arguments"


def _text_encodable(request: Request) -> Violation | None:
    try:  # the common case in one pass of the C encoder, then find where
        text = json.dumps(request.body, ensure_ascii=False)
    except (TypeError, ValueError):
        text = "\ud800"  # not all JSON: walk it
    if _SURROGATE.search(text) is None:
        return None
    found = _lone_surrogate(request.body, "")
    if found is None:
        return None
    where, text, offset = found
    return Violation(
        where.lstrip("."),
        text,
        f"text UTF-8 can encode (a lone surrogate {text[offset]!r} at character "
        f"{offset} has no UTF-8 form; replace it, e.g. with U+FFFD)",
    )


_SURROGATE = re.compile("[\ud800-\udfff]")


def _lone_surrogate(value: Any, where: str) -> tuple[str, str, int] | None:
    """The first string in `value` holding a lone surrogate: where, it, offset."""
    if isinstance(value, str):
        match = _SURROGATE.search(value)
        return None if match is None else (where, value, match.start())
    if isinstance(value, Mapping):
        items: Any = ((f"{where}.{key}", item) for key, item in value.items())
    elif isinstance(value, (list, tuple)):
        items = ((f"{where}[{index}]", item) for index, item in enumerate(value))
    else:
        return None
    for path, item in items:
        found = _lone_surrogate(item, path)
        if found is not None:
            return found
    return None


def _tool_call_arguments(request: Request) -> Violation | None:
    for position, message in request.messages():
        if message.get("role") != "assistant":
            continue
        for index, call in enumerate(_tool_calls(message)):
            function = call.get("function") if isinstance(call, dict) else None
            arguments = (
                function.get("arguments") if isinstance(function, dict) else None
            )
            try:
                if not isinstance(arguments, str):
                    raise ValueError(arguments)
                json.loads(arguments)
            except ValueError:
                return Violation(
                    f"messages[{position}].tool_calls[{index}].function.arguments",
                    arguments,
                    "a JSON string (invalid function arguments json string)",
                )
    return None


def _tool_results_issued(request: Request) -> Violation | None:
    issued: set[str] = set()
    for position, message in request.messages():
        if message.get("role") == "assistant":
            for call in _tool_calls(message):
                if isinstance(call, dict) and isinstance(call.get("id"), str):
                    issued.add(call["id"])
        elif message.get("role") == "tool":
            call_id = message.get("tool_call_id")
            if not isinstance(call_id, str) or call_id not in issued:
                return Violation(
                    f"messages[{position}].tool_call_id",
                    call_id,
                    "the id of a tool call an earlier assistant message made "
                    "(tool result's tool id not found)",
                )
    return None


def _tool_results_whole(request: Request) -> Violation | None:
    messages = request.body.get("messages")
    messages = messages if isinstance(messages, list) else []
    for position, message in request.messages():
        if message.get("role") != "assistant":
            continue
        ids = [
            call.get("id")
            for call in _tool_calls(message)
            if isinstance(call, dict) and isinstance(call.get("id"), str)
        ]
        answered = set()
        for reply in itertools.islice(messages, position + 1, None):
            if not isinstance(reply, dict) or reply.get("role") != "tool":
                break
            if isinstance(reply.get("tool_call_id"), str):
                answered.add(reply["tool_call_id"])
        missing = [call_id for call_id in ids if call_id not in answered]
        if answered and missing:
            return Violation(
                f"messages[{position}].tool_calls",
                missing,
                "a tool result for every call of the turn (tool calls answered "
                "only in part); answer the others, e.g. with "
                "langchain_minimax.answer_dangling_tool_calls(messages), which "
                "adds a 'not executed' ToolMessage for each",
            )
    return None


def _tool_content(request: Request) -> Violation | None:
    for position, message in request.messages():
        if message.get("role") == "tool" and isinstance(message.get("content"), dict):
            return Violation(
                f"messages[{position}].content",
                message["content"],
                "a string (tool message content must be a string)",
            )
    return None


# -- tools ------------------------------------------------------------------


def _tools(request: Request) -> Violation | None:
    tools = request.body.get("tools")
    if tools is None:
        return None
    if not isinstance(tools, list) or not tools:
        return Violation(
            "tools", tools, "a non-empty list of function tools (or no `tools`)"
        )
    for index, tool in enumerate(tools):
        kind = tool.get("type") if isinstance(tool, dict) else None
        if kind != "function":
            return Violation(
                f"tools[{index}].type", kind, "'function' (invalid tool type)"
            )
        function = tool.get("function")
        name = function.get("name") if isinstance(function, dict) else None
        if not isinstance(name, str) or not name:
            return Violation(
                f"tools[{index}].function.name",
                name,
                "a non-empty name (function name is empty)",
            )
        if not function.get("parameters"):
            return Violation(
                f"tools[{index}].function.parameters",
                function.get("parameters"),
                "a JSON schema object (function parameters is empty)",
            )
    return None


# -- size -------------------------------------------------------------------


def estimated_prompt_tokens(messages: Any) -> int:
    """The emulator's prompt size: `len(json.dumps(messages)) // 4 + 1`."""
    try:
        return len(json.dumps(messages)) // 4 + 1
    except (TypeError, ValueError):
        return len(repr(messages)) // 4 + 1


def _context_window(request: Request) -> Violation | None:
    limit = request.context_limit_tokens
    if limit is None:
        limit = request.row.max_input_tokens if request.row else _DEFAULT_CONTEXT_WINDOW
    size = estimated_prompt_tokens(request.body.get("messages"))
    if size <= limit:
        return None
    return Violation(
        "messages",
        f"about {size} tokens",
        f"at most {limit} prompt tokens (context window exceeds limit)",
    )


_MINIMAX_DOCS = "MiniMax's docs"
_SEEN = "seen in a live capture"
_SUITE = "MiniMax-Provider-Verifier suite"

_MERGED = (
    "the request recipe sends one leading system message "
    "(request.apply_message_rules merges them)"
)
_HISTORY = (
    "request.check_history_rules checks it before sending, naming the input's positions"
)

RULES: tuple[Rule, ...] = (
    Rule("body_object", "body", _SEEN, _body_object),
    Rule("model_named", "model", _SEEN, _model_named),
    Rule(
        "model_known",
        "model",
        f"{_SEEN} (unknown model: 400/2013)",
        _model_known,
        before_sending="unchecked",
        reason="a model released after the package must not need a release",
    ),
    Rule("n_one", "n", f"{_MINIMAX_DOCS} (n: only 1)", _n_one),
    Rule(
        "temperature_range",
        "temperature",
        f"{_MINIMAX_DOCS} ((0, 1] for M2.x; [0, 2] in the later spec for M3)",
        _temperature,
    ),
    Rule("top_p_range", "top_p", f"{_MINIMAX_DOCS} (top_p: (0, 1])", _top_p),
    Rule("max_tokens_positive", "max_tokens", _SEEN, _max_tokens),
    Rule(
        "output_limit",
        "max_tokens",
        f"{_SEEN} (M3: does not support max tokens > 524288)",
        _enforced_output_limit,
    ),
    Rule(
        "disputed_output_limit",
        "max_tokens",
        f"{_MINIMAX_DOCS} (M2.x spec), {_SEEN} (disputed: not seen enforced)",
        _disputed_output_limit,
        service_rejects=False,
        before_sending="warn",
    ),
    Rule("thinking_type", "thinking", f"{_MINIMAX_DOCS}, {_SUITE}", _thinking),
    Rule("effort_none", "reasoning_effort", _SUITE, _effort_none),
    Rule(
        "effort_value",
        "reasoning_effort",
        f"{_SUITE} (out-of-enum values are ignored)",
        _effort_value,
        service_rejects=False,
    ),
    Rule("messages_present", "messages", _SEEN, _messages_present),
    Rule("message_role", "messages", f"{_SUITE} (root on M3)", _roles),
    Rule(
        "system_first",
        "messages",
        _SEEN,
        _system_first,
        before_sending="unchecked",
        reason=_MERGED,
    ),
    Rule(
        "one_system",
        "messages",
        f"{_SEEN} (M2.x); {_SUITE} (M3)",
        _one_system,
        before_sending="unchecked",
        reason=_MERGED,
    ),
    Rule("content_parts", "messages", f"{_MINIMAX_DOCS}, {_SUITE}", _content_parts),
    Rule(
        "tool_calls_shape",
        "messages",
        "inferred: OpenAI's Chat Completions schema requires each call's id and "
        "function name (not seen live)",
        _tool_calls_shape,
    ),
    Rule(
        "tool_call_arguments",
        "messages",
        _SEEN,
        _tool_call_arguments,
        before_sending="unchecked",
        reason="the request recipe sends every call's arguments as a JSON object "
        "(request.replay_tool_calls; {} with a warning for broken ones)",
    ),
    Rule(
        "tool_results_issued",
        "messages",
        f"{_SEEN}, {_SUITE}",
        _tool_results_issued,
        before_sending="unchecked",
        reason=_HISTORY,
    ),
    Rule(
        "tool_results_whole",
        "messages",
        _SUITE,
        _tool_results_whole,
    ),
    Rule("tool_content_string", "messages", _SUITE, _tool_content),
    Rule("tools_valid", "tools", _SEEN, _tools),
    Rule(
        "text_encodable",
        "body",
        "inferred: the body goes as UTF-8 JSON (RFC 8259), which has no form "
        "for a lone surrogate; what the service does with an escaped one is "
        "not known (strict parsers such as serde_json reject it, as the "
        "emulator does)",
        _text_encodable,
    ),
    Rule(
        "context_window",
        "messages",
        f"{_SEEN} (context window exceeds limit (2013))",
        _context_window,
        before_sending="unchecked",
        reason="token counts before sending are estimates (see tokens.py)",
    ),
)
"""Every rule, in the order they are checked."""


def violations(
    body: Any,
    *,
    models: Collection[str] | None = None,
    context_limit_tokens: int | None = None,
    rules: Iterable[Rule] = RULES,
) -> Iterator[tuple[Rule, Violation]]:
    """Every broken rule of `body`, in the order of `RULES`.

    A body that is not an object yields only the `body_object` violation.

    Args:
        body: The wire-shaped request body (anything `json.loads` returns).
        models: The model names accepted; `None` accepts any name.
        context_limit_tokens: The largest prompt accepted; `None` takes the
            model's window.
        rules: The rules to check (default all), in `RULES`' order.
    """
    if not isinstance(body, Mapping):
        yield RULES[0], Violation("body", body, "a JSON object")
        return
    model = body.get("model")
    request = Request(
        body,
        model_row(model) if isinstance(model, str) else None,
        models,
        context_limit_tokens,
    )
    for rule in rules:
        found = rule.check(request)
        if found is not None:
            yield rule, found


def emulator_error(
    body: Any,
    *,
    models: Collection[str],
    context_limit_tokens: int | None = None,
) -> str | None:
    """The emulator's answer to `body`: `None`, or the 400 message with `(2013)`.

    Only rules the service enforces (`Rule.service_rejects`) answer.
    """
    for _, found in violations(
        body,
        models=models,
        context_limit_tokens=context_limit_tokens,
        rules=_SERVICE_RULES,
    ):
        return f"invalid params, {found.message} (2013)"
    return None


_REQUEST_PARTS = frozenset({"body", "messages", "tools"})
"""The parameters of rules about a request's content rather than settings."""

_SERVICE_RULES = tuple(rule for rule in RULES if rule.service_rejects)
_PRE_SEND_RULES = tuple(rule for rule in RULES if rule.before_sending != "unchecked")
_SETTINGS_RULES = tuple(
    rule for rule in _PRE_SEND_RULES if rule.parameter not in _REQUEST_PARTS
)


def check_settings(model: str, settings: Mapping[str, Any]) -> list[str]:
    """Check a model's settings alone (at construction or `bind`), no messages.

    Args:
        model: The model name.
        settings: Request fields such as `temperature`, `thinking`, `n`.

    Returns:
        Warnings to give (see `check_before_sending`).

    Raises:
        ValueError: For the first broken rule marked `"raise"`.
    """
    return _check({**settings, "model": model}, settings_only=True)


def check_before_sending(body: Mapping[str, Any]) -> list[str]:
    """Check a request body before it is sent.

    Args:
        body: The wire-shaped body (`extra_body` fields merged in).

    Returns:
        Warnings to give (rules whose enforcement the sources dispute).

    Raises:
        ValueError: For the first broken rule marked `"raise"`, naming the
            parameter, the value and what is allowed.
    """
    return _check(body, settings_only=False)


def _check(body: Mapping[str, Any], *, settings_only: bool) -> list[str]:
    warnings: list[str] = []
    rules = _SETTINGS_RULES if settings_only else _PRE_SEND_RULES
    for rule, found in violations(body, rules=rules):
        if rule.before_sending == "raise":
            effect = "reject" if rule.service_rejects else "ignore"
            raise ValueError(f"{found.message} (MiniMax would {effect} it)")
        if rule.before_sending == "warn":
            warnings.append(found.message)
    return warnings
