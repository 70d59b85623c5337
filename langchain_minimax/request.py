"""MiniMax's request rules, applied to the payload that `ChatOpenAI` builds.

Everything here runs before a request is sent: a check that fails raises
`ValueError` naming the parameter, its value and what is allowed, so that bad
input never reaches the service. The rewriting functions are pure and work on
the OpenAI-shaped dicts.
"""

from __future__ import annotations

import functools
import inspect
import json
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage

from langchain_minimax.profiles import reasoning_field
from langchain_minimax.reasoning import attach_reasoning, text_of
from langchain_minimax.rules import check_before_sending, check_settings
from langchain_minimax.thinking import apply_effort_rules
from langchain_minimax.tool_calls import arguments_valid

IGNORED_PARAMS = ("presence_penalty", "frequency_penalty", "logit_bias")
"""Parameters MiniMax documents as ignored; they are dropped before sending."""

SYSTEM_ROLES = frozenset({"system", "developer"})
"""Roles sent as MiniMax's one leading system message (`developer` is OpenAI's
newer name for `system`; MiniMax documents only `system`)."""

SYSTEM_SEPARATOR = "\n\n"
"""What joins the texts of several system messages merged into one."""

NO_PARAMETERS: dict[str, Any] = {"type": "object", "properties": {}}
"""The `parameters` sent for a tool that takes no arguments: MiniMax rejects a
tool without them (`function parameters is empty`)."""

HONOURED_TOOL_CHOICES = frozenset({"auto", "none"})
"""The `tool_choice` values MiniMax honours; `required` and a named tool are
accepted by the service but ignored."""


def check_params(model_name: str, params: Mapping[str, Any]) -> None:
    """Reject settings MiniMax cannot honour, before anything is sent.

    The rules on settings (`n`, `temperature`, `top_p`, `max_tokens`,
    `thinking`, `reasoning_effort`, ...) are the rules table's
    (`rules.check_settings`); the legacy function-calling arguments are
    refused here.

    Args:
        model_name: The model the request is for.
        params: Construction, per-call or `bind` parameters.

    Raises:
        ValueError: For legacy `functions`/`function_call`, or a setting the
            rules table refuses, naming the parameter, value and what is
            allowed.
    """
    for legacy in ("functions", "function_call"):
        if params.get(legacy) is not None:
            msg = (
                f"{legacy}= is the deprecated OpenAI function-calling interface, "
                "which MiniMax does not accept; use bind_tools(...) (sent as "
                "`tools`) instead."
            )
            raise ValueError(msg)
    warn_all(check_settings(model_name, params))


def warn_all(messages: Iterable[str]) -> None:
    """Give each of `messages` as a `UserWarning` (from the caller's caller)."""
    for message in messages:
        warnings.warn(message, UserWarning, stacklevel=4)


def drop_ignored(params: dict[str, Any]) -> None:
    """Remove the `IGNORED_PARAMS` set in `params`, in place, with a warning.

    The one place ignored parameters are handled: construction fields and
    request payloads both pass through it.
    """
    names = [name for name in IGNORED_PARAMS if params.pop(name, None) is not None]
    warn_ignored(names)


def warn_ignored(names: Iterable[str]) -> None:
    """Warn once that MiniMax ignores `names`, which will not be sent."""
    names = list(names)
    if names:
        warnings.warn(
            f"MiniMax ignores {', '.join(names)}; not sending "
            f"{'it' if len(names) == 1 else 'them'}.",
            UserWarning,
            stacklevel=4,
        )


@functools.cache
def sdk_params() -> frozenset[str]:
    """The keyword arguments of the `openai` SDK's `chat.completions.create`.

    Any other key in the payload would make the SDK raise `TypeError`; such
    keys are MiniMax's own body fields (`thinking`, ...) and are sent in
    `extra_body`. Read on first use: the SDK's resource modules load with the
    first client, not with this package.
    """
    from openai.resources.chat.completions import Completions

    return frozenset(inspect.signature(Completions.create).parameters) - {"self"}


def lift_body_fields(payload: dict[str, Any]) -> dict[str, Any]:
    """Take the keys the `openai` SDK does not know out of `payload`, in place.

    They come from `model_kwargs`, unknown constructor arguments (which
    `ChatOpenAI` moves into `model_kwargs`), `ChatMiniMax` fields such as
    `thinking`, and per-call keyword arguments.

    Args:
        payload: The request payload `ChatOpenAI` built.

    Returns:
        The removed keys and their values, to be sent in the request body.
    """
    known = sdk_params()
    return {key: payload.pop(key) for key in list(payload) if key not in known}


def request_extra_body(
    model_extra_body: Mapping[str, Any] | None,
    call_extra_body: Mapping[str, Any] | None,
    reasoning_split: bool,
    lifted: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The request's `extra_body`: MiniMax's body fields beyond the SDK's.

    From weakest to strongest: the `reasoning_split` field, the model's
    `extra_body`, the body fields lifted out of the payload (see
    `lift_body_fields`), the call's `extra_body`. No key is dropped.

    Args:
        model_extra_body: `ChatMiniMax.extra_body`.
        call_extra_body: The `extra_body` passed to the call (or `bind`).
        reasoning_split: `ChatMiniMax.reasoning_split`.
        lifted: Body fields the `openai` SDK would not accept as arguments.

    Returns:
        The merged dict, which always has a `reasoning_split` key.
    """
    return {
        "reasoning_split": reasoning_split,
        **(model_extra_body or {}),
        **(lifted or {}),
        **(call_extra_body or {}),
    }


def apply_message_rules(
    message_dicts: list[dict[str, Any]],
    messages: Sequence[BaseMessage],
    *,
    reasoning_split: bool,
    split_field: str = "reasoning_details",
    merge_system: bool = True,
) -> list[dict[str, Any]]:
    """Rewrite the outgoing message dicts for MiniMax, in one pass.

    - System (and `developer`) messages, wherever they are, become one leading
      system message whose text is theirs in order, joined by a blank line;
      every other message keeps its place. A lone leading system message is
      kept as it is, apart from list content becoming its text.
    - Every assistant dict gets its message's reasoning back (see
      `reasoning.attach_reasoning`), its content flattened to a string (the
      only assistant content form MiniMax documents), and tool-call
      `arguments` that are valid JSON (see `replay_tool_calls`).
    - Tool results with list content become their text.
    - Content with `cache_control` markers stays text parts (`marked_parts`).

    Whether tool results and tool calls answer one another is checked beside
    it (`check_history_rules`), so that a partial history converts.

    The dicts of `message_dicts` may be changed in place; nested dicts shared
    with the caller's messages are copied, never changed.

    Args:
        message_dicts: The dicts `ChatOpenAI` built, one per message.
        messages: The messages they were built from, in the same order.
        reasoning_split: Whether the request asks for split reasoning.
        split_field: Where split reasoning from elsewhere goes for the target
            model (`profiles.reasoning_field`; see `reasoning.attach_reasoning`).
        merge_system: `False` keeps each system message in its place (token
            counting, whose counts add up per message).

    Returns:
        The dicts to send.

    Raises:
        ValueError: Before anything is sent, for non-text content in a system
            message or tool result, naming the message's position.
    """
    system: list[tuple[dict[str, Any], str | list[dict[str, Any]]]] = []
    out: list[dict[str, Any]] = []
    for position, (message_dict, message) in enumerate(
        zip(message_dicts, messages, strict=True)
    ):
        role = message_dict.get("role")
        if role in SYSTEM_ROLES:
            text = text_only(
                message_dict.get("content"), f"messages[{position}] ({role})"
            )
            content = marked_parts(message.content) or text
            if merge_system:
                system.append((message_dict, content))
                continue
            message_dict = {**message_dict, "role": "system", "content": content}
        elif role == "tool":
            message_dict["content"] = marked_parts(message.content) or text_only(
                message_dict.get("content"), f"messages[{position}] (tool result)"
            )
        elif isinstance(message, AIMessage):
            if isinstance(message_dict.get("content"), list):
                message_dict["content"] = text_of(message_dict["content"])
            attach_reasoning(
                message_dict,
                message,
                reasoning_split=reasoning_split,
                split_field=split_field,
            )
            replay_tool_calls(message_dict, position)
        out.append(message_dict)
    if system:
        out.insert(0, merged_system(system))
    return out


def check_history_rules(
    message_dicts: Sequence[dict[str, Any]], messages: Sequence[BaseMessage]
) -> None:
    """The history checks that run beside the recipe, before sending.

    Every tool result must answer a call an earlier assistant message made
    (MiniMax rejects it otherwise). Tool calls answered only in part are the
    rules table's (`rules.tool_results_whole`), which the emulator answers by
    too; calls answered by none are sent (see `unanswered_calls`). Token
    counting does not run these checks: a trimmed or partial history is
    counted, not refused.

    Args:
        message_dicts: The dicts `ChatOpenAI` built, one per message.
        messages: The messages they were built from, in the same order.

    Raises:
        ValueError: Naming the message's position and the call id.
    """
    issued: set[str] = set()
    for position, (message_dict, message) in enumerate(
        zip(message_dicts, messages, strict=True)
    ):
        role = message_dict.get("role")
        if role in SYSTEM_ROLES:
            continue
        if role == "tool":
            check_tool_result(message_dict, position, issued)
            continue
        if isinstance(message, AIMessage):
            calls = [
                call["id"]
                for call in message_dict.get("tool_calls") or []
                if isinstance(call, dict) and isinstance(call.get("id"), str)
            ]
            issued.update(calls)


def merged_system(
    system: Sequence[tuple[dict[str, Any], str | list[dict[str, Any]]]],
) -> dict[str, Any]:
    """One leading system dict from the system dicts of a request and their content.

    A single system dict keeps its other keys (such as `name`); several are
    merged into a new dict with their texts joined by `SYSTEM_SEPARATOR`.
    Content given as text parts (see `marked_parts`) stays parts: the merged
    content is then every message's parts in order, a `SYSTEM_SEPARATOR`
    text part between two messages, so `cache_control` markers reach the
    wire unchanged.
    """
    if len(system) == 1:
        message_dict, content = system[0]
        return {**message_dict, "role": "system", "content": content}
    contents = [content for _, content in system]
    if all(isinstance(content, str) for content in contents):
        return {"role": "system", "content": SYSTEM_SEPARATOR.join(contents)}  # type: ignore[arg-type]
    parts: list[dict[str, Any]] = []
    for content in contents:
        if parts:
            parts.append({"type": "text", "text": SYSTEM_SEPARATOR})
        parts += (
            [{"type": "text", "text": content}] if isinstance(content, str) else content
        )
    return {"role": "system", "content": parts}


CACHE_CONTROL = "cache_control"
"""The content-block key of MiniMax's prompt caching (`{"type": "ephemeral"}`;
MiniMax's docs, seen honoured on Chat Completions)."""


def marked_parts(content: Any) -> list[dict[str, Any]] | None:
    """Text content with `cache_control` markers as text parts, else `None`.

    MiniMax takes system and tool-result content as text; text blocks with a
    `cache_control` marker are kept as OpenAI text parts (`type`, `text` and
    the marker unchanged) instead of being joined into one string, which
    would drop the marker.

    Args:
        content: A message's content (a string or a list of blocks).

    Returns:
        The parts, or `None` when no text block carries a marker or a block
        is not text (the caller then flattens or refuses it).
    """
    if not isinstance(content, list) or not any(
        isinstance(block, dict) and CACHE_CONTROL in block for block in content
    ):
        return None
    parts = []
    for block in content:
        if isinstance(block, str):
            parts.append({"type": "text", "text": block})
        elif isinstance(block, dict) and block.get("type") == "text":
            parts.append(
                {k: block[k] for k in ("type", "text", CACHE_CONTROL) if k in block}
            )
        else:
            return None
    return parts


def text_only(content: Any, where: str) -> str:
    """The text of system or tool-result content, which MiniMax takes as text only.

    Args:
        content: A string, `None`, or a list of text blocks and strings.
        where: How to name the message in an error, e.g. `"messages[3] (tool)"`.

    Returns:
        The content itself when it is a string; the texts of a list joined by
        newlines.

    Raises:
        ValueError: For a block that is not text (an image, a file, ...).
    """
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    texts: list[str] = []
    for block in content:
        if isinstance(block, str):
            texts.append(block)
        elif isinstance(block, dict) and block.get("type") == "text":
            texts.append(str(block.get("text", "")))
        else:
            kind = block.get("type") if isinstance(block, dict) else type(block)
            msg = (
                f"{where} has a {kind!r} content block, but MiniMax takes only text "
                "in system messages and tool results. Send the tool's output as "
                "text, or put media in a user message (MiniMax-M3 only)."
            )
            raise ValueError(msg)
    return "\n".join(texts)


def check_tool_result(
    message_dict: Mapping[str, Any], position: int, issued: set[str]
) -> None:
    """Check that a tool-result dict answers a call an earlier message made.

    Raises:
        ValueError: When no earlier assistant message issued its
            `tool_call_id` (MiniMax rejects the request).
    """
    call_id = message_dict.get("tool_call_id")
    if call_id not in issued:
        msg = (
            f"messages[{position}] is a tool result for tool_call_id={call_id!r}, "
            "but no earlier assistant message in the request made that call, and "
            "MiniMax rejects such a request. Keep the assistant message with the "
            "call (e.g. when trimming history) or drop the tool result."
        )
        raise ValueError(msg)


def replay_tool_calls(message_dict: dict[str, Any], position: int) -> list[str]:
    """Make the `arguments` of an assistant dict's tool calls valid JSON.

    MiniMax rejects a request whose history holds tool-call arguments that are
    not valid JSON. Arguments that are not a string (a dict from a hand-built
    `additional_kwargs`) are serialised; empty or missing ones become `{}`;
    malformed ones and JSON that is not an object (a model's broken call, kept
    as an invalid tool call) are sent as `{}` with a warning. Changed calls are
    copies: the caller's message is never modified.

    Args:
        message_dict: An assistant dict; its `tool_calls` list is replaced when a
            call needs a change.
        position: The message's position, for the warning.

    Returns:
        The ids of the calls, which later tool results may answer.
    """
    calls = message_dict.get("tool_calls")
    if not calls:
        return []
    replayed = []
    for call in calls:
        function = call.get("function") or {}
        arguments = function.get("arguments")
        valid = (
            arguments
            if _is_json_object(arguments)
            else _valid_arguments(arguments, function.get("name"), position)
        )
        if valid is not arguments:
            call = {**call, "function": {**function, "arguments": valid}}
        replayed.append(call)
    message_dict["tool_calls"] = replayed
    return [call["id"] for call in replayed if isinstance(call.get("id"), str)]


def _is_json_object(arguments: Any) -> bool:
    return (
        isinstance(arguments, str)
        and bool(arguments.strip())
        and arguments_valid(arguments)
    )


def _valid_arguments(arguments: Any, name: Any, position: int) -> str:
    if arguments is None or (isinstance(arguments, str) and not arguments.strip()):
        return "{}"
    if not isinstance(arguments, str):
        return json.dumps(arguments, ensure_ascii=False)
    _warn(
        f"messages[{position}] has a call to tool {name!r} whose arguments are not "
        f"valid JSON or not a JSON object ({arguments[:80]!r}); MiniMax rejects "
        "arguments that are not JSON, so they are sent as {}."
    )
    return "{}"


def tool_names(tools: Sequence[Any] | None) -> list[str]:
    """The names of OpenAI-shaped tool dicts, checking each is a function tool.

    Raises:
        ValueError: For a tool that is not `type: "function"` (e.g. OpenAI's
            built-in tools), which MiniMax rejects.
    """
    names = []
    for position, tool in enumerate(tools or []):
        kind = tool.get("type") if isinstance(tool, dict) else type(tool).__name__
        function = tool.get("function") if isinstance(tool, dict) else None
        if kind != "function" or not isinstance(function, dict):
            msg = (
                f"tools[{position}] is a {kind!r} tool, but MiniMax takes function "
                "tools only: pass functions, pydantic models, BaseTools or "
                'OpenAI-style {"type": "function", "function": {...}} dicts.'
            )
            raise ValueError(msg)
        names.append(str(function.get("name")))
    return names


def tool_choice_honoured(tool_choice: Any, names: Sequence[str]) -> bool:
    """Whether MiniMax honours `tool_choice` (else it is not sent).

    `None`, `False`, `"auto"` and `"none"` are honoured. `"any"`,
    `"required"`, `True` and a bound tool's name (as a string or as
    `{"type": "function", "function": {"name": ...}}`) are valid but ignored by
    the service.

    Raises:
        ValueError: For any other value, naming what is allowed.
    """
    if tool_choice is None or tool_choice is False:
        return True
    if isinstance(tool_choice, str) and tool_choice in HONOURED_TOOL_CHOICES:
        return True
    if tool_choice is True or tool_choice in ("any", "required"):
        return False
    name = (
        (tool_choice.get("function") or {}).get("name")
        if isinstance(tool_choice, dict) and tool_choice.get("type") == "function"
        else tool_choice
    )
    if isinstance(name, str) and name in names:
        return False
    msg = (
        f"tool_choice={tool_choice!r} is not valid: use 'auto', 'none', 'any' "
        f"(also 'required' or True), or the name of a bound tool ({list(names)})."
    )
    raise ValueError(msg)


def apply_tool_rules(payload: dict[str, Any]) -> None:
    """Apply MiniMax's rules on tools, `tool_choice` and `response_format`, in place.

    - Every tool gets a `parameters` object (`NO_PARAMETERS` when it has none).
    - An empty tool list is not sent, nor `tool_choice` or
      `parallel_tool_calls` without tools.
    - A `tool_choice` MiniMax ignores (`required`, a named tool) is not sent,
      with a warning: the model decides whether to call a tool.
    - `response_format` is not sent, with a warning: MiniMax's models ignore
      it, and its presence would make `ChatOpenAI` use the `openai` SDK's
      strict `.parse()` helpers. `with_structured_output` does not need it.

    Raises:
        ValueError: For a tool that is not a function tool, or a `tool_choice`
            that is not valid (see `tool_choice_honoured`).
    """
    tools = payload.get("tools")
    names = tool_names(tools)
    if tools:
        payload["tools"] = [_with_parameters(tool) for tool in tools]
    else:
        # `"tools": []` gets HTTP 400 (reported), and a `tool_choice` or
        # `parallel_tool_calls` without tools means nothing.
        for name in ("tools", "tool_choice", "parallel_tool_calls"):
            payload.pop(name, None)
    if "tool_choice" in payload and not tool_choice_honoured(
        payload["tool_choice"], names
    ):
        _warn(
            f"MiniMax honours only tool_choice='auto' or 'none' and ignores "
            f"{payload.pop('tool_choice')!r}; not sending it. The model decides "
            "whether to call a tool."
        )
    if payload.pop("response_format", None) is not None:
        _warn(
            "MiniMax ignores response_format; not sending it. Use "
            "with_structured_output(schema), which parses the model's answer."
        )


def _with_parameters(tool: dict[str, Any]) -> dict[str, Any]:
    function = tool["function"]
    if function.get("parameters"):
        return tool
    return {**tool, "function": {**function, "parameters": dict(NO_PARAMETERS)}}


def _warn(message: str) -> None:
    warnings.warn(message, UserWarning, stacklevel=3)


def build_payload(
    base: dict[str, Any],
    messages: Sequence[BaseMessage],
    *,
    model: str,
    reasoning_split: bool,
    extra_body: Mapping[str, Any] | None = None,
    call_extra_body: Mapping[str, Any] | None = None,
    merge_system: bool = True,
) -> dict[str, Any]:
    """The request recipe: MiniMax's payload for `messages`, in one pass.

    Used by `ChatMiniMax` before sending, by token counting and by the
    benchmarks. It checks nothing that a partial history breaks; the pre-send
    checks (`check_payload`) run beside it.

    1. `IGNORED_PARAMS` are dropped, with a warning.
    2. Body fields the `openai` SDK does not know move into `extra_body`,
       merged with the model's and the call's (`request_extra_body`).
    3. `reasoning_effort` is normalized or dropped per model
       (`thinking.apply_effort_rules`).
    4. The message dicts get MiniMax's rules (`apply_message_rules`).
    5. Tools, `tool_choice` and `response_format` get MiniMax's rules
       (`apply_tool_rules`).

    Args:
        base: The payload `ChatOpenAI._get_request_payload` built for
            `messages` (OpenAI-shaped message dicts and parameters); changed
            in place and returned.
        messages: The messages the dicts were built from, in order.
        model: The model name.
        reasoning_split: `ChatMiniMax.reasoning_split`.
        extra_body: `ChatMiniMax.extra_body`.
        call_extra_body: The call's `extra_body`.
        merge_system: `False` keeps each system message apart (token
            counting, whose counts add up per message; see
            `apply_message_rules`).

    Returns:
        The payload for `chat.completions.create`, MiniMax's own fields in
        its `extra_body`.

    Raises:
        ValueError: For content MiniMax cannot take as text (see
            `apply_message_rules`) and invalid tools (see `apply_tool_rules`);
            never for a partial history.
    """
    drop_ignored(base)
    body = request_extra_body(
        extra_body, call_extra_body, reasoning_split, lift_body_fields(base)
    )
    warn_all(apply_effort_rules(model, base, body))
    base["extra_body"] = body
    base["messages"] = apply_message_rules(
        base["messages"],
        messages,
        reasoning_split=bool(body["reasoning_split"]),
        split_field=reasoning_field(model),
        merge_system=merge_system,
    )
    apply_tool_rules(base)
    return base


def wire_body(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON body the `openai` SDK sends for `payload` (`extra_body` merged)."""
    body = {key: value for key, value in payload.items() if key != "extra_body"}
    body.update(payload.get("extra_body") or {})
    return body


def check_payload(payload: Mapping[str, Any]) -> None:
    """The pre-send checks: the rules table on the body `payload` sends.

    Raises:
        ValueError: For the first rule MiniMax would refuse (or ignore),
            naming the parameter, the value and what is allowed; nothing is
            sent. Rules whose enforcement the sources dispute warn instead.
    """
    warn_all(check_before_sending(wire_body(payload)))
