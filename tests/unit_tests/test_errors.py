"""Pure tests of the exceptions, the code table, reading failures and translating.

They cover `errors.py` and the modules that build its exceptions: `_failures.py`
and `_raising.py`.
"""

from __future__ import annotations

import json
from typing import Any

import httpx2 as httpx
import openai
import pytest
from langchain_core.exceptions import (
    ContextOverflowError,
    ModelAPIError,
    ModelAuthenticationError,
    ModelConnectionError,
    ModelError,
    ModelInvalidRequestError,
    ModelNotFoundError,
    ModelPermissionDeniedError,
    ModelRateLimitError,
    ModelTimeoutError,
)
from langchain_openai import StreamChunkTimeoutError
from langchain_openai.chat_models.base import OpenAITimeoutError

import langchain_minimax
from langchain_minimax import _failures, _raising, errors
from langchain_minimax._failures import Failure
from langchain_minimax._raising import CallContext
from langchain_minimax.errors import (
    MiniMaxAPIStatusError,
    MiniMaxAuthenticationError,
    MiniMaxConnectionError,
    MiniMaxContentFilterError,
    MiniMaxContextOverflowError,
    MiniMaxError,
    MiniMaxInsufficientBalanceError,
    MiniMaxInvalidRequestError,
    MiniMaxNotFoundError,
    MiniMaxPermissionDeniedError,
    MiniMaxRateLimitError,
    MiniMaxResponseError,
    MiniMaxServerError,
    MiniMaxStreamChunkTimeoutError,
    MiniMaxTimeoutError,
    MiniMaxUsageLimitError,
)

URL = "https://api.minimax.io/v1/chat/completions"
CONTEXT = CallContext(url=URL, model="MiniMax-M2")


def envelope(message: str, status: int = 400, request_id: str = "req-1") -> bytes:
    body = {
        "type": "error",
        "error": {"type": "x_error", "message": message, "http_code": str(status)},
        "request_id": request_id,
    }
    return json.dumps(body).encode()


def response(status: int, content: bytes, url: str = URL) -> Any:
    return httpx.Response(
        status,
        content=content,
        headers={"content-type": "application/json", "x-request-id": "hdr-id"},
        request=httpx.Request("POST", url),
    )


# --- classes ---

# class -> (openai base, langchain-core base, retryable)
CLASSES: dict[type, tuple[type, type, bool]] = {
    MiniMaxAuthenticationError: (
        openai.AuthenticationError,
        ModelAuthenticationError,
        False,
    ),
    MiniMaxPermissionDeniedError: (
        openai.PermissionDeniedError,
        ModelPermissionDeniedError,
        False,
    ),
    MiniMaxInsufficientBalanceError: (
        openai.PermissionDeniedError,
        ModelPermissionDeniedError,
        False,
    ),
    MiniMaxInvalidRequestError: (
        openai.BadRequestError,
        ModelInvalidRequestError,
        False,
    ),
    MiniMaxContentFilterError: (
        openai.BadRequestError,
        ModelInvalidRequestError,
        False,
    ),
    MiniMaxContextOverflowError: (openai.BadRequestError, ContextOverflowError, False),
    MiniMaxNotFoundError: (openai.NotFoundError, ModelNotFoundError, False),
    MiniMaxRateLimitError: (openai.RateLimitError, ModelRateLimitError, True),
    MiniMaxUsageLimitError: (openai.RateLimitError, ModelRateLimitError, False),
    MiniMaxServerError: (openai.InternalServerError, ModelAPIError, True),
    MiniMaxResponseError: (openai.APIError, ModelAPIError, True),
    MiniMaxConnectionError: (openai.APIConnectionError, ModelConnectionError, True),
    MiniMaxTimeoutError: (openai.APITimeoutError, ModelTimeoutError, True),
    MiniMaxStreamChunkTimeoutError: (openai.APITimeoutError, ModelTimeoutError, True),
}


@pytest.mark.parametrize("cls", list(CLASSES), ids=lambda cls: cls.__name__)
def test_classes_are_both_openai_and_langchain_errors(cls: type) -> None:
    oai, core, retryable = CLASSES[cls]
    assert issubclass(cls, oai)
    assert issubclass(cls, core)
    assert issubclass(cls, MiniMaxError)
    assert issubclass(cls, ModelError)
    assert cls.is_retryable is retryable


def test_public_classes_are_exported() -> None:
    for cls in [*CLASSES, MiniMaxError, MiniMaxAPIStatusError]:
        assert getattr(langchain_minimax, cls.__name__) is cls
        assert cls.__name__ in langchain_minimax.__all__


def test_errors_exports_only_what_users_catch() -> None:
    exported = {getattr(errors, name) for name in errors.__all__}
    assert exported == {*CLASSES, MiniMaxError, MiniMaxAPIStatusError}


# --- reading failures ---


def test_read_envelope() -> None:
    body = json.loads(envelope("login fail: Please carry the API key (1004)"))
    assert _failures.read_failure(body) == Failure(
        1004, "login fail: Please carry the API key", "req-1"
    )


def test_read_envelope_without_code() -> None:
    body = {"error": {"message": "404 page not found"}}
    assert _failures.read_failure(body) == Failure(None, "404 page not found")


def test_read_envelope_with_code_field() -> None:
    body = {"error": {"message": "slow down", "code": "1002"}}
    assert _failures.read_failure(body) == Failure(1002, "slow down")


def test_read_plain_error_string() -> None:
    assert _failures.read_failure({"error": "boom (1000)"}) == Failure(1000, "boom")


@pytest.mark.parametrize("code", [1008, "1008"])
def test_read_base_resp(code: Any) -> None:
    body = {
        "choices": None,
        "base_resp": {"status_code": code, "status_msg": "insufficient balance"},
    }
    assert _failures.read_failure(body) == Failure(
        1008, "insufficient balance", in_body=True
    )


@pytest.mark.parametrize(
    "body",
    [
        {"choices": [], "base_resp": {"status_code": 0, "status_msg": ""}},
        {"base_resp": {"status_code": True}},
        {"base_resp": {"status_code": "x"}},
        {"base_resp": "broken"},
        {"error": None},
        {"error": ""},
        [],
        "text",
        None,
        42,
    ],
)
def test_no_failure(body: Any) -> None:
    assert _failures.read_failure(body) is None


def test_a_response_body_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[bytes] = []
    loads = json.loads
    monkeypatch.setattr(
        json, "loads", lambda text, **kw: parsed.append(text) or loads(text, **kw)
    )
    failed = response(429, envelope("rl (1002)", 429))
    assert _failures.should_retry(failed, openai_rules) is True
    assert _failures.status_error(failed, None, model="M").minimax_code == 1002
    assert len(parsed) == 1


def test_read_failure_bytes() -> None:
    assert _failures.read_failure_bytes(envelope("x (2013)")) == Failure(
        2013, "x", "req-1"
    )
    assert _failures.read_failure_bytes(b"{not json") is None
    assert _failures.read_failure_bytes(b"") is None


@pytest.mark.parametrize(
    ("buffer", "expected"),
    [
        (b'data: {"a":1}\n\n', b'{"a":1}'),
        (b'data:{"a":1}\r\n\r\ndata: 2\n\n', b'{"a":1}'),
        (b": keep-alive\n\ndata: x\n\n", b"x"),
        (b"event: error\ndata: a\ndata: b\n\n", b"a\nb"),
        (b'data: {"a":1}\n', None),
        (b": keep-alive\n\n", None),
        (b"", None),
    ],
)
def test_first_event_data(buffer: bytes, expected: bytes | None) -> None:
    assert _failures.first_event_data(buffer) == expected


# --- the code table ---

# code -> (class, HTTP status of a 200-body report, retried)
CODES: dict[int, tuple[type, int, bool]] = {
    1000: (MiniMaxServerError, 500, True),
    1001: (MiniMaxServerError, 504, True),
    1002: (MiniMaxRateLimitError, 429, True),
    1004: (MiniMaxAuthenticationError, 401, False),
    1008: (MiniMaxInsufficientBalanceError, 403, False),
    1013: (MiniMaxServerError, 500, True),
    1024: (MiniMaxServerError, 500, True),
    1026: (MiniMaxContentFilterError, 400, False),
    1027: (MiniMaxContentFilterError, 400, False),
    1033: (MiniMaxServerError, 500, True),
    1039: (MiniMaxRateLimitError, 429, True),
    1041: (MiniMaxRateLimitError, 429, True),
    1042: (MiniMaxInvalidRequestError, 400, False),
    2013: (MiniMaxInvalidRequestError, 400, False),
    2045: (MiniMaxRateLimitError, 429, True),
    2049: (MiniMaxAuthenticationError, 401, False),
    2056: (MiniMaxUsageLimitError, 429, False),
    9999: (MiniMaxServerError, 500, True),
}


@pytest.mark.parametrize("code", list(CODES))
def test_code_table(code: int) -> None:
    cls, status, retried = CODES[code]
    failure = Failure(code, "message", in_body=True)
    assert _failures.error_status(failure) == status
    failed = response(status, json.dumps({"base_resp": {"status_code": code}}).encode())
    error = _failures.status_error(failed, None, model="MiniMax-M2")
    assert type(error) is cls
    assert _failures.should_retry(failed, openai_rules) is retried
    assert error.is_retryable is retried


def openai_rules(response: httpx.Response) -> bool:
    """The `openai` client's own retry decision (a test may use its private name)."""
    return bool(OPENAI_CLIENT._should_retry(response))


OPENAI_CLIENT = openai.OpenAI(api_key="k", base_url=URL)


@pytest.mark.parametrize(
    ("code", "status", "headers", "retried"),
    [
        (1002, 400, {}, True),  # the code decides, not the status
        (2013, 500, {}, False),
        (1004, 503, {}, False),
        (None, 429, {}, True),  # no code: the status decides, as in openai
        (None, 500, {}, True),
        (None, 400, {}, False),
        (None, 404, {}, False),
        (None, 408, {}, True),
        (None, 409, {}, True),
        (None, 418, {}, False),
        # What the server said wins over the code.
        (1002, 429, {"x-should-retry": "false"}, False),
        (1000, 500, {"x-should-retry": "false"}, False),
        (1004, 401, {"x-should-retry": "true"}, True),
        (2013, 400, {"x-should-retry": "true"}, True),
        (1002, 429, {"retry-after": "300"}, False),
        (1002, 429, {"retry-after-ms": "300000"}, False),
        # A wait within the client's cap only sets the delay.
        (1002, 429, {"retry-after": "1"}, True),
        (1004, 500, {"retry-after": "1"}, False),
        (2013, 400, {"retry-after-ms": "5"}, False),
        (1002, 400, {"x-should-retry": "maybe"}, True),
    ],
)
def test_should_retry(
    code: int | None, status: int, headers: dict[str, str], retried: bool
) -> None:
    message = "m" if code is None else f"m ({code})"
    failed = httpx.Response(
        status,
        content=envelope(message, status),
        headers={"content-type": "application/json", **headers},
        request=httpx.Request("POST", URL),
    )
    assert _failures.should_retry(failed, openai_rules) is retried


@pytest.mark.parametrize("status", [400, 404, 408, 409, 429, 500, 503])
@pytest.mark.parametrize(
    "headers", [{}, {"x-should-retry": "false"}, {"retry-after": "300"}]
)
def test_bodies_without_a_minimax_code_follow_openai(
    status: int, headers: dict[str, str]
) -> None:
    for content in (b"<html>down</html>", b'{"error": {"message": "no code"}}'):
        failed = httpx.Response(
            status, content=content, headers=headers, request=httpx.Request("POST", URL)
        )
        assert _failures.should_retry(failed, openai_rules) is openai_rules(failed)


# (status, message) -> class, for errors without a known code
BY_STATUS: dict[tuple[int, str], type] = {
    (400, "bad"): MiniMaxInvalidRequestError,
    (401, "who are you"): MiniMaxAuthenticationError,
    (403, "forbidden"): MiniMaxPermissionDeniedError,
    (404, "404 page not found"): MiniMaxNotFoundError,
    (429, "slow down"): MiniMaxRateLimitError,
    (502, "bad gateway"): MiniMaxServerError,
    (418, "teapot"): MiniMaxAPIStatusError,
}


@pytest.mark.parametrize(("status", "message"), list(BY_STATUS))
def test_status_decides_without_code(status: int, message: str) -> None:
    error = _failures.status_error(
        response(status, envelope(message, status)), None, model="M"
    )
    assert type(error) is BY_STATUS[status, message]
    assert error.minimax_code is None
    assert error.minimax_message == message


def test_status_without_minimax_body() -> None:
    error = _failures.status_error(response(503, b"<html>down</html>"), None, model="M")
    assert type(error) is MiniMaxServerError
    assert error.minimax_code is None
    assert "HTTP 503 from api.minimax.io, no MiniMax error body" in str(error)
    assert error.request_id == "hdr-id"


@pytest.mark.parametrize(
    "message",
    [
        "invalid params, context window exceeds limit (2013)",
        "Prompt is too long (2013)",
        "context length exceeded",
    ],
)
def test_context_overflow(message: str) -> None:
    error = _failures.status_error(
        response(400, envelope(message)), None, model="MiniMax-M2.5"
    )
    assert type(error) is MiniMaxContextOverflowError
    assert isinstance(error, ContextOverflowError)
    assert "longer than MiniMax-M2.5's context window" in str(error)
    assert "Shorten the conversation" in str(error)


def test_invalid_params_are_not_context_overflow() -> None:
    error = _failures.status_error(
        response(400, envelope("invalid params, invalid chat setting (2013)")),
        None,
        model="M",
    )
    assert type(error) is MiniMaxInvalidRequestError


# --- messages ---


def test_error_attributes_and_text() -> None:
    error = _failures.status_error(
        response(429, envelope("rate limit exceeded (1002)", 429, "abc123")),
        {"message": "rate limit exceeded (1002)"},
        model="M",
    )
    assert error.minimax_code == 1002
    assert error.minimax_message == "rate limit exceeded"
    assert error.request_id == "abc123"
    assert error.status_code == 429
    assert error.host == "api.minimax.io"
    assert error.in_body is False
    assert error.body == {"message": "rate limit exceeded (1002)"}
    assert str(error) == (
        "MiniMax's request rate limit was hit. Retry later, send fewer requests "
        "per minute, or raise max_retries. [code 1002: rate limit exceeded; "
        "HTTP 429 from api.minimax.io, request id abc123]"
    )


@pytest.mark.parametrize(
    ("url", "went_to", "other"),
    [
        (
            "https://api.minimax.io/v1/chat/completions",
            "api.minimax.io, the international platform",
            "base_url='https://api.minimaxi.com/v1'",
        ),
        (
            "https://api.minimaxi.com/v1/chat/completions",
            "api.minimaxi.com, the mainland-China platform",
            "base_url='https://api.minimax.io/v1'",
        ),
        (
            "http://proxy.internal:8080/v1/chat/completions",
            "proxy.internal; MiniMax's hosts are api.minimax.io (international)",
            "api.minimaxi.com (mainland China)",
        ),
    ],
)
@pytest.mark.parametrize("code", [1004, 2049])
def test_auth_message_names_key_region_and_host(
    url: str, went_to: str, other: str, code: int
) -> None:
    error = _failures.status_error(
        response(401, envelope(f"invalid api key ({code})", 401), url),
        None,
        model="M",
    )
    assert type(error) is MiniMaxAuthenticationError
    text = str(error)
    assert "Check MINIMAX_API_KEY (or the api_key argument)" in text
    assert "Keys are bound to one region" in text
    assert f"this request went to {went_to}" in text
    assert other in text


@pytest.mark.parametrize(
    ("code", "phrase"),
    [
        (1008, "balance is insufficient"),
        (1026, "input was flagged as sensitive content"),
        (1027, "output was flagged as sensitive content"),
        (2056, "usage limit is used up. It resets with the next 5-hour window"),
        (1001, "timed out on its side"),
        (2045, "rate-growth limit"),
        (1041, "connection limit"),
        (1039, "token rate limit"),
    ],
)
def test_plain_explanations(code: int, phrase: str) -> None:
    error = CONTEXT.failure_error(Failure(code, "msg", in_body=True), {"x": 1})
    assert phrase in str(error)
    assert f"[code {code}: msg; reported in an HTTP 200 body from api.minimax.io]" in (
        str(error)
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
