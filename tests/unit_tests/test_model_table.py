"""The model table, the rules table, the emulator and the pre-send checks agree.

The model table (`model_table.MODELS`) and the rules table (`rules.RULES`) are
read by three places: `ChatMiniMax`'s pre-send checks, the emulator's answers
and docs/models.md. These tests hold them against one another over real HTTP.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import warnings
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    ChatMessage,
    HumanMessage,
)

from langchain_minimax import ChatMiniMax
from langchain_minimax.model_table import (
    DEFAULT_MODEL,
    MODELS,
    MiniMaxModel,
    Retirement,
)
from langchain_minimax.profiles import retirement_warning
from langchain_minimax.rules import RULES, violations
from langchain_minimax.testing import KNOWN_MODELS, MiniMaxEmulator, Reply

ROOT = Path(__file__).resolve().parents[2]

# --- docs/models.md renders the table ------------------------------------------


def _effort(row: MiniMaxModel) -> str:
    if not row.reasoning_efforts:
        return "not sent (none documented)"
    if not row.effort_tunes_depth:
        return "not sent (no effect)"
    return ", ".join(row.reasoning_efforts)


def _retirement(row: MiniMaxModel) -> str:
    if row.retirement is None:
        return "-"
    who = "MiniMax" if row.retirement.announced_by_minimax else "secondary source"
    return f"{row.retirement.date}, use {row.retirement.successor} ({who})"


def table_lines() -> list[str]:
    """docs/models.md's table, rendered from `MODELS`."""
    lines = [
        "| Model | Context window | Max output | Input | Temperature | `thinking` "
        "| `reasoning_effort` | Split reasoning arrives as | Retirement |",
        "| " + " | ".join(["---"] * 9) + " |",
    ]
    for row in MODELS.values():
        output = f"{row.max_output_tokens:,}"
        if not row.output_limit_enforced:
            output += " (disputed)"
        cells = [
            row.name,
            f"{row.max_input_tokens:,}",
            output,
            ", ".join(row.input_modalities),
            str(row.temperature),
            ", ".join(row.thinking_types),
            _effort(row),
            ", ".join(row.split_reasoning),
            _retirement(row),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def source_lines() -> list[str]:
    """docs/models.md's list of sources, rendered from `MODELS`."""
    by_fact: dict[tuple[str, str], list[str]] = {}
    for row in MODELS.values():
        facts = dict(row.sources)
        for field, source in facts.items():
            by_fact.setdefault((field, source), []).append(row.name)
        if row.retirement is not None:
            key = ("retirement", row.retirement.source)
            by_fact.setdefault(key, []).append(row.name)
    by_field: dict[str, list[str]] = {}
    for (field, source), names in by_fact.items():
        by_field.setdefault(field, []).append(f"  - {', '.join(names)}: {source}")
    lines = []
    for field, entries in by_field.items():
        lines += [f"- `{field}`:", *entries]
    return lines


def test_docs_render_the_model_table_and_its_sources() -> None:
    text = (ROOT / "docs" / "models.md").read_text(encoding="utf-8")
    assert "\n".join(table_lines()) in text
    assert "\n".join(source_lines()) in text


def test_every_fact_has_a_source() -> None:
    facts = {
        "max_input_tokens",
        "max_output_tokens",
        "input_modalities",
        "temperature",
        "thinking_types",
        "reasoning_efforts",
        "split_reasoning",
        "reasoning_field",
        "several_system_messages",
    }
    for row in MODELS.values():
        assert facts <= set(row.sources), row.name
        if row.released:
            assert "released" in row.sources, row.name


def test_default_model_is_in_the_table_and_explained() -> None:
    assert DEFAULT_MODEL in MODELS
    assert ChatMiniMax(api_key="k").model_name == DEFAULT_MODEL
    text = (ROOT / "docs" / "models.md").read_text(encoding="utf-8")
    assert f"`{DEFAULT_MODEL}`" in text.split("## The default model", 1)[1]


# --- the emulator serves every model in the table ------------------------------


def test_the_emulator_accepts_exactly_the_table() -> None:
    assert frozenset(MODELS) == KNOWN_MODELS


def _summed(chunks: list[AIMessageChunk]) -> AIMessageChunk:
    total = chunks[0]
    for chunk in chunks[1:]:
        total += chunk
    return total


@pytest.mark.parametrize("name", list(MODELS))
def test_every_model_is_served_with_its_reasoning_form(
    emulator: MiniMaxEmulator, make_model: Any, name: str
) -> None:
    row = MODELS[name]
    emulator.add_reply(Reply(reasoning="Think.", content="Done."))
    emulator.add_reply(Reply(reasoning="Think.", content="Done.", chunk_size=3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no retirement warning: none announced
        model: ChatMiniMax = make_model(model=name)
    assert model.profile is not None
    assert model.profile["max_input_tokens"] == row.max_input_tokens
    assert model.profile["max_output_tokens"] == row.max_output_tokens
    assert model.profile["image_inputs"] is row.image_inputs
    message = model.invoke("q")
    total = _summed(list(model.stream("q")))
    for received in (message, total):
        fields = {
            field
            for field in ("reasoning_content", "reasoning_details")
            if field in received.additional_kwargs
        }
        assert fields == set(row.split_reasoning), name
        assert received.content == "Done."
        assert received.additional_kwargs["reasoning_content"] == "Think."


def test_m3_1_flash_invoke_and_stream_with_its_profile(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    emulator.add_reply(Reply(reasoning="Think.", content="Hi!", prompt_tokens=152))
    emulator.add_reply(Reply(reasoning="Think.", content="Hi!", chunk_size=2))
    model: ChatMiniMax = make_model(model="MiniMax-M3.1-Flash", reasoning_effort="max")
    assert model.profile is not None
    assert model.profile["max_input_tokens"] == 1_000_000
    assert model.profile["max_output_tokens"] == 524_288
    assert model.profile["video_inputs"] is True
    message = model.invoke([HumanMessage("hello")])
    assert isinstance(message, AIMessage)
    assert message.usage_metadata is not None
    assert message.usage_metadata["input_tokens"] == 152
    assert message.content_blocks[0] == {"type": "reasoning", "reasoning": "Think."}
    total = _summed(list(model.stream("hello")))
    assert total.content == "Hi!"
    assert total.additional_kwargs == {"reasoning_content": "Think."}
    sent = [request.body for request in emulator.requests]
    assert all(body is not None for body in sent)
    assert [body["reasoning_effort"] for body in sent if body] == ["max", "max"]


# --- the rules: emulator and pre-send checks -----------------------------------

VIOLATIONS: dict[str, dict[str, Any]] = {
    "model_named": {"model": ""},
    "model_known": {"model": "gpt-4o"},
    "n_one": {"n": 2},
    "temperature_range": {"temperature": 1.5},
    "top_p_range": {"top_p": 1.5},
    "max_tokens_positive": {"max_tokens": 0},
    "output_limit": {"model": "MiniMax-M3", "max_tokens": 524_289},
    "disputed_output_limit": {"model": "MiniMax-M2.7", "max_tokens": 204_801},
    "thinking_type": {"model": "MiniMax-M3.1-Flash", "thinking": {"type": "disabled"}},
    "effort_none": {"model": "MiniMax-M3.1-Flash", "reasoning_effort": "none"},
    "effort_value": {"model": "MiniMax-M3.1-Flash", "reasoning_effort": "ultra"},
    "messages_present": {"messages": []},
    "message_role": {"messages": [{"role": "narrator", "content": "hi"}]},
    "system_first": {
        "messages": [
            {"role": "user", "content": "hi"},
            {"role": "system", "content": "late"},
        ]
    },
    "one_system": {
        "messages": [
            {"role": "system", "content": "a"},
            {"role": "system", "content": "b"},
            {"role": "user", "content": "hi"},
        ]
    },
    "content_parts": {
        "messages": [{"role": "user", "content": [{"type": "text", "text": 3}]}]
    },
    "tool_call_arguments": {
        "messages": [
            {"role": "user", "content": "hi"},
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {
                        "id": "c1",
                        "type": "function",
                        "function": {"name": "f", "arguments": "{oops"},
                    }
                ],
            },
        ]
    },
    "tool_results_issued": {
        "messages": [
            {"role": "user", "content": "hi"},
            {"role": "tool", "tool_call_id": "nope", "content": "x"},
        ]
    },
    "tool_results_whole": {
        "messages": [
            {"role": "user", "content": "hi"},
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {
                        "id": i,
                        "type": "function",
                        "function": {"name": "f", "arguments": "{}"},
                    }
                    for i in ("c1", "c2")
                ],
            },
            {"role": "tool", "tool_call_id": "c1", "content": "x"},
        ]
    },
    "tool_content_string": {
        "messages": [
            {"role": "user", "content": "hi"},
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {
                        "id": "c1",
                        "type": "function",
                        "function": {"name": "f", "arguments": "{}"},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "c1", "content": {"a": 1}},
        ]
    },
    "tools_valid": {"tools": []},
    "tool_calls_shape": {
        "messages": [
            {"role": "user", "content": "hi"},
            {"role": "assistant", "content": "", "tool_calls": [{"id": "c1"}]},
        ]
    },
    "text_encodable": {"messages": [{"role": "user", "content": "bad \ud800"}]},
    "context_window": {"messages": [{"role": "user", "content": "x" * 900_000}]},
}
"""One request body per rule that breaks only that rule (beside a valid base)."""

BASE = {"model": "MiniMax-M2", "messages": [{"role": "user", "content": "hi"}]}


def test_every_rule_has_a_violating_example_and_a_decision() -> None:
    assert {rule.name for rule in RULES if rule.name != "body_object"} == set(
        VIOLATIONS
    )
    for rule in RULES:
        if rule.service_rejects:
            # checked before sending, or documented as not checkable
            assert rule.before_sending in ("raise", "warn", "unchecked"), rule
        if rule.before_sending == "unchecked":
            assert rule.reason, rule.name
        assert rule.source, rule.name


@pytest.mark.parametrize("name", list(VIOLATIONS))
def test_each_example_breaks_its_rule_first(name: str) -> None:
    body = {**BASE, **VIOLATIONS[name]}
    found = [rule.name for rule, _ in violations(body, models=KNOWN_MODELS)]
    assert found[:1] == [name]


def _post(emulator: MiniMaxEmulator, body: dict[str, Any]) -> tuple[int, Any]:
    """POST `body` as JSON (ASCII escapes, as most clients send) over HTTP."""
    request = urllib.request.Request(
        f"{emulator.base_url}/chat/completions",
        data=json.dumps(body).encode(),
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {emulator.api_key}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.parametrize(
    "name", [rule.name for rule in RULES if rule.name != "body_object"]
)
def test_the_emulator_answers_each_rule_as_the_table_says(
    emulator: MiniMaxEmulator, name: str
) -> None:
    rule = next(rule for rule in RULES if rule.name == name)
    body = {**BASE, **VIOLATIONS[name]}
    emulator.add_reply(Reply(content="ok"))
    status, answer = _post(emulator, body)
    if rule.service_rejects:
        assert status == 400
        message = answer["error"]["message"]
        found = next(iter(violations(body, models=KNOWN_MODELS)))[1]
        assert message == f"invalid params, {found.message} (2013)"
    else:
        assert status == 200, answer


MODEL_SIDE: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "model_named": ({"model": ""}, {}),
    "n_one": ({}, {"n": 2}),
    "temperature_range": ({}, {"temperature": 1.5}),
    "top_p_range": ({}, {"top_p": 1.5}),
    "max_tokens_positive": ({}, {"max_tokens": 0}),
    "output_limit": ({"model": "MiniMax-M3"}, {"max_tokens": 524_289}),
    "thinking_type": (
        {"model": "MiniMax-M3.1-Flash"},
        {"thinking": {"type": "disabled"}},
    ),
    "effort_none": ({"model": "MiniMax-M3.1-Flash"}, {"reasoning_effort": "none"}),
    "effort_value": ({"model": "MiniMax-M3.1-Flash"}, {"reasoning_effort": "ultra"}),
}
"""Each rule the model raises for on settings: (constructor, call) arguments."""


@pytest.mark.parametrize("name", list(MODEL_SIDE))
def test_the_model_raises_before_sending(
    emulator: MiniMaxEmulator, make_model: Any, name: str
) -> None:
    init, call = MODEL_SIDE[name]
    rule = next(rule for rule in RULES if rule.name == name)
    assert rule.before_sending == "raise"
    with pytest.raises(ValueError, match=rf"{rule.parameter}=.* is not accepted"):
        make_model(**init).invoke("q", **call)
    with pytest.raises(ValueError, match=r"is not accepted"):
        make_model(model=init.get("model", "MiniMax-M2"), **call)
    assert emulator.requests == []


BAD_HISTORY: dict[str, list[Any]] = {
    "messages_present": [],
    "message_role": [ChatMessage("hi", role="narrator")],
    "content_parts": [{"role": "user", "content": [{"type": "text", "text": 3}]}],
    "content_parts_unknown_type": [
        {"role": "user", "content": [{"type": "hologram", "data": "x"}]}
    ],
}
"""Histories the model refuses before sending, by the rules table."""


@pytest.mark.parametrize("case", list(BAD_HISTORY))
def test_bad_histories_raise_before_sending(
    emulator: MiniMaxEmulator, make_model: Any, case: str
) -> None:
    model: ChatMiniMax = make_model()
    with pytest.raises(ValueError, match=r"messages.* is not accepted"):
        model.invoke(BAD_HISTORY[case])
    assert emulator.requests == []


def test_a_tool_with_an_empty_name_raises_before_sending(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    tool = {"type": "function", "function": {"name": "", "parameters": {"a": 1}}}
    with pytest.raises(ValueError, match=r"tools\[0\].function.name='' is not"):
        make_model().invoke("q", tools=[tool])
    assert emulator.requests == []


def test_disputed_output_limits_warn_and_send(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    emulator.add_reply(Reply(content="ok"))
    model: ChatMiniMax = make_model(model="MiniMax-M2.7", max_tokens=204_801)
    with pytest.warns(
        UserWarning, match="max_completion_tokens=204801 is not accepted"
    ):
        model.invoke("q")
    assert emulator.requests[0].response_status == 200


def test_the_root_role_is_valid_on_m3(emulator: MiniMaxEmulator) -> None:
    for model in ("MiniMax-M3", "MiniMax-M3.1-Flash"):
        body = {**BASE, "model": model}
        body["messages"] = [{"role": "root", "content": "Be brief."}, *BASE["messages"]]
        assert list(violations(body, models=KNOWN_MODELS)) == []


def test_empty_tools_and_tool_choice_without_tools_are_not_sent(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    emulator.add_replies([Reply(content="a"), Reply(content="b")])
    model: ChatMiniMax = make_model()
    model.bind_tools([]).invoke("q")
    model.bind_tools([], tool_choice="none").invoke("q")
    for request in emulator.requests:
        assert request.body is not None
        assert "tools" not in request.body
        assert "tool_choice" not in request.body


# --- retirement ------------------------------------------------------------------


def test_only_retirements_minimax_announced_warn() -> None:
    secondary = MODELS["MiniMax-M2.5"]
    assert secondary.retirement is not None
    assert not secondary.retirement.announced_by_minimax
    assert retirement_warning(secondary) is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ChatMiniMax(model="MiniMax-M2.5", api_key="k")
    announced = secondary._replace(
        retirement=Retirement(
            "2027-01-01", "MiniMax-M3.1-Flash", "MiniMax's models page", True
        )
    )
    message = retirement_warning(announced)
    assert message is not None
    for part in ("2027-01-01", "'MiniMax-M3.1-Flash'", "MiniMax's models page"):
        assert part in message


def test_an_announced_retirement_warns_once_at_construction(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    row = MODELS["MiniMax-M2.5"]._replace(
        name="MiniMax-M2.5-announced",
        retirement=Retirement(
            "2027-01-01", "MiniMax-M3.1-Flash", "MiniMax's models page", True
        ),
    )
    monkeypatch.setitem(MODELS, row.name, row)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(2):
            ChatMiniMax(model=row.name, api_key="k")
    retired = [w for w in caught if w.category is FutureWarning]
    assert len(retired) == 1
    assert "retired on 2027-01-01" in str(retired[0].message)
