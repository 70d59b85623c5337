"""Offline token counting: every entry point, what is counted, and its accuracy.

Every test here runs with an empty tiktoken cache and with tiktoken's download
function replaced by one that fails, on top of pytest-socket's refusal of every
non-loopback connection: a counter that tried to fetch `cl100k_base` would fail.
Accuracy is measured against the prompt tokens MiniMax-M3 billed for the real
requests in `data/m3_prompt_tokens.jsonl`.
"""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tiktoken.load
from hypothesis import given, settings
from hypothesis import strategies as st
from langchain.agents import create_agent
from langchain.agents.middleware import (
    AgentState,
    SummarizationMiddleware,
    before_model,
)
from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    RemoveMessage,
    SystemMessage,
    ToolMessage,
    convert_to_messages,
    trim_messages,
)
from langchain_core.tools import tool
from langchain_openai import ChatOpenAI

from langchain_minimax import ChatMiniMax
from langchain_minimax.profiles import MODELS
from langchain_minimax.testing import MiniMaxEmulator, Reply
from langchain_minimax.tokens import (
    IMAGE_TOKENS,
    SERVICE_PROMPT,
    TOOLS_PROMPT,
    VIDEO_TOKENS,
    count_tokens,
    token_offsets,
)

CALIBRATION = Path(__file__).parent / "data" / "m3_prompt_tokens.jsonl"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "chat_minimax.md"
MODEL_NAMES = [*MODELS, "MiniMax-M9-not-yet-released"]


@pytest.fixture(autouse=True)
def _no_tokenizer_download(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """An empty tiktoken cache, and a failure if anything tries to fill it."""
    cache = tmp_path / "tiktoken-cache"
    cache.mkdir()
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(cache))

    def refuse(blobpath: str) -> bytes:
        raise AssertionError(f"tried to download {blobpath}")

    monkeypatch.setattr(tiktoken.load, "read_file", refuse)
    yield
    assert list(cache.iterdir()) == []


def offline_model(name: str = "MiniMax-M2", **kwargs: Any) -> ChatMiniMax:
    """A model whose base URL nothing listens on: counting sends nothing."""
    return ChatMiniMax(model=name, base_url="http://127.0.0.1:9", **kwargs)


def history(turns: int) -> list[BaseMessage]:
    messages: list[BaseMessage] = [SystemMessage("You are a helpful assistant.")]
    for i in range(turns):
        messages.append(HumanMessage(f"Question {i}: what is {i} squared?"))
        messages.append(
            AIMessage(
                f"{i} squared is {i * i}.",
                additional_kwargs={"reasoning_content": f"Multiply {i} by {i}."},
            )
        )
    return messages


def test_the_inherited_counter_would_download() -> None:
    """The guard works: ChatOpenAI's counter, which ChatMiniMax replaces, trips it."""
    model = ChatOpenAI(model="MiniMax-M2", base_url="http://127.0.0.1:9", api_key="k")
    with pytest.raises(AssertionError, match="tried to download"):
        model.get_num_tokens_from_messages([HumanMessage("Hi")])


# --- The five entry points, for every model -------------------------------------


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_text_counts_and_token_ids_for_every_model(name: str) -> None:
    model = offline_model(name)
    text = "Hello, world! 你好，世界。こんにちは。"
    ids = model.get_token_ids(text)
    assert model.get_num_tokens(text) == len(ids) == count_tokens(text) > 0
    assert ids == sorted(ids)
    assert all(0 <= i < len(text) for i in ids)


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_message_counts_for_every_model(name: str) -> None:
    model = offline_model(name)
    short = model.get_num_tokens_from_messages(history(1))
    long = model.get_num_tokens_from_messages(history(10))
    assert 0 < short < long


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_trim_messages_with_the_model_as_counter(name: str) -> None:
    model = offline_model(name)
    messages = history(30)
    budget = model.get_num_tokens_from_messages(messages) // 3
    trimmed = trim_messages(
        messages,
        max_tokens=budget,
        token_counter=model,
        strategy="last",
        include_system=True,
        start_on="human",
    )
    assert isinstance(trimmed[0], SystemMessage)
    assert isinstance(trimmed[1], HumanMessage)
    assert trimmed[-1] == messages[-1]
    assert len(trimmed) < len(messages)
    assert model.get_num_tokens_from_messages(trimmed) <= budget


def test_summarization_middleware_counts_with_the_model(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    model = make_model()
    messages = history(20)
    total = model.get_num_tokens_from_messages(messages)
    middleware = SummarizationMiddleware(
        model=model,
        trigger=("tokens", total // 2),
        keep=("tokens", total // 4),
        token_counter=model.get_num_tokens_from_messages,
    )
    agent = create_agent(model, middleware=[middleware])
    agent.invoke({"messages": [*messages, HumanMessage("And 21 squared?")]})
    summary_request, answer_request = emulator.requests
    assert "Question 0" in json.dumps(summary_request.body["messages"])
    sent = answer_request.body["messages"]
    assert len(sent) < len(messages)
    assert "Question 0:" not in json.dumps(sent)
    assert sent[-1]["content"] == "And 21 squared?"


# --- Counts add up ---------------------------------------------------------------

TEXTS = st.text(
    alphabet=st.sampled_from('abc xyz,.!?\n{}:"你好世界こんにちは0123456789é'),
    max_size=60,
)


@st.composite
def histories(draw: st.DrawFn) -> list[BaseMessage]:
    """Random histories: system, user, assistant (reasoning, tool calls), tool."""
    messages: list[BaseMessage] = []
    for i in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["system", "human", "ai", "tool"]))
        text = draw(TEXTS)
        if kind == "system":
            messages.append(SystemMessage(text))
        elif kind == "human":
            messages.append(HumanMessage(text))
        elif kind == "tool":
            messages.append(ToolMessage(text, tool_call_id=f"c{i}"))
        else:
            reasoning = draw(TEXTS)
            calls = [
                {"name": "lookup", "args": {"q": draw(TEXTS)}, "id": f"c{i}_{n}"}
                for n in range(draw(st.integers(0, 2)))
            ]
            kwargs = {"reasoning_content": reasoning} if reasoning else {}
            messages.append(AIMessage(text, additional_kwargs=kwargs, tool_calls=calls))
    return messages


def test_no_messages_count_zero() -> None:
    model = offline_model()
    assert model.get_num_tokens_from_messages([]) == 0
    assert model.get_num_tokens_from_messages([], include_service_prompt=True) == (
        SERVICE_PROMPT
    )


@settings(max_examples=60, deadline=None)
@given(histories(), st.sampled_from(["MiniMax-M2", "MiniMax-M3"]), st.booleans())
def test_counts_add_up_over_random_histories(
    messages: list[BaseMessage], name: str, split: bool
) -> None:
    """A list counts what its messages count one by one (what trimming assumes)."""
    model = offline_model(name, reasoning_split=split)
    whole = model.get_num_tokens_from_messages(messages)
    parts = sum(model.get_num_tokens_from_messages([m]) for m in messages)
    assert abs(whole - parts) <= 2
    billed = model.get_num_tokens_from_messages(messages, include_service_prompt=True)
    assert billed == whole + SERVICE_PROMPT


def most_that_fit(
    model: ChatMiniMax, messages: list[BaseMessage], budget: int, system: bool
) -> int:
    """How many of the last messages fit in `budget`, by trying every count."""
    head, rest = (messages[:1], messages[1:]) if system else ([], messages)
    fitting = [
        n
        for n in range(len(rest) + 1)
        if model.get_num_tokens_from_messages(head + rest[len(rest) - n :]) <= budget
    ]
    return max(fitting)


@pytest.mark.parametrize("system", [True, False])
@pytest.mark.parametrize("budget", [30, 60, 150, 400])
def test_trim_messages_keeps_within_one_message_of_the_most_that_fits(
    system: bool, budget: int
) -> None:
    model = offline_model()
    messages = history(30) if system else history(30)[1:]
    trimmed = trim_messages(
        messages,
        max_tokens=budget,
        token_counter=model,
        strategy="last",
        include_system=system,
    )
    best = most_that_fit(model, messages, budget, system)
    kept = len(trimmed) - (1 if system else 0)
    assert best > 0
    assert best - 1 <= kept <= best
    assert model.get_num_tokens_from_messages(trimmed) <= budget
    if system:
        assert trimmed[0] == messages[0]


def test_agent_with_a_trimming_middleware_answers_across_three_turns(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    from langgraph.checkpoint.memory import InMemorySaver
    from langgraph.graph.message import REMOVE_ALL_MESSAGES

    model = make_model()
    budget = 60

    @before_model
    def keep_recent(state: AgentState, runtime: Any) -> dict[str, Any]:
        recent = trim_messages(
            state["messages"],
            max_tokens=budget,
            token_counter=model,
            strategy="last",
            include_system=True,
            start_on="human",
        )
        return {"messages": [RemoveMessage(id=REMOVE_ALL_MESSAGES), *recent]}

    agent = create_agent(
        model,
        system_prompt="You are a concise assistant.",
        middleware=[keep_recent],
        checkpointer=InMemorySaver(),
    )
    config: Any = {"configurable": {"thread_id": "trim"}}
    questions = [
        "What is the capital of France? Explain at some length, please.",
        "And what is the capital of Italy? Again with a few sentences.",
        "Which of the two cities is larger?",
    ]
    for turn, question in enumerate(questions):
        emulator.add_reply(
            Reply(reasoning="Recall it. " * 5, content=f"Answer {turn}. " * 8)
        )
        result = agent.invoke({"messages": [HumanMessage(question)]}, config)
        assert result["messages"][-1].text == f"Answer {turn}. " * 8
        sent = emulator.requests[turn].messages
        assert sent[0]["role"] == "system"
        assert sent[-1] == {"role": "user", "content": question}
        kept = convert_to_messages(sent)
        assert model.get_num_tokens_from_messages(kept) <= budget + 2
    assert len(emulator.requests) == 3
    assert len(emulator.requests[2].messages) < 2 + 2 * 2


# --- What is counted -------------------------------------------------------------


def test_reasoning_is_counted_the_same_split_or_inline() -> None:
    reasoning, answer = "Let me think about the order of operations.", "It is 7."
    split = AIMessage(answer, additional_kwargs={"reasoning_content": reasoning})
    inline = AIMessage(f"<think>\n{reasoning}\n</think>\n\n{answer}")
    bare = AIMessage(answer)
    question = HumanMessage("What is 1 + 2 * 3?")

    def count(message: AIMessage, reasoning_split: bool) -> int:
        model = offline_model(reasoning_split=reasoning_split)
        return model.get_num_tokens_from_messages([question, message])

    with_reasoning = count(split, reasoning_split=True)
    assert with_reasoning == count(inline, reasoning_split=False)
    assert with_reasoning == count(split, reasoning_split=False)
    assert with_reasoning >= count(bare, reasoning_split=True) + count_tokens(reasoning)


def test_reasoning_details_are_counted() -> None:
    details = [{"type": "reasoning.text", "index": 0, "text": "Think it over. " * 20}]
    model = offline_model()
    question = HumanMessage("Hi")
    plain = model.get_num_tokens_from_messages([question, AIMessage("Hello")])
    counted = model.get_num_tokens_from_messages(
        [question, AIMessage("Hello", additional_kwargs={"reasoning_details": details})]
    )
    assert counted - plain >= count_tokens(details[0]["text"])


def test_tool_calls_arguments_and_results_are_counted() -> None:
    model = offline_model()

    def conversation(text: str) -> list[BaseMessage]:
        call = {
            "name": "write_file",
            "args": {"path": "a.txt", "text": text},
            "id": "c1",
        }
        return [
            HumanMessage("Write it."),
            AIMessage("", tool_calls=[call]),
            ToolMessage(f"wrote {text}", tool_call_id="c1"),
        ]

    short = model.get_num_tokens_from_messages(conversation("x"))
    long = model.get_num_tokens_from_messages(conversation("lorem ipsum " * 50))
    # The text is both in the call's arguments and in the tool result.
    assert long - short >= 2 * count_tokens("lorem ipsum " * 50) - 4


def test_bound_tools_schemas_are_counted() -> None:
    @tool
    def get_weather(city: str, unit: str = "celsius") -> str:
        """Get the current weather for a city, in celsius or fahrenheit."""
        return f"Sunny in {city}"

    model = offline_model()
    messages = [HumanMessage("Weather in Paris?")]
    without = model.get_num_tokens_from_messages(messages)
    with_tool = model.get_num_tokens_from_messages(messages, tools=[get_weather])
    assert with_tool - without > TOOLS_PROMPT + count_tokens("get_weather")


def test_a_trimmed_history_is_counted_not_rejected() -> None:
    """Orphaned tool results and calls answered in part are rejected on sending."""
    model = offline_model()
    orphan = [ToolMessage("42", tool_call_id="gone"), HumanMessage("Thanks")]
    with pytest.raises(ValueError, match="gone"):
        model._get_request_payload(orphan)
    assert model.get_num_tokens_from_messages(orphan) > 0
    calls = [{"name": "lookup", "args": {"q": "x"}, "id": f"c{i}"} for i in (8, 9)]
    in_part = [
        HumanMessage("Look them up."),
        AIMessage("", tool_calls=calls),
        ToolMessage("found", tool_call_id="c8"),
    ]
    with pytest.raises(ValueError, match="c9"):
        model._get_request_payload(in_part)
    assert model.get_num_tokens_from_messages(in_part) > 0


def test_images_and_videos_have_a_fixed_cost_on_m3() -> None:
    model = offline_model("MiniMax-M3")
    text = {"type": "text", "text": "What is in this picture?"}
    image = {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}
    video = {"type": "video_url", "video_url": {"url": "https://example.com/a.mp4"}}

    def count(*parts: dict[str, Any]) -> int:
        return model.get_num_tokens_from_messages([HumanMessage(content=list(parts))])

    assert count(text, image) - count(text) == IMAGE_TOKENS
    assert count(text, image, image) - count(text) == 2 * IMAGE_TOKENS
    assert count(text, video) - count(text) == VIDEO_TOKENS


def test_a_tokenizer_of_the_users_own_replaces_the_estimate() -> None:
    def characters(text: str) -> list[int]:
        return [ord(c) for c in text]

    model = offline_model(custom_get_token_ids=characters)
    assert model.get_token_ids("abc") == [97, 98, 99]
    assert model.get_num_tokens("abcdef") == 6
    one = model.get_num_tokens_from_messages([HumanMessage("a" * 10)])
    two = model.get_num_tokens_from_messages([HumanMessage("a" * 1010)])
    assert two - one == 1000


@settings(max_examples=50)
@given(st.text(max_size=200))
def test_token_offsets_agree_with_the_count(text: str) -> None:
    offsets = token_offsets(text)
    assert len(offsets) == count_tokens(text)
    assert offsets == sorted(offsets)
    assert all(0 <= offset < len(text) for offset in offsets)


def test_counts_add_up_over_texts() -> None:
    """Costs are exact hundredths: a text costs what its parts cost, up to rounding."""
    parts = ["Hello, world!", " 你好，世界。", "\n\n", "def f(x):\n    return x"]
    assert abs(count_tokens("".join(parts)) - sum(map(count_tokens, parts))) <= 4


# --- Accuracy against MiniMax's billed prompt tokens -----------------------------


def calibration_messages(record: dict[str, Any]) -> list[BaseMessage]:
    """The record's messages; assistant reasoning goes to `reasoning_content`."""
    messages: list[BaseMessage] = []
    for message in record["messages"]:
        if message["role"] == "assistant" and message.get("reasoning_content"):
            messages.append(
                AIMessage(
                    message.get("content") or "",
                    additional_kwargs={
                        "reasoning_content": message["reasoning_content"]
                    },
                )
            )
        else:
            messages.extend(convert_to_messages([message]))
    return messages


def relative_errors() -> list[float]:
    model = offline_model("MiniMax-M3")
    errors = []
    for line in CALIBRATION.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        counted = model.get_num_tokens_from_messages(
            calibration_messages(record),
            tools=record.get("tools") or None,
            include_service_prompt=True,
        )
        errors.append(abs(counted - record["prompt_tokens"]) / record["prompt_tokens"])
    return errors


def test_calibration_file_is_the_shared_one() -> None:
    records = [json.loads(line) for line in CALIBRATION.read_text().splitlines()]
    assert len(records) == 8
    assert all(r["source"].startswith("MiniMax-AI/") for r in records)
    shared = Path(__file__).resolve().parents[3] / "shared" / "calibration"
    if (shared / CALIBRATION.name).exists():
        assert (shared / CALIBRATION.name).read_text() == CALIBRATION.read_text()


def test_accuracy_against_minimax_billed_prompt_tokens() -> None:
    errors = relative_errors()
    assert statistics.median(errors) <= 0.10
    assert max(errors) <= 0.25


def test_docs_state_the_measured_errors() -> None:
    errors = relative_errors()
    text = DOCS.read_text(encoding="utf-8")
    median = re.search(r"median relative error of ([\d.]+)%", text)
    worst = re.search(r"worst ([\d.]+)%", text)
    assert median, "docs/chat_minimax.md must state the measured median error"
    assert worst, "docs/chat_minimax.md must state the measured worst error"
    assert float(median.group(1)) == round(100 * statistics.median(errors), 1)
    assert float(worst.group(1)) == round(100 * max(errors), 1)
