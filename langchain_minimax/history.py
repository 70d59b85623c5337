"""Checks of a chat history that must run before langchain converts it.

langchain-core's `convert_to_messages` and langchain-openai's message
conversion crash on some malformed histories with `KeyError`, `TypeError` or
`AttributeError` that name no message. `check_history` finds those shapes
first and raises a `ValueError` naming the message's index, what is wrong and
what is allowed. `ChatMiniMax` runs it before converting any input: on every
call path (`_convert_input`), in `get_num_tokens_from_messages`, and in the
step `with_structured_output` puts in front of the model. What can be
checked on the request body itself (tool-call ids and names, text UTF-8
cannot encode, ...) is a rule of `langchain_minimax.rules` instead, which the
emulator answers by too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from langchain_core.messages import AIMessage
from langchain_core.prompt_values import PromptValue

from langchain_minimax.rules import Violation

__all__ = ["check_history"]

_TOOL_ROLES = ("tool",)


def check_history(model_input: Any) -> None:
    """Raise for a history that langchain's conversions would crash on.

    Looked at, in a list of messages (a string or other input passes):

    - a dict message with the tool role and no string `tool_call_id`, and a
      `("tool", text)` pair (which has none);
    - a dict message whose `tool_calls` is not a list of objects,
      or holds a call without a non-empty string name, without an `id`, or,
      in OpenAI's form (`function`), whose `function` is not an object or
      whose `arguments` are neither JSON text nor an object;
    - a dict message whose `role` (or `type`) is not a string;
    - an `AIMessage` whose `additional_kwargs["tool_calls"]` is not a list of
      objects (`None` included), or holds a `function` that is not an object.

    Args:
        model_input: What `invoke`, `stream`, `batch` and their async forms
            were given: a string, a `PromptValue` or a list of messages
            (`BaseMessage`s, dicts, `(role, text)` pairs or strings).

    Raises:
        ValueError: For the first malformed message, e.g.
            `messages[2].tool_call_id=None is not accepted: the id of the tool
            call this result answers (a string)`.
    """
    if isinstance(model_input, PromptValue):
        messages: Sequence[Any] = model_input.to_messages()
    elif isinstance(model_input, Sequence) and not isinstance(model_input, str):
        messages = model_input
    else:
        return
    for position, message in enumerate(messages):
        if isinstance(message, AIMessage):
            found = _kwargs_tool_calls(message, position)
        elif isinstance(message, Mapping):
            found = _dict_message(message, position)
        elif isinstance(message, (tuple, list)) and message and message[0] == "tool":
            found = Violation(
                f"messages[{position}]",
                message,
                "a ToolMessage or a dict with tool_call_id: a (role, text) pair "
                "has no tool_call_id for a tool result",
            )
        else:
            continue
        if found is not None:
            raise ValueError(found.message)


def _dict_message(message: Mapping[str, Any], position: int) -> Violation | None:
    key = "role" if "role" in message else "type"
    role = message.get(key)
    if key in message and not isinstance(role, str):
        return Violation(
            f"messages[{position}].{key}", role, "a role such as 'user' (a string)"
        )
    if role in _TOOL_ROLES:
        call_id = message.get("tool_call_id")
        if not isinstance(call_id, str):
            return Violation(
                f"messages[{position}].tool_call_id",
                call_id,
                "the id of the tool call this result answers (a string)",
            )
    if message.get("tool_calls") is not None:  # converted whatever the role
        return _dict_tool_calls(message["tool_calls"], f"messages[{position}]")
    return None


def _dict_tool_calls(calls: Any, where: str) -> Violation | None:
    if not isinstance(calls, list):
        return Violation(f"{where}.tool_calls", calls, "a list of tool calls")
    for index, call in enumerate(calls):
        at = f"{where}.tool_calls[{index}]"
        if not isinstance(call, Mapping):
            return Violation(at, call, "a tool call: an object with name, args, id")
        if "function" in call:  # OpenAI's form
            function = call["function"]
            if not isinstance(function, Mapping):
                return Violation(
                    f"{at}.function", function, "an object with name and arguments"
                )
            name, name_at = function.get("name"), f"{at}.function.name"
            arguments = function.get("arguments")
            if "arguments" not in function or not _json_or_object(arguments):
                return Violation(
                    f"{at}.function.arguments",
                    arguments,
                    "the call's arguments: JSON text or an object",
                )
        else:  # LangChain's form
            name, name_at = call.get("name"), f"{at}.name"
            if not isinstance(call.get("args"), Mapping):
                return Violation(f"{at}.args", call.get("args"), "an object")
        if not isinstance(name, str) or not name:
            return Violation(name_at, name, "the tool's name (a non-empty string)")
        if "id" not in call:
            return Violation(f"{at}.id", None, "the call's id (a string)")
    return None


def _json_or_object(arguments: Any) -> bool:
    if isinstance(arguments, Mapping):
        return True
    if not isinstance(arguments, str):
        return False
    try:
        json.loads(arguments, strict=False)  # as langchain-core parses it
    except ValueError:
        return False
    return True


def _kwargs_tool_calls(message: AIMessage, position: int) -> Violation | None:
    if "tool_calls" not in message.additional_kwargs:
        return None
    calls = message.additional_kwargs["tool_calls"]
    where = f"messages[{position}].additional_kwargs['tool_calls']"
    if not isinstance(calls, list):
        return Violation(where, calls, "a list of OpenAI-style tool calls")
    for index, call in enumerate(calls):
        if not isinstance(call, Mapping):
            return Violation(
                f"{where}[{index}]", call, "a tool call: an object with id and function"
            )
        function = call.get("function")
        if function is not None and not isinstance(function, Mapping):
            return Violation(
                f"{where}[{index}]['function']",
                function,
                "an object with name and arguments",
            )
    return None
