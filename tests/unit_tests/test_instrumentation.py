"""SDK-level instrumentation sees ChatMiniMax's calls as it sees ChatOpenAI's.

OpenTelemetry's `opentelemetry-instrumentation-openai-v2` wraps the `openai`
chat-completions resources and Arize's `openinference-instrumentation-openai`
wraps the `openai` client's `request`; both read the SDK's response objects.
Each test instruments the SDK (globally, as both do), calls ChatOpenAI and then
ChatMiniMax on the same emulator with the same reply, and compares the spans
of an in-memory exporter; the instrumentation is removed after each test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from langchain_core.language_models import BaseChatModel
from langchain_openai import ChatOpenAI
from openinference.instrumentation.openai import (
    OpenAIInstrumentor as OpenInferenceInstrumentor,
)
from opentelemetry.instrumentation.openai_v2 import (
    OpenAIInstrumentor as OpenTelemetryInstrumentor,
)
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter,
)

from langchain_minimax import ChatMiniMax
from langchain_minimax.testing import MiniMaxEmulator, Reply

MODES = ["invoke", "stream", "ainvoke", "astream"]
REPLY = Reply(reasoning="Think it over.", content="The answer is 42.", chunk_size=4)

# What each instrumentation must record, for ChatOpenAI as for ChatMiniMax:
# response model, input and output tokens, finish reasons, response id.
REQUIRED: dict[str, tuple[str, ...]] = {
    "opentelemetry": (
        "gen_ai.response.model",
        "gen_ai.usage.input_tokens",
        "gen_ai.usage.output_tokens",
        "gen_ai.response.id",
    ),
    "openinference": (
        "llm.model_name",
        "llm.token_count.prompt",
        "llm.token_count.completion",
        "llm.finish_reason",
        "output.value",
    ),
}
# Finish reasons are recorded by OpenTelemetry's instrumentation for
# non-streamed calls only, for ChatOpenAI as for ChatMiniMax.
FINISH_REASONS = "gen_ai.response.finish_reasons"
INSTRUMENTORS = {
    "opentelemetry": OpenTelemetryInstrumentor,
    "openinference": OpenInferenceInstrumentor,
}


@pytest.fixture(params=list(INSTRUMENTORS))
def spans(request: pytest.FixtureRequest) -> Iterator[tuple[str, Any]]:
    """One instrumentation, on for this test only, and its span exporter."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    instrumentor = INSTRUMENTORS[request.param]()
    instrumentor.instrument(tracer_provider=provider)
    try:
        yield request.param, exporter
    finally:
        instrumentor.uninstrument()
        provider.shutdown()


def _chat_openai(emulator: MiniMaxEmulator, minimax: ChatMiniMax) -> ChatOpenAI:
    """ChatOpenAI sending what `minimax` sends by default (like for like)."""
    assert minimax.minimax_api_key is not None
    return ChatOpenAI(
        base_url=emulator.base_url,
        api_key=minimax.minimax_api_key,
        model="MiniMax-M2",
        temperature=1.0,
        stream_usage=True,
        max_retries=0,
        extra_body={"reasoning_split": True},
        http_async_client=openai.DefaultAsyncHttpxClient(),
    )


async def _call(model: BaseChatModel, mode: str) -> None:
    if mode == "invoke":
        model.invoke("What is the answer?")
    elif mode == "ainvoke":
        await model.ainvoke("What is the answer?")
    elif mode == "stream":
        assert list(model.stream("What is the answer?"))
    else:
        assert [chunk async for chunk in model.astream("What is the answer?")]


def _response_id(kind: str, span: ReadableSpan) -> str:
    attributes = span.attributes or {}
    if kind == "opentelemetry":
        return str(attributes["gen_ai.response.id"])
    return str(json.loads(str(attributes["output.value"]))["id"])


def _normalized(kind: str, span: ReadableSpan) -> dict[str, Any]:
    """The span's attributes with its response id and creation time masked."""
    response_id = _response_id(kind, span)
    assert response_id
    normalized = {}
    for key, value in (span.attributes or {}).items():
        if isinstance(value, str):
            value = value.replace(response_id, "<id>")
            value = re.sub(r'"created": ?\d+', '"created": 0', value)
        normalized[key] = value
    return normalized


async def _one_span(
    model: BaseChatModel,
    mode: str,
    emulator: MiniMaxEmulator,
    exporter: InMemorySpanExporter,
) -> ReadableSpan:
    exporter.clear()
    emulator.add_reply(REPLY)
    await _call(model, mode)
    (span,) = exporter.get_finished_spans()
    return span


@pytest.mark.parametrize("mode", MODES)
async def test_spans_match_chat_openai(
    spans: tuple[str, InMemorySpanExporter],
    emulator: MiniMaxEmulator,
    make_model: Any,
    mode: str,
) -> None:
    kind, exporter = spans
    minimax = make_model(http_async_client=openai.DefaultAsyncHttpxClient())
    expected = await _one_span(
        _chat_openai(emulator, minimax), mode, emulator, exporter
    )
    got = await _one_span(minimax, mode, emulator, exporter)
    for name in REQUIRED[kind]:
        assert name in (expected.attributes or {}), name
    if kind == "opentelemetry" and mode in ("invoke", "ainvoke"):
        assert (expected.attributes or {})[FINISH_REASONS] == ("stop",)
    assert got.name == expected.name
    assert _normalized(kind, got) == _normalized(kind, expected)


async def test_span_records_the_response_id_and_usage(
    spans: tuple[str, InMemorySpanExporter],
    emulator: MiniMaxEmulator,
    make_model: Any,
) -> None:
    kind, exporter = spans
    emulator.add_reply(REPLY)
    message = make_model().invoke("What is the answer?")
    (span,) = exporter.get_finished_spans()
    assert _response_id(kind, span) == message.response_metadata["id"]
    usage = message.usage_metadata
    assert usage is not None
    attributes = span.attributes or {}
    if kind == "opentelemetry":
        counts = (
            attributes["gen_ai.usage.input_tokens"],
            attributes["gen_ai.usage.output_tokens"],
        )
    else:
        counts = (
            attributes["llm.token_count.prompt"],
            attributes["llm.token_count.completion"],
        )
    assert counts == (usage["input_tokens"], usage["output_tokens"])


@pytest.mark.parametrize("mode", MODES)
async def test_json_client_blinds_the_instrumentation(
    spans: tuple[str, InMemorySpanExporter],
    emulator: MiniMaxEmulator,
    make_model: Any,
    mode: str,
) -> None:
    """What `json_client=True` costs, as its documentation says."""
    kind, exporter = spans
    model = make_model(
        json_client=True, http_async_client=openai.DefaultAsyncHttpxClient()
    )
    span = await _one_span(model, mode, emulator, exporter)
    recorded = set(span.attributes or {})
    assert not recorded & set(REQUIRED[kind]) - {"output.value"}
