"""MiniMax-M3's request fields and response flags, over HTTP against the emulator."""

from __future__ import annotations

import json
import warnings
from typing import Any

import pytest
from langchain_core.load import dumpd, load
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.graph import START, MessagesState, StateGraph

from langchain_minimax import ChatMiniMax, video
from langchain_minimax.testing import MiniMaxEmulator, Reply


def _bodies(emulator: MiniMaxEmulator) -> list[dict[str, Any]]:
    """The JSON bodies the emulator received, in order."""
    return [request.body or {} for request in emulator.requests]


# --- MiniMax-only body fields -------------------------------------------------


def test_body_fields_from_every_source_reach_the_body(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    with warnings.catch_warnings():
        # ChatOpenAI warns that an unknown constructor argument goes to model_kwargs.
        warnings.simplefilter("ignore")
        model: ChatMiniMax = make_model(
            mask_level=1, model_kwargs={"user": "u-1", "label": "m"}
        )
    emulator.add_reply(Reply(content="ok"))
    assert model.invoke("q", per_call=[1, 2]).content == "ok"
    [body] = _bodies(emulator)
    assert (body["mask_level"], body["label"], body["per_call"]) == (1, "m", [1, 2])
    assert body["user"] == "u-1"
    assert body["reasoning_split"] is True


def test_call_extra_body_wins_over_body_fields(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    model: ChatMiniMax = make_model(
        model_kwargs={"label": "model"}, extra_body={"label": "model extra_body"}
    )
    emulator.add_reply(Reply(content="a"))
    emulator.add_reply(Reply(content="b"))
    model.invoke("q")
    model.invoke("q", extra_body={"label": "call"})
    first, second = _bodies(emulator)
    assert first["label"] == "model"
    assert second["label"] == "call"


def test_sdk_fields_keep_their_path(make_model: Any) -> None:
    model: ChatMiniMax = make_model(model_kwargs={"user": "u-1", "label": "x"})
    payload = model._get_request_payload("q", seed=3)
    assert (payload["user"], payload["seed"]) == ("u-1", 3)
    assert payload["extra_body"] == {"reasoning_split": True, "label": "x"}


# --- thinking and reasoning_effort ---------------------------------------------


def test_thinking_from_constructor_and_call_reaches_the_body(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    model: ChatMiniMax = make_model(model="MiniMax-M3", thinking={"type": "adaptive"})
    emulator.add_reply(Reply(content="a"))
    emulator.add_reply(Reply(content="b"))
    model.invoke("q")
    model.invoke("q", thinking={"type": "disabled"})
    first, second = _bodies(emulator)
    assert first["thinking"] == {"type": "adaptive"}
    assert second["thinking"] == {"type": "disabled"}


@pytest.mark.parametrize("effort", ["low", "medium", "high", "xhigh", "max"])
def test_reasoning_effort_reaches_the_body(
    emulator: MiniMaxEmulator, make_model: Any, effort: str
) -> None:
    emulator.add_reply(Reply(content="a"))
    make_model(model="MiniMax-M3.1-Flash", reasoning_effort=effort).invoke("q")
    assert _bodies(emulator)[0]["reasoning_effort"] == effort


def test_m3_is_told_reasoning_effort_does_not_tune_it(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    emulator.add_reply(Reply(content="a"))
    model: ChatMiniMax = make_model(model="MiniMax-M3", reasoning_effort="low")
    with pytest.warns(UserWarning, match="does not change MiniMax-M3's reasoning"):
        model.invoke("q")
    assert "reasoning_effort" not in _bodies(emulator)[0]


def test_minimal_effort_is_sent_as_low(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    emulator.add_reply(Reply(content="a"))
    emulator.add_reply(Reply(content="b"))
    model: ChatMiniMax = make_model(
        model="MiniMax-M3.1-Flash", reasoning_effort="minimal"
    )
    model.invoke("q")
    model.invoke("q", extra_body={"reasoning_effort": "minimal"})
    assert [body["reasoning_effort"] for body in _bodies(emulator)] == ["low", "low"]


def test_reasoning_effort_is_not_sent_to_a_model_without_it(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    emulator.add_reply(Reply(content="a"))
    model: ChatMiniMax = make_model(model="MiniMax-M2.7", reasoning_effort="high")
    with pytest.warns(UserWarning, match="MiniMax ignores reasoning_effort"):
        model.invoke("q")
    assert "reasoning_effort" not in _bodies(emulator)[0]


BAD_THINKING: dict[str, tuple[dict[str, Any], dict[str, Any], str]] = {
    "M2 disabled, constructor field": (
        {"model": "MiniMax-M2", "thinking": {"type": "disabled"}},
        {},
        "cannot be switched off",
    ),
    "M2 disabled, per call": (
        {"model": "MiniMax-M2.5"},
        {"thinking": {"type": "disabled"}},
        "cannot be switched off",
    ),
    "M2 disabled, model_kwargs": (
        {"model": "MiniMax-M2", "model_kwargs": {"thinking": {"type": "disabled"}}},
        {},
        "cannot be switched off",
    ),
    "M2 disabled, extra_body": (
        {"model": "MiniMax-M2", "extra_body": {"thinking": {"type": "disabled"}}},
        {},
        "cannot be switched off",
    ),
    "M2 disabled, call extra_body": (
        {"model": "MiniMax-M2"},
        {"extra_body": {"thinking": {"type": "disabled"}}},
        "cannot be switched off",
    ),
    "unknown type": (
        {"model": "MiniMax-M3"},
        {"thinking": {"type": "enabled", "budget_tokens": 1024}},
        "'adaptive'.*'disabled'",
    ),
    "not a dict": ({"model": "MiniMax-M3"}, {"thinking": True}, "is not accepted"),
    "M3.1-Flash disabled": (
        {"model": "MiniMax-M3.1-Flash"},
        {"thinking": {"type": "disabled"}},
        "MiniMax-M3.1-Flash's thinking cannot be switched off",
    ),
    "effort typo": (
        {"model": "MiniMax-M3"},
        {"reasoning_effort": "hihg"},
        "one of low, medium, high, xhigh, max",
    ),
    "effort none": (
        {"model": "MiniMax-M3"},
        {"reasoning_effort": "none"},
        "thinking=\\{'type': 'disabled'\\}",
    ),
    "effort in call extra_body": (
        {"model": "MiniMax-M3"},
        {"extra_body": {"reasoning_effort": "ultra"}},
        "reasoning_effort='ultra'",
    ),
    "effort in model_kwargs": (
        {"model": "MiniMax-M3", "model_kwargs": {"reasoning_effort": "ultra"}},
        {},
        "reasoning_effort='ultra'",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_THINKING))
def test_bad_thinking_values_are_rejected_before_sending(
    emulator: MiniMaxEmulator, make_model: Any, case: str
) -> None:
    model_kwargs, call_kwargs, match = BAD_THINKING[case]
    with pytest.raises(ValueError, match=match), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # model_kwargs' own warning
        make_model(**model_kwargs).invoke("q", **call_kwargs)
    assert emulator.requests == []


def test_m2_accepts_adaptive(emulator: MiniMaxEmulator, make_model: Any) -> None:
    emulator.add_reply(Reply(content="a"))
    make_model(model="MiniMax-M2").invoke("q", thinking={"type": "adaptive"})
    assert _bodies(emulator)[0]["thinking"] == {"type": "adaptive"}


# --- content-moderation flags --------------------------------------------------

FLAGGED = {
    "input_flagged": False,
    "output_flagged": True,
    "output_category": "advertising",
    "output_sensitive_int": 1,
}
CLEAN = {"input_flagged": False, "output_flagged": False, "output_sensitive_int": 0}


@pytest.mark.parametrize(("code", "expected"), [(3, FLAGGED), (0, CLEAN)])
def test_moderation_flags_on_invoke(
    emulator: MiniMaxEmulator, make_model: Any, code: int, expected: dict[str, Any]
) -> None:
    emulator.add_reply(Reply(content="Buy now!", output_sensitive_type=code))
    message = make_model(model="MiniMax-M3").invoke("q")
    assert message.response_metadata["moderation"] == expected


@pytest.mark.parametrize("stream_usage", [True, False])
def test_moderation_flags_on_the_summed_stream_are_the_final_ones(
    emulator: MiniMaxEmulator, make_model: Any, stream_usage: bool
) -> None:
    # The emulator flags the output from the finishing chunk on only.
    emulator.add_reply(
        Reply(reasoning="hmm", content="Buy now! " * 5, output_sensitive_type=3)
    )
    chunks = list(make_model(stream_usage=stream_usage).stream("q"))
    total = chunks[0]
    for chunk in chunks[1:]:
        total += chunk
    assert total.response_metadata["moderation"] == FLAGGED
    assert sum("moderation" in chunk.response_metadata for chunk in chunks) == 1
    assert total.content == "Buy now! " * 5


async def test_moderation_flags_in_astream_events(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    emulator.add_reply(Reply(content="Buy now! " * 5, output_sensitive_type=3))
    streamed = None
    async for event in make_model().astream_events("q", version="v2"):
        if event["event"] == "on_chat_model_stream":
            chunk = event["data"]["chunk"]
            streamed = chunk if streamed is None else streamed + chunk
        elif event["event"] == "on_chat_model_end":
            end = event["data"]["output"]
    assert streamed is not None
    assert streamed.response_metadata["moderation"] == FLAGGED
    assert end.response_metadata["moderation"] == FLAGGED


def test_unknown_category_code_is_kept(make_model: Any) -> None:
    from langchain_minimax.reader import read_moderation

    assert read_moderation({"input_sensitive": True, "input_sensitive_type": 42}) == {
        "input_flagged": True,
        "input_category": "code 42",
    }
    assert read_moderation({}) == {}


# --- video input ---------------------------------------------------------------

VIDEO_URL = "https://example.com/clips/pony.mp4"


def test_video_blocks_become_video_url_parts(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    url_block = {
        "type": "video",
        "url": VIDEO_URL,
        "extras": {"fps": 2, "detail": "high", "unrelated": 1},
    }
    data_block = {
        "type": "video",
        "base64": "AAAAIGZ0eXBpc29t",
        "mime_type": "video/mp4",
    }
    image_block = {"type": "image", "url": "https://example.com/a.png"}
    question = HumanMessage(
        [url_block, data_block, image_block, {"type": "text", "text": "What happens?"}]
    )
    original = question.model_copy(deep=True)
    emulator.add_reply(Reply(content="A pony."))
    make_model(model="MiniMax-M3").invoke([question])
    [body] = _bodies(emulator)
    assert body["messages"][0]["content"] == [
        {
            "type": "video_url",
            "video_url": {"url": VIDEO_URL, "fps": 2, "detail": "high"},
        },
        {
            "type": "video_url",
            "video_url": {"url": "data:video/mp4;base64,AAAAIGZ0eXBpc29t"},
        },
        {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}},
        {"type": "text", "text": "What happens?"},
    ]
    assert question == original


BAD_VIDEOS: dict[str, tuple[str, dict[str, Any], str]] = {
    "text-only model": (
        "MiniMax-M2.7",
        {"type": "video", "url": VIDEO_URL},
        "text only for MiniMax-M2.7",
    ),
    "MOV by MIME type": (
        "MiniMax-M3",
        {"type": "video", "base64": "AAAA", "mime_type": "video/quicktime"},
        "MOV video .video/quicktime.; MiniMax-M3 fails on MOV, MKV and AVI",
    ),
    "MKV by URL": (
        "MiniMax-M3",
        {"type": "video", "url": "https://example.com/a.MKV?sig=1"},
        "MKV video",
    ),
    "AVI by MIME type on a URL": (
        "MiniMax-M3",
        {"type": "video", "url": VIDEO_URL, "mime_type": "video/x-msvideo"},
        "AVI video",
    ),
    "over 50 MB": (
        "MiniMax-M3",
        {"type": "video", "base64": "A" * (50 * 2**20 // 3 * 4 + 8)},
        "50.0 MB base64 video; MiniMax takes at most 50 MB",
    ),
    "MOV in a data URL": (
        "MiniMax-M3",
        {"type": "video", "url": "data:video/quicktime;base64,AAAA"},
        "MOV video .video/quicktime.",
    ),
    "MKV by MIME type on a data URL": (
        "MiniMax-M3",
        {
            "type": "video",
            "url": "data:video/mp4;base64,AAAA",
            "mime_type": "video/x-matroska",
        },
        "MKV video",
    ),
    "over 50 MB in a data URL": (
        "MiniMax-M3",
        {
            "type": "video",
            "url": "data:video/mp4;base64," + "A" * (50 * 2**20 // 3 * 4 + 8),
        },
        "50.0 MB video in a data: URL; MiniMax takes at most 50 MB",
    ),
    "over 50 MB in a percent-encoded data URL": (
        "MiniMax-M3",
        {"type": "video", "url": "data:video/mp4," + "%00" * (50 * 2**20 + 1)},
        "50.0 MB video in a data: URL",
    ),
    "file id": (
        "MiniMax-M3",
        {"type": "video", "file_id": "file-1"},
        "without a URL or base64 data",
    ),
    "MOV in a hand-written video_url part": (
        "MiniMax-M3",
        {"type": "video_url", "video_url": {"url": "https://example.com/a.mov"}},
        "MOV video",
    ),
    "over 50 MB in a hand-written video_url part": (
        "MiniMax-M3",
        {
            "type": "video_url",
            "video_url": {
                "url": "data:video/mp4;base64," + "A" * (50 * 2**20 // 3 * 4 + 8)
            },
        },
        "50.0 MB video in a data: URL",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_VIDEOS))
def test_bad_videos_are_rejected_before_sending(
    emulator: MiniMaxEmulator, make_model: Any, case: str
) -> None:
    model_name, block, match = BAD_VIDEOS[case]
    message = HumanMessage([block, {"type": "text", "text": "What is this?"}])
    with pytest.raises(ValueError, match=match):
        make_model(model=model_name).invoke([message])
    assert emulator.requests == []


@pytest.mark.parametrize(
    ("payload", "fits"),
    [
        ("%41" * 10, True),  # 10 bytes: the bound fits, the length does not
        ("%41" * 11, False),  # 11 bytes, known from the bound alone
        ("%zz" * 4, False),  # not escapes: 12 bytes, found by decoding
        ("%E4%BD%A0" + "AB", True),  # 5 bytes
    ],
)
def test_percent_encoded_data_urls_are_measured_decoded(
    monkeypatch: pytest.MonkeyPatch, payload: str, fits: bool
) -> None:
    """The size bound the 50 MB check uses is exact (checked here against 10 bytes)."""
    monkeypatch.setattr(video, "MAX_VIDEO_BYTES", 10)
    block = {"type": "video", "url": "data:video/mp4," + payload}
    if fits:
        video.video_part(block, "messages[0]")
    else:
        with pytest.raises(ValueError, match="video in a data: URL"):
            video.video_part(block, "messages[0]")


def test_a_video_data_url_is_sent_as_is(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    url = "data:video/mp4;base64,AAAAIGZ0eXBpc29t"
    emulator.add_reply(Reply(content="A pony."))
    make_model(model="MiniMax-M3").invoke(
        [HumanMessage([{"type": "video", "url": url}, "What happens?"])]
    )
    [body] = _bodies(emulator)
    assert body["messages"][0]["content"][0] == {
        "type": "video_url",
        "video_url": {"url": url},
    }


def test_a_hand_written_video_url_part_is_sent_as_is(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    part = {"type": "video_url", "video_url": {"url": VIDEO_URL, "fps": 2}}
    emulator.add_reply(Reply(content="A pony."))
    make_model(model="MiniMax-M3").invoke([HumanMessage([part, "What happens?"])])
    [body] = _bodies(emulator)
    assert body["messages"][0]["content"][0] == part


def test_video_blocks_are_counted_like_the_parts_sent(make_model: Any) -> None:
    model: ChatMiniMax = make_model(model="MiniMax-M3")
    text = {"type": "text", "text": "What happens?"}
    standard = {"type": "video", "url": VIDEO_URL}
    part = {"type": "video_url", "video_url": {"url": VIDEO_URL}}
    assert model.get_num_tokens_from_messages(
        [HumanMessage([standard, text])]
    ) == model.get_num_tokens_from_messages([HumanMessage([part, text])])


def test_the_50_mb_cap_counts_decoded_bytes() -> None:
    from langchain_minimax.video import MAX_VIDEO_BYTES, video_part

    length = -(-MAX_VIDEO_BYTES // 3) * 4  # base64 characters of the cap
    at_cap = "A" * (length - 1) + "="  # decodes to exactly MAX_VIDEO_BYTES
    part = video_part({"type": "video", "base64": at_cap}, "m")
    assert part["video_url"]["url"] == f"data:video/mp4;base64,{at_cap}"
    with pytest.raises(ValueError, match="at most 50 MB"):
        video_part({"type": "video", "base64": "A" * length}, "m")
    url = f"data:video/mp4;base64,{at_cap}"
    assert video_part({"type": "video", "url": url}, "m")["video_url"]["url"] == url
    with pytest.raises(ValueError, match="at most 50 MB"):
        video_part({"type": "video", "url": url[:-1] + "A"}, "m")


# --- MiniMax-M3.1-Flash's reasoning_content-----------------------------------------


def test_m3_1_flash_answers_with_reasoning_content_only(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    emulator.add_reply(Reply(reasoning="Think.", content="Done."))
    emulator.add_reply(Reply(reasoning="Think.", content="Done.", chunk_size=2))
    model: ChatMiniMax = make_model(model="MiniMax-M3.1-Flash")
    message = model.invoke("q")
    chunks = list(model.stream("q"))
    total = chunks[0]
    for chunk in chunks[1:]:
        total += chunk
    for received in (message, total):
        assert received.additional_kwargs["reasoning_content"] == "Think."
        assert "reasoning_details" not in received.additional_kwargs
        assert received.content == "Done."
    forced = Reply(reasoning="Think.", content="Done.", reasoning_details=True)
    emulator.add_reply(forced)
    assert "reasoning_details" in model.invoke("q").additional_kwargs


# --- reasoning goes back in the form it arrived ----------------------------------

REASONING = 'Step 1: 17×23 — "quote" ✓ 你好'
REBUILT = [
    {
        "type": "reasoning.text",
        "id": "reasoning-text-1",
        "format": "MiniMax-response-v1",
        "index": 0,
        "text": REASONING,
    }
]


def _summed_stream(model: ChatMiniMax, question: str) -> AIMessage:
    chunks = list(model.stream(question))
    total = chunks[0]
    for chunk in chunks[1:]:
        total += chunk
    return AIMessage(**total.model_dump(exclude={"type", "tool_call_chunks"}))


def _dumpd_load(message: BaseMessage) -> BaseMessage:
    return load(json.loads(json.dumps(dumpd(message))))  # type: ignore[no-any-return]


def _checkpointer_serde(message: BaseMessage) -> BaseMessage:
    serde = JsonPlusSerializer()
    return serde.loads_typed(serde.dumps_typed(message))  # type: ignore[no-any-return]


M3_ORIGINS: dict[str, tuple[dict[str, Any], Any]] = {
    "invoke": ({}, lambda model: model.invoke("q")),
    "stream": ({}, lambda model: _summed_stream(model, "q")),
    "output_version_v1": ({"output_version": "v1"}, lambda model: model.invoke("q")),
    "dumpd_load": ({}, lambda model: _dumpd_load(model.invoke("q"))),
    "checkpointer_serde": ({}, lambda model: _checkpointer_serde(model.invoke("q"))),
}


@pytest.mark.parametrize("origin", list(M3_ORIGINS))
def test_m3_1_flash_reasoning_goes_back_as_reasoning_content(
    emulator: MiniMaxEmulator, make_model: Any, origin: str
) -> None:
    model_kwargs, first_turn = M3_ORIGINS[origin]
    model: ChatMiniMax = make_model(model="MiniMax-M3.1-Flash", **model_kwargs)
    emulator.add_reply(Reply(reasoning=REASONING, content="391", chunk_size=4))
    emulator.add_reply(Reply(content="ok"))
    first = first_turn(model)
    model.invoke([HumanMessage("q"), first, HumanMessage("and?")])
    sent = emulator.requests[1].messages[1]
    assert sent["reasoning_content"] == REASONING
    assert "reasoning_details" not in sent
    assert sent["content"] == "391"


def test_m3_1_flash_reasoning_survives_a_langgraph_checkpoint(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    model: ChatMiniMax = make_model(model="MiniMax-M3.1-Flash")

    def call_model(state: MessagesState) -> dict[str, Any]:
        return {"messages": [model.invoke(state["messages"])]}

    graph = (
        StateGraph(MessagesState)
        .add_node("model", call_model)
        .add_edge(START, "model")
        .compile(checkpointer=InMemorySaver())
    )
    emulator.add_reply(Reply(reasoning=REASONING, content="391"))
    emulator.add_reply(Reply(content="ok"))
    config: Any = {"configurable": {"thread_id": "m3"}}
    graph.invoke({"messages": [HumanMessage("q")]}, config)
    graph.invoke({"messages": [HumanMessage("and?")]}, config)
    sent = emulator.requests[1].messages[1]
    assert sent["reasoning_content"] == REASONING
    assert "reasoning_details" not in sent


FOREIGN: dict[str, AIMessage] = {
    "another provider": AIMessage(
        "391",
        additional_kwargs={"reasoning_content": REASONING},
        response_metadata={"model_provider": "deepseek"},
    ),
    "v1 blocks only": AIMessage(
        [
            {"type": "reasoning", "reasoning": REASONING},
            {"type": "text", "text": "391"},
        ]
    ),
    "unmarked reasoning_content": AIMessage(
        "391", additional_kwargs={"reasoning_content": REASONING}
    ),
    # As langchain-anthropic returns extended thinking.
    "Anthropic thinking": AIMessage(
        [
            {"type": "thinking", "thinking": REASONING, "signature": "SIG-anthropic"},
            {"type": "redacted_thinking", "data": "REDACTED-anthropic"},
            {"type": "text", "text": "391"},
        ],
        response_metadata={"model_provider": "anthropic"},
    ),
    # As langchain-openai returns a Responses API reply (output_version "v0").
    "OpenAI Responses reasoning summary": AIMessage(
        [{"type": "text", "text": "391", "annotations": [], "id": "msg_openai"}],
        additional_kwargs={
            "reasoning": {
                "type": "reasoning",
                "id": "rs_openai",
                "summary": [{"type": "summary_text", "text": REASONING}],
                "encrypted_content": "ENCRYPTED-openai",
            }
        },
        response_metadata={"model_provider": "openai"},
    ),
    # The same with output_version="responses/v1": the reasoning item in content.
    "OpenAI Responses reasoning item": AIMessage(
        [
            {
                "type": "reasoning",
                "id": "rs_openai",
                "summary": [{"type": "summary_text", "text": REASONING}],
            },
            {"type": "text", "text": "391", "annotations": [], "id": "msg_openai"},
        ],
        response_metadata={"model_provider": "openai"},
    ),
    # As langchain-google-genai returns thoughts (include_thoughts=True).
    "Gemini thinking": AIMessage(
        [
            {"type": "thinking", "thinking": REASONING},
            {"type": "text", "text": "391", "extras": {"signature": "SIG-gemini"}},
        ],
        response_metadata={"model_provider": "google_genai"},
    ),
    "DeepSeek reasoning_content": AIMessage(
        "391",
        additional_kwargs={"reasoning_content": REASONING},
        response_metadata={"model_provider": "deepseek"},
    ),
    "v1 blocks from another provider": AIMessage(
        [
            {"type": "reasoning", "reasoning": REASONING, "id": "rs_v1"},
            {"type": "text", "text": "391"},
        ],
        response_metadata={"model_provider": "anthropic", "output_version": "v1"},
    ),
}


@pytest.mark.parametrize("origin", list(FOREIGN))
@pytest.mark.parametrize("target", ["MiniMax-M3.1-Flash", "MiniMax-M2.7"])
def test_reasoning_from_elsewhere_gets_the_target_models_form(
    emulator: MiniMaxEmulator, make_model: Any, origin: str, target: str
) -> None:
    emulator.add_reply(Reply(content="ok"))
    history = [HumanMessage("q"), FOREIGN[origin], HumanMessage("and?")]
    make_model(model=target).invoke(history)
    sent = emulator.requests[0].messages[1]
    if target == "MiniMax-M3.1-Flash":
        assert sent["reasoning_content"] == REASONING
        assert "reasoning_details" not in sent
    else:
        assert sent["reasoning_details"] == REBUILT
        assert "reasoning_content" not in sent


PROVIDER_MARKERS = ("SIG-", "REDACTED-", "ENCRYPTED-", "rs_", "msg_", "thinking")
"""Strings only the other providers' own fields hold: none may reach the wire."""


@pytest.mark.parametrize("origin", list(FOREIGN))
@pytest.mark.parametrize("split", [True, False])
def test_reasoning_from_any_provider_goes_back_and_nothing_else(
    emulator: MiniMaxEmulator, make_model: Any, origin: str, split: bool
) -> None:
    emulator.add_reply(Reply(content="ok"))
    history = [HumanMessage("q"), FOREIGN[origin], HumanMessage("and?")]
    make_model(model="MiniMax-M2.7", reasoning_split=split).invoke(history)
    [body] = _bodies(emulator)
    sent = body["messages"][1]
    if split:
        assert sent == {
            "role": "assistant",
            "content": "391",
            "reasoning_details": REBUILT,
        }
    else:
        assert sent == {
            "role": "assistant",
            "content": f"<think>\n{REASONING}\n</think>\n\n391",
        }
    wire = json.dumps(body, ensure_ascii=False)
    assert not [marker for marker in PROVIDER_MARKERS if marker in wire]


def test_several_reasoning_blocks_go_back_as_one_text(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    """OpenAI's summary parts and Anthropic's thinking blocks are paragraphs."""
    summaries = [{"type": "summary_text", "text": t} for t in ("First.", "Second.")]
    message = AIMessage(
        [
            {"type": "reasoning", "id": "rs_1", "summary": summaries},
            {"type": "text", "text": "391"},
        ],
        response_metadata={"model_provider": "openai"},
    )
    emulator.add_reply(Reply(content="ok"))
    make_model(model="MiniMax-M3.1-Flash").invoke(
        [HumanMessage("q"), message, HumanMessage("?")]
    )
    assert emulator.requests[0].messages[1]["reasoning_content"] == "First.\n\nSecond."


def test_tool_calls_of_another_provider_go_back_with_its_reasoning(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    call = {"name": "multiply", "args": {"a": 17, "b": 23}, "id": "toolu_1"}
    anthropic = AIMessage(
        [
            {"type": "thinking", "thinking": REASONING, "signature": "SIG-anthropic"},
            {"type": "tool_use", "id": "toolu_1", "name": "multiply", "input": {}},
        ],
        tool_calls=[call],
        response_metadata={"model_provider": "anthropic"},
    )
    history = [
        HumanMessage("17 * 23?"),
        anthropic,
        ToolMessage("391", tool_call_id="toolu_1"),
    ]
    emulator.add_reply(Reply(content="391"))
    make_model(model="MiniMax-M3.1-Flash").invoke(history)
    [body] = _bodies(emulator)
    sent = body["messages"][1]
    assert sent["reasoning_content"] == REASONING
    assert sent["tool_calls"][0]["id"] == "toolu_1"
    assert json.loads(sent["tool_calls"][0]["function"]["arguments"]) == call["args"]
    assert "SIG-" not in json.dumps(body)


def test_each_minimax_form_goes_back_as_it_came_whatever_the_target(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    emulator.add_reply(Reply(reasoning=REASONING, content="m3"))
    emulator.add_reply(Reply(reasoning=REASONING, content="m2"))
    emulator.add_reply(Reply(content="ok"))
    emulator.add_reply(Reply(content="ok"))
    from_m3 = make_model(model="MiniMax-M3.1-Flash").invoke("q")
    from_m2 = make_model(model="MiniMax-M2").invoke("q")
    history = [
        HumanMessage("q"),
        from_m3,
        HumanMessage("q"),
        from_m2,
        HumanMessage("?"),
    ]
    make_model(model="MiniMax-M2").invoke(history)
    make_model(model="MiniMax-M3.1-Flash").invoke(history)
    for request in emulator.requests[2:]:
        sent_m3, sent_m2 = request.messages[1], request.messages[3]
        assert sent_m3["reasoning_content"] == REASONING
        assert "reasoning_details" not in sent_m3
        assert sent_m2["reasoning_details"] == REBUILT
        assert "reasoning_content" not in sent_m2


def test_inline_mode_sends_a_think_block_to_m3(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    emulator.add_reply(Reply(content="ok"))
    history = [HumanMessage("q"), FOREIGN["another provider"], HumanMessage("and?")]
    make_model(model="MiniMax-M3", reasoning_split=False).invoke(history)
    sent = emulator.requests[0].messages[1]
    assert sent["content"].startswith("<think>")
    assert REASONING in sent["content"]
    assert sent["content"].endswith("391")
    assert "reasoning_content" not in sent
    assert "reasoning_details" not in sent
