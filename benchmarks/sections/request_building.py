"""4. request building."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from contenders import MMX, OAI, Contenders
from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from results import Report, growth_row
from scenarios import text
from sizes import Sizes
from timing import Samples, interleave, timed_row

from langchain_minimax._upstream import openai_payload
from langchain_minimax.request import (
    build_payload,
    check_history_rules,
    check_payload,
)

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


def _reasoning_kwargs(turn: int, kind: int) -> dict[str, Any]:
    reasoning = text(300, seed=turn * 2 + kind)
    return {
        "reasoning_content": reasoning,
        "reasoning_details": [
            {
                "type": "reasoning.text",
                "id": "reasoning-text-1",
                "format": "MiniMax-response-v1",
                "index": 0,
                "text": reasoning,
            }
        ],
    }


def history(size: int) -> list[BaseMessage]:
    """A tool-calling conversation of exactly `size` messages.

    A system message, then rounds of: user question, assistant tool call (with
    reasoning), tool result, assistant answer (with reasoning).
    """
    messages: list[BaseMessage] = [SystemMessage("You are a weather assistant.")]
    turn = 0
    while len(messages) < size:
        call_id = f"call_function_{turn:010d}_1"
        city = f"City {turn}"
        messages += [
            HumanMessage(f"What is the weather in {city}?"),
            AIMessage(
                content="\n",
                tool_calls=[
                    {
                        "name": "get_weather",
                        "args": {"city": city},
                        "id": call_id,
                        "type": "tool_call",
                    }
                ],
                additional_kwargs=_reasoning_kwargs(turn, 0),
                response_metadata={"model_provider": "minimax"},
            ),
            ToolMessage(f"Sunny, {20 + turn % 10} C", tool_call_id=call_id),
            AIMessage(
                content=f"It is sunny in {city}, {20 + turn % 10} C.",
                additional_kwargs=_reasoning_kwargs(turn, 1),
                response_metadata={"model_provider": "minimax"},
            ),
        ]
        turn += 1
    messages = messages[:size]
    # Never end on a tool call without its result.
    if isinstance(messages[-1], AIMessage) and messages[-1].tool_calls:
        messages[-1] = HumanMessage("And tomorrow?")
    return messages


def minimax_payload(model: Any, messages: list[BaseMessage]) -> dict[str, Any]:
    """ChatMiniMax's request for `messages`: ChatOpenAI's body, the recipe, checks."""
    base = openai_payload(model, messages, tools=[WEATHER_TOOL])
    history = list(base["messages"])
    payload = build_payload(
        base,
        messages,
        model=model.model_name,
        reasoning_split=model.reasoning_split,
        extra_body=model.extra_body,
    )
    check_history_rules(history, messages)
    check_payload(payload)
    return payload


def run(report: Report, c: Contenders, sizes: Sizes) -> None:
    small, large = sizes.history
    histories = {n: history(n) for n in (small, large)}
    for messages in histories.values():
        payload = minimax_payload(c.minimax, messages)
        carried = sum(1 for m in payload["messages"] if "reasoning_details" in m)
        assistants = sum(1 for m in messages if isinstance(m, AIMessage))
        if carried != assistants:
            raise SystemExit(f"only {carried}/{assistants} turns carry reasoning")
    contenders: dict[str, Callable[[], object]] = {}
    for n, messages in histories.items():
        contenders[f"{OAI} {n}"] = lambda m=messages: openai_payload(
            c.openai, m, tools=[WEATHER_TOOL]
        )
        contenders[f"{MMX} {n}"] = lambda m=messages: minimax_payload(c.minimax, m)
    samples = interleave(contenders, sizes.history_rounds, warmup=3)
    report.samples["4 request"] = samples.as_json()
    wall, cpu = samples.medians(1e3)
    for n in (small, large):
        per_n = Samples(
            {OAI: samples.wall[f"{OAI} {n}"], MMX: samples.wall[f"{MMX} {n}"]},
            {OAI: samples.cpu[f"{OAI} {n}"], MMX: samples.cpu[f"{MMX} {n}"]},
        )
        report.add(
            timed_row(
                "4",
                f"_get_request_payload, {n}-message tool history "
                f"(median of {sizes.history_rounds})",
                "ms",
                per_n,
                1e3,
            )
        )
    for name in (OAI, MMX):
        report.check(
            growth_row(
                "4",
                f"{name}: request building, {large} / {small} messages",
                (f"{name} {small}", f"{name} {large}"),
                (wall, cpu),
                bound=2.2 if name == MMX else None,
            )
        )
