"""A tour of ChatMiniMax: `python -m langchain_minimax`.

Runs against the real MiniMax service when `MINIMAX_API_KEY` is set, and
otherwise against the package's local emulator, saying which. It streams a
reasoned answer with the thinking shown apart from the answer, runs one tool
round whose reasoning goes back to the model, and prints token usage.
"""

from __future__ import annotations

import os
import sys
from contextlib import ExitStack
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.tools import tool

from langchain_minimax import ChatMiniMax
from langchain_minimax._upstream import request_payload
from langchain_minimax.testing import MiniMaxEmulator, Reply, ToolCall


@tool
def get_weather(city: str) -> str:
    """Get the current weather for a city."""
    return f"It is 21°C and sunny in {city}."


def _scripted_emulator() -> MiniMaxEmulator:
    emulator = MiniMaxEmulator(api_key="demo-key", chunk_size=6)
    emulator.add_replies(
        [
            Reply(
                reasoning=(
                    "The user asks why the sky is blue. Rayleigh scattering: "
                    "shorter wavelengths scatter more strongly off air molecules."
                ),
                content=(
                    "Sunlight scatters off air molecules, and blue light scatters "
                    "far more than red (Rayleigh scattering), so the sky looks blue."
                ),
            ),
            Reply(
                reasoning="I need the current weather in Paris: call get_weather.",
                content="\n",
                tool_calls=[ToolCall("get_weather", {"city": "Paris"})],
            ),
            Reply(
                reasoning="The tool says 21°C and sunny. Answer briefly.",
                content="It is 21°C and sunny in Paris right now.",
            ),
        ]
    )
    return emulator


def _rule(title: str) -> None:
    print(f"\n── {title} " + "─" * max(0, 60 - len(title)))


def _usage(message: BaseMessage) -> str:
    usage = getattr(message, "usage_metadata", None) or {}
    reasoning = (usage.get("output_token_details") or {}).get("reasoning", 0)
    return (
        f"input {usage.get('input_tokens', 0)}, output "
        f"{usage.get('output_tokens', 0)} (reasoning {reasoning})"
    )


def main() -> int:
    """Run the tour; return the process exit code."""
    with ExitStack() as stack:
        kwargs: dict[str, Any] = {}
        if os.environ.get("MINIMAX_API_KEY"):
            print("Running against the MiniMax service (MINIMAX_API_KEY is set).")
        else:
            emulator = stack.enter_context(_scripted_emulator())
            kwargs = {"base_url": emulator.base_url, "api_key": emulator.api_key}
            print(
                "MINIMAX_API_KEY is not set: running against the local MiniMax "
                f"emulator at {emulator.base_url} (scripted answers)."
            )
        model = ChatMiniMax(model="MiniMax-M2", **kwargs)

        _rule("1. Streaming: reasoning shown apart from the answer")
        full: Any = None
        section = ""
        for chunk in model.stream("Why is the sky blue? One sentence."):
            full = chunk if full is None else full + chunk
            for block in chunk.content_blocks:
                kind = block["type"]
                if kind not in ("reasoning", "text"):
                    continue
                if kind != section:
                    section = kind
                    print(f"\n[{'thinking' if kind == 'reasoning' else 'answer'}] ")
                print(block.get("reasoning") or block.get("text", ""), end="")
                sys.stdout.flush()
        print(f"\n\nTokens: {_usage(full)}")

        _rule("2. A tool round: the reasoning goes back with the tool call")
        with_tools = model.bind_tools([get_weather])
        history: list[BaseMessage] = [HumanMessage("What's the weather in Paris?")]
        first = with_tools.invoke(history)
        assert isinstance(first, AIMessage)
        print(f"[thinking] {first.additional_kwargs.get('reasoning_content', '')}")
        for call in first.tool_calls:
            print(f"[tool call] {call['name']}({call['args']})")
        history.append(first)
        for call in first.tool_calls:
            result = get_weather.invoke(call["args"])
            print(f"[tool result] {result}")
            history.append(ToolMessage(result, tool_call_id=call["id"]))
        final = with_tools.invoke(history)
        print(f"[thinking] {final.additional_kwargs.get('reasoning_content', '')}")
        print(f"[answer] {final.text}")
        print(f"\nTokens: {_usage(final)}")
        # The body of the second request, as ChatMiniMax built it.
        sent = request_payload(model, history)["messages"][1]
        print(
            "Second request, assistant turn sent back with its reasoning: "
            f"{sent.get('reasoning_details')}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
