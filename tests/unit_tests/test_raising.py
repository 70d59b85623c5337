"""Pure tests of where exceptions are raised for callers (`_raising.py`).

The call context, and translating what ChatOpenAI and the `openai` client
raise.
"""

from __future__ import annotations

import json

import httpx2 as httpx
import openai
import pytest
from failure_bodies import CONTEXT, URL, envelope, response
from langchain_core.exceptions import (
    ModelTimeoutError,
)
from langchain_openai import StreamChunkTimeoutError
from langchain_openai.chat_models.base import OpenAITimeoutError

from langchain_minimax import _failures, _raising
from langchain_minimax._failures import Failure
from langchain_minimax._raising import CallContext
from langchain_minimax.errors import (
    MiniMaxAuthenticationError,
    MiniMaxConnectionError,
    MiniMaxRateLimitError,
    MiniMaxResponseError,
    MiniMaxStreamChunkTimeoutError,
    MiniMaxTimeoutError,
)

# --- CallContext ---


def test_stand_in_request_has_method_and_url_only() -> None:
    request = CONTEXT.stand_in_request()
    assert request.method == "POST"
    assert str(request.url) == URL
    assert "authorization" not in request.headers


def test_failure_error_keeps_the_body() -> None:
    body = {"choices": None, "base_resp": {"status_code": 1002, "status_msg": "rl"}}
    error = CONTEXT.failure_error(_failures.read_failure(body) or Failure(0, ""), body)
    assert type(error) is MiniMaxRateLimitError
    assert error.status_code == 429
    assert error.in_body
    assert error.body == body
    assert json.loads(error.response.content) == body


def test_response_error() -> None:
    error = CONTEXT.response_error("bad data", {"x": 1})
    assert str(error) == "bad data [from api.minimax.io, model MiniMax-M2]"
    assert error.body == {"x": 1}
    assert error.request.url.host == "api.minimax.io"


# --- translating what ChatOpenAI raises ---


def test_translate_leaves_ours_and_others_alone() -> None:
    assert _raising.translate(CONTEXT.response_error("x", None), CONTEXT) is None
    assert _raising.translate(ValueError("unrelated"), CONTEXT) is None


def test_translate_timeouts() -> None:
    # Issue 11: a timeout is a MiniMaxError, as every failure is.
    request = CONTEXT.stand_in_request()
    for timeout in (openai.APITimeoutError(request), OpenAITimeoutError(request)):
        translated = _raising.translate(timeout, CONTEXT)
        assert isinstance(translated, MiniMaxTimeoutError)
        assert isinstance(translated, ModelTimeoutError)
        assert translated.request is request
    chunk = StreamChunkTimeoutError(0.5, model_name="M", chunks_received=4)
    translated = _raising.translate(chunk, CONTEXT)
    assert isinstance(translated, MiniMaxStreamChunkTimeoutError)
    assert isinstance(translated, StreamChunkTimeoutError)
    assert (translated.timeout_s, translated.chunks_received) == (0.5, 4)
    assert translated.request.url == request.url


def test_translate_status_error() -> None:
    plain = openai.RateLimitError(
        "Error code: 429", response=response(429, envelope("rl (1002)")), body=None
    )
    translated = _raising.translate(plain, CONTEXT)
    assert isinstance(translated, MiniMaxRateLimitError)
    assert translated.minimax_code == 1002


def test_translate_unwraps_ours_from_langchain_openai() -> None:
    ours = CONTEXT.failure_error(Failure(1002, "rl", in_body=True), {})
    with pytest.raises(openai.RateLimitError) as info:
        try:
            raise ours
        except openai.RateLimitError as e:
            raise openai.RateLimitError(
                e.message, response=e.response, body=None
            ) from e
    assert info.value is not ours
    assert _raising.translate(info.value, CONTEXT) is ours


def test_translating_raises_the_unwrapped_error_alone() -> None:
    ours = CONTEXT.response_error("x", None)
    with pytest.raises(MiniMaxResponseError) as info, _raising.translating(CONTEXT):
        try:
            raise ours
        except MiniMaxResponseError as e:
            raise openai.APIError("wrapped", e.request, body=None) from e
    assert info.value is ours
    assert info.value.__suppress_context__


def test_translating_chains_no_openai_exception() -> None:
    # The MiniMax exception carries the response and body; an `openai`
    # exception in its chain would only repeat them (as the clients' do not).
    original = openai.AuthenticationError(
        "Error code: 401",
        response=response(401, envelope("login fail (1004)")),
        body=None,
    )
    with (
        pytest.raises(MiniMaxAuthenticationError) as info,
        _raising.translating(CONTEXT),
    ):
        raise original
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__
    assert info.value.response is original.response


@pytest.mark.parametrize(("streaming", "chunks"), [(False, 0), (True, 0), (True, 4)])
def test_translate_connection_error(streaming: bool, chunks: int) -> None:
    context = CallContext(url=URL, model="M", streaming=streaming, chunks=chunks)
    request = context.stand_in_request()
    try:
        try:
            raise httpx.RemoteProtocolError("peer closed connection")
        except httpx.RemoteProtocolError as e:
            raise openai.APIConnectionError(request=request) from e
    except openai.APIConnectionError as error:
        translated = _raising.translate(error, context)
    assert isinstance(translated, MiniMaxConnectionError)
    assert translated.request is request
    assert "(RemoteProtocolError: peer closed connection)" in str(translated)
    if chunks:
        assert "broke after 4 stream chunks" in str(translated)
    else:
        assert "Could not get an answer from MiniMax at api.minimax.io" in (
            str(translated)
        )


def test_translate_transport_errors_the_sdk_lets_out() -> None:
    # openai<3 lets a stream's transport errors out unwrapped.
    request = CONTEXT.stand_in_request()
    streaming = CallContext(url=URL, model="M", streaming=True, chunks=3)
    cut = _raising.translate(
        httpx.RemoteProtocolError("peer closed", request=request), streaming
    )
    assert isinstance(cut, MiniMaxConnectionError)
    assert "broke after 3 stream chunks (RemoteProtocolError: peer closed)" in str(cut)
    timeout = _raising.translate(httpx.ReadTimeout("slow", request=request), streaming)
    assert isinstance(timeout, openai.APITimeoutError)
    assert isinstance(timeout, ModelTimeoutError)
    assert isinstance(timeout, MiniMaxTimeoutError)
    assert timeout.request is request


def test_translate_json_error() -> None:
    try:
        json.loads("{not json")
    except json.JSONDecodeError as error:
        body_error = _raising.translate(error, CONTEXT)
        stream_error = _raising.translate(
            error, CallContext(url=URL, model="M", streaming=True, chunks=2)
        )
        error.response = response(200, b"{not json", "http://other.host/v1")  # type: ignore[attr-defined]
        attached = _raising.translate(error, CONTEXT)
    assert isinstance(body_error, MiniMaxResponseError)
    assert "a response body that is not valid JSON" in str(body_error)
    assert body_error.body == "{not json"
    assert isinstance(stream_error, MiniMaxResponseError)
    assert "a stream chunk (after 2 good ones)" in str(stream_error)
    assert isinstance(attached, MiniMaxResponseError)
    assert attached.request.url.host == "other.host"
