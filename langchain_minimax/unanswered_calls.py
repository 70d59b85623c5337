"""Answer tool calls a history left unanswered, explicitly, so a thread can go on.

A human-in-the-loop agent that is interrupted before a tool runs, and then
given a new user message instead of a resume, keeps an assistant turn whose
tool calls no tool result answers. MiniMax rejects a turn whose calls are
answered only in part (MiniMax-Provider-Verifier suite, case 16_09; the rule
`tool_results_whole` in `langchain_minimax.rules`, which the model and the
emulator share). What it does with calls answered by none is not documented
(OpenAI rejects them), and the model would not know the calls never ran.
`answer_dangling_tool_calls` answers each such call with an error tool result
that says so: nothing is invented, and the model sees what happened.
"""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.messages import AIMessage, BaseMessage, ToolMessage

NOT_EXECUTED = (
    "Not executed: the conversation went on before this tool call ran, and it "
    "will not run."
)
"""The default content of the tool results `answer_dangling_tool_calls` adds."""


def answer_dangling_tool_calls(
    messages: Sequence[BaseMessage], *, content: str = NOT_EXECUTED
) -> list[BaseMessage]:
    """`messages` with a "not executed" tool result for each unanswered tool call.

    A call is dangling when a message other than a tool result follows its
    assistant turn before every call of that turn is answered. The added
    `ToolMessage`s (`status="error"`, the call's `name` and `tool_call_id`)
    go right after the turn's own tool results, in the order of the calls.
    Calls of the last assistant message are not dangling when nothing follows
    them (an agent is about to run them) and are left alone. The caller's
    messages are never changed.

    Args:
        messages: A conversation, e.g. an agent's `state["messages"]`.
        content: The text of each added tool result.

    Returns:
        A new list; equal to `messages` when no call is dangling.

    Example:
        ```python
        from langchain_core.messages import AIMessage, HumanMessage

        from langchain_minimax import answer_dangling_tool_calls

        call = {"name": "delete_file", "args": {"path": "a.txt"}, "id": "call_1"}
        history = [
            HumanMessage("Delete a.txt"),
            AIMessage("", tool_calls=[call]),
            HumanMessage("Actually, keep it. What time is it?"),
        ]
        fixed = answer_dangling_tool_calls(history)
        print(fixed[2].content)  # Not executed: the conversation went on ...
        ```
    """
    out: list[BaseMessage] = []
    pending: list[tuple[str, str]] = []
    for message in messages:
        if isinstance(message, ToolMessage):
            pending = [p for p in pending if p[0] != message.tool_call_id]
        else:
            out.extend(_not_executed(pending, content))
            pending = []
        out.append(message)
        if isinstance(message, AIMessage):
            pending = [
                (call["id"], call["name"] or "")
                for call in [*message.tool_calls, *message.invalid_tool_calls]
                if call["id"] is not None
            ]
    return out


def _not_executed(calls: list[tuple[str, str]], content: str) -> list[ToolMessage]:
    return [
        ToolMessage(content, tool_call_id=call_id, name=name, status="error")
        for call_id, name in calls
    ]
