"""Request building: parameter checks, extra_body, message rules (no HTTP)."""

from __future__ import annotations

import os
import warnings
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from langchain_minimax import ChatMiniMax
from langchain_minimax._client_factory import NO_KEY
from langchain_minimax.chat_models import DEFAULT_BASE_URL
from langchain_minimax.request import (
    apply_message_rules,
    apply_tool_rules,
    replay_tool_calls,
    text_only,
    tool_choice_honoured,
)


def _model(**kwargs: object) -> ChatMiniMax:
    return ChatMiniMax(api_key="k", **kwargs)  # type: ignore[arg-type]


def test_defaults() -> None:
    with mock.patch.dict(os.environ, {"MINIMAX_API_KEY": "env"}, clear=True):
        model = ChatMiniMax()
    assert model.model_name == "MiniMax-M2"
    assert model.temperature == 1.0
    assert model.minimax_api_base == DEFAULT_BASE_URL
    assert model.reasoning_split is True
    assert model.stream_usage is True
    assert model.minimax_api_key is not None
    assert model.minimax_api_key.get_secret_value() == "env"
    assert str(model.root_client.base_url).rstrip("/") == DEFAULT_BASE_URL


def test_openai_env_is_never_used() -> None:
    env = {
        "OPENAI_API_KEY": "sk-openai",
        "OPENAI_BASE_URL": "https://api.openai.com/v1",
        "OPENAI_API_BASE": "https://api.openai.com/v1",
    }
    with mock.patch.dict(os.environ, env, clear=True):
        with pytest.raises(ValueError, match="MINIMAX_API_KEY"):
            ChatMiniMax()
        local = ChatMiniMax(base_url="http://127.0.0.1:9/v1")
    assert local.root_client.api_key == NO_KEY
    assert str(local.root_client.base_url) == "http://127.0.0.1:9/v1/"


@pytest.mark.parametrize(
    "base_url", ["https://api.minimaxi.com/v1", "https://api.minimax.io/v1/"]
)
def test_minimax_hosts_need_a_key(base_url: str) -> None:
    with (
        mock.patch.dict(os.environ, {}, clear=True),
        pytest.raises(ValueError, match="MINIMAX_API_KEY"),
    ):
        ChatMiniMax(base_url=base_url)


def test_base_url_from_env() -> None:
    env = {"MINIMAX_API_KEY": "k", "MINIMAX_BASE_URL": "https://api.minimaxi.com/v1"}
    with mock.patch.dict(os.environ, env, clear=True):
        model = ChatMiniMax()
    assert model.minimax_api_base == "https://api.minimaxi.com/v1"


def test_responses_api_never_used() -> None:
    model = _model(output_version="responses/v1", use_responses_api=True)
    assert model._use_responses_api({"tools": [{"type": "web_search"}]}) is False
    payload = model._get_request_payload("hi")
    assert "messages" in payload
    assert "input" not in payload


@pytest.mark.parametrize("temperature", [0, 0.0, -1, 1.01, 2])
def test_temperature_out_of_range_rejected_everywhere(temperature: float) -> None:
    with pytest.raises(ValueError, match="temperature"):
        _model(temperature=temperature)
    with pytest.raises(ValueError, match="temperature"):
        _model()._get_request_payload("hi", temperature=temperature)


def test_temperature_zero_suggests_alternative() -> None:
    with pytest.raises(ValueError, match=r"\(0.0, 1.0\].*0.01"):
        _model(temperature=0)


def test_temperature_range_per_model() -> None:
    assert _model(model="MiniMax-M3", temperature=0).temperature == 0
    assert str(_model().temperature_range) == "(0.0, 1.0]"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n": 2}, "n=2"),
        ({"functions": [{"name": "f"}]}, "functions="),
        ({"function_call": "auto"}, "function_call="),
    ],
)
def test_unsupported_params_rejected(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        _model()._get_request_payload("hi", **kwargs)


def test_n_rejected_at_construction() -> None:
    with pytest.raises(ValueError, match="n=3"):
        _model(n=3)


@pytest.mark.parametrize(
    "block",
    [
        {"type": "image_url", "image_url": {"url": "https://x/y.png"}},
        {"type": "image", "url": "https://x/y.png"},
        {"type": "input_audio", "input_audio": {"data": "AA", "format": "wav"}},
        {"type": "file", "file": {"file_data": "AA"}},
    ],
)
def test_media_input_rejected_for_text_only_model(block: dict) -> None:
    message = HumanMessage([{"type": "text", "text": "look"}, block])
    with pytest.raises(ValueError, match=rf"messages\[0\].*{block['type']}"):
        _model()._get_request_payload([message])


def test_media_input_allowed_for_m3() -> None:
    message = HumanMessage(
        [{"type": "image_url", "image_url": {"url": "https://x/y.png"}}]
    )
    payload = _model(model="MiniMax-M3")._get_request_payload([message])
    assert payload["messages"][0]["content"][0]["type"] == "image_url"


def test_ignored_params_dropped_with_one_warning() -> None:
    with pytest.warns(UserWarning, match="ignores presence_penalty") as record:
        model = _model(presence_penalty=0.5)
    assert len(record) == 1
    payload = model._get_request_payload("hi")
    assert "presence_penalty" not in payload
    with pytest.warns(UserWarning, match="frequency_penalty, logit_bias"):
        payload = model._get_request_payload(
            "hi", frequency_penalty=1.0, logit_bias={"1": 2}
        )
    assert "frequency_penalty" not in payload
    assert "logit_bias" not in payload


def test_no_warning_without_ignored_params() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _model()._get_request_payload("hi")


def test_reasoning_split_in_extra_body_merged() -> None:
    model = _model(extra_body={"foo": 1})
    assert model._get_request_payload("hi")["extra_body"] == {
        "reasoning_split": True,
        "foo": 1,
    }
    payload = model._get_request_payload(
        "hi", extra_body={"reasoning_split": False, "bar": 2}
    )
    assert payload["extra_body"] == {"reasoning_split": False, "foo": 1, "bar": 2}
    off = _model(reasoning_split=False)
    assert off._get_request_payload("hi")["extra_body"] == {"reasoning_split": False}


def test_assistant_reasoning_goes_back() -> None:
    details = [{"type": "reasoning.text", "id": "r", "index": 0, "text": "t"}]
    history = [
        SystemMessage("sys"),
        HumanMessage("q"),
        AIMessage("a", additional_kwargs={"reasoning_details": details}),
        HumanMessage("q2"),
    ]
    sent = _model()._get_request_payload(history)["messages"]
    assert sent[2] == {
        "role": "assistant",
        "content": "a",
        "reasoning_details": details,
    }
    assert sent[0] == {"role": "system", "content": "sys"}
    assert sent[3] == {"role": "user", "content": "q2"}


def test_assistant_list_content_flattened() -> None:
    message = AIMessage([{"type": "text", "text": "a"}, {"type": "text", "text": "b"}])
    sent = _model()._get_request_payload([HumanMessage("q"), message])["messages"]
    assert sent[1]["content"] == "ab"


def test_request_extra_body_precedence() -> None:
    from langchain_minimax.request import request_extra_body

    assert request_extra_body(None, None, True) == {"reasoning_split": True}
    assert request_extra_body({"reasoning_split": False, "a": 1}, None, True) == {
        "reasoning_split": False,
        "a": 1,
    }
    assert request_extra_body(
        {"reasoning_split": False, "a": 1}, {"reasoning_split": True, "b": 2}, False
    ) == {"reasoning_split": True, "a": 1, "b": 2}


def test_apply_message_rules_only_touches_assistant_dicts() -> None:
    from langchain_minimax.request import apply_message_rules

    messages = [
        HumanMessage("q"),
        AIMessage(
            [{"type": "text", "text": "x"}],
            additional_kwargs={"reasoning_content": "r"},
        ),
    ]
    dicts = [
        {"role": "user", "content": [{"type": "text", "text": "q"}]},
        {"role": "assistant", "content": [{"type": "text", "text": "x"}]},
    ]
    sent = apply_message_rules(dicts, messages, reasoning_split=True)
    assert sent[0] == {"role": "user", "content": [{"type": "text", "text": "q"}]}
    assert sent[1]["content"] == "x"
    assert sent[1]["reasoning_details"][0]["text"] == "r"


# --- the message and tool rules, as pure functions ---

ROLE_MESSAGES = {
    "system": lambda i: SystemMessage(f"s{i}"),
    "user": lambda i: HumanMessage(f"u{i}"),
    "assistant": lambda i: AIMessage(f"a{i}"),
}


@given(st.lists(st.sampled_from(sorted(ROLE_MESSAGES)), min_size=1, max_size=12))
def test_system_messages_merged_first_others_in_order(roles: list[str]) -> None:
    messages = [ROLE_MESSAGES[role](i) for i, role in enumerate(roles)]
    dicts = [
        {"role": role, "content": m.content}
        for role, m in zip(roles, messages, strict=True)
    ]
    sent = apply_message_rules(dicts, messages, reasoning_split=True)
    systems = [m.content for m in messages if isinstance(m, SystemMessage)]
    others = [
        {"role": role, "content": m.content}
        for role, m in zip(roles, messages, strict=True)
        if role != "system"
    ]
    if systems:
        assert sent[0] == {"role": "system", "content": "\n\n".join(systems)}  # type: ignore[arg-type]
        assert sent[1:] == others
    else:
        assert sent == others


def test_developer_role_merged_as_system() -> None:
    messages = [
        SystemMessage("a", additional_kwargs={"__openai_role__": "developer"}),
        HumanMessage("q"),
    ]
    sent = _model()._get_request_payload(messages)["messages"]
    assert sent[0] == {"role": "system", "content": "a"}


def test_replay_tool_calls_copies_what_it_changes() -> None:
    function = {"name": "f", "arguments": "not json"}
    message_dict = {
        "role": "assistant",
        "tool_calls": [
            {"id": "c1", "type": "function", "function": function},
            {
                "id": "c2",
                "type": "function",
                "function": {"name": "g", "arguments": '{"x": 1}'},
            },
        ],
    }
    kept = message_dict["tool_calls"][1]  # type: ignore[index]
    with pytest.warns(UserWarning, match=r"messages\[4\].*'f'"):
        ids = replay_tool_calls(message_dict, 4)
    assert ids == ["c1", "c2"]
    assert message_dict["tool_calls"][0]["function"]["arguments"] == "{}"  # type: ignore[index]
    assert message_dict["tool_calls"][1] is kept  # type: ignore[index]
    assert function["arguments"] == "not json"


@pytest.mark.parametrize(
    ("arguments", "sent"),
    [(None, "{}"), ("", "{}"), ("  ", "{}"), ({"a": "é"}, '{"a": "é"}'), ("{}", "{}")],
)
def test_replay_tool_calls_quiet_fixes(arguments: object, sent: str) -> None:
    message_dict = {
        "tool_calls": [
            {"id": "c1", "function": {"name": "f", "arguments": arguments}},
        ]
    }
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        replay_tool_calls(message_dict, 0)
    assert message_dict["tool_calls"][0]["function"]["arguments"] == sent


@pytest.mark.parametrize(
    ("content", "text"),
    [
        (None, ""),
        ("plain", "plain"),
        ([{"type": "text", "text": "a"}, "b"], "a\nb"),
    ],
)
def test_text_only(content: object, text: str) -> None:
    assert text_only(content, "here") == text


@pytest.mark.parametrize(
    "block", [{"type": "image_url", "image_url": {"url": "x"}}, {"text": "no type"}, 3]
)
def test_text_only_refuses_other_blocks(block: object) -> None:
    with pytest.raises(ValueError, match=r"messages\[2\] \(tool result\) has a"):
        text_only([block], "messages[2] (tool result)")


@pytest.mark.parametrize(
    ("choice", "honoured"),
    [
        (None, True),
        (False, True),
        ("auto", True),
        ("none", True),
        ("any", False),
        ("required", False),
        (True, False),
        ("f", False),
        ({"type": "function", "function": {"name": "f"}}, False),
    ],
)
def test_tool_choice_honoured(choice: object, honoured: bool) -> None:
    assert tool_choice_honoured(choice, ["f"]) is honoured


@pytest.mark.parametrize(
    "choice",
    ["g", {"type": "function", "function": {"name": "g"}}, {"type": "file_search"}],
)
def test_tool_choice_invalid(choice: object) -> None:
    with pytest.raises(ValueError, match=r"tool_choice=.* is not valid.*\['f'\]"):
        tool_choice_honoured(choice, ["f"])


def test_apply_tool_rules() -> None:
    bare = {"type": "function", "function": {"name": "f"}}
    payload = {
        "tools": [bare],
        "tool_choice": "required",
        "response_format": {"type": "json_object"},
        "parallel_tool_calls": False,
    }
    with pytest.warns(UserWarning, match="MiniMax") as record:
        apply_tool_rules(payload)
    assert [str(w.message).split(";")[0] for w in record] == [
        "MiniMax honours only tool_choice='auto' or 'none' and ignores 'required'",
        "MiniMax ignores response_format",
    ]
    assert payload == {
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": "f",
                    "parameters": {"type": "object", "properties": {}},
                },
            }
        ],
        "parallel_tool_calls": False,
    }
    assert bare == {"type": "function", "function": {"name": "f"}}
