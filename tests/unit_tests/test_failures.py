"""Pure tests of MiniMax's failure format (`_failures.py`).

Reading reports, the code table, retry verdicts, and the messages of the
exceptions built from them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx2 as httpx
import openai
import pytest
from failure_bodies import CONTEXT, URL, envelope, response
from langchain_core.exceptions import (
    ContextOverflowError,
)

from langchain_minimax import _failures
from langchain_minimax._failures import Failure
from langchain_minimax.errors import (
    MiniMaxAPIStatusError,
    MiniMaxAuthenticationError,
    MiniMaxContentFilterError,
    MiniMaxContextOverflowError,
    MiniMaxInsufficientBalanceError,
    MiniMaxInvalidRequestError,
    MiniMaxNotFoundError,
    MiniMaxPermissionDeniedError,
    MiniMaxRateLimitError,
    MiniMaxServerError,
    MiniMaxUsageLimitError,
)

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


def _readme_code_rows() -> list[tuple[str, str, str]]:
    """(codes cell, exception, retried) of README's "Errors and retries" table."""
    text = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = text.split("## Errors and retries", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.search(r"\b\d{4}\b", cells[1]):
            rows.append((cells[1], cells[2].strip("`"), cells[3]))
    return rows


def test_readme_code_table_is_the_code_table() -> None:
    """Every MiniMax code README names raises and retries as README says."""
    rows = _readme_code_rows()
    named = set()
    for codes, exception, retried in rows:
        message = "context window exceeds limit" if "context" in codes else "bad"
        for code in map(int, re.findall(r"\b\d{4}\b", codes)):
            named.add(code)
            failed = response(
                400,
                json.dumps(
                    {"base_resp": {"status_code": code, "status_msg": message}}
                ).encode(),
            )
            error = _failures.status_error(failed, None, model="MiniMax-M2")
            assert type(error).__name__ == exception, (code, codes)
            assert _failures.should_retry(failed, openai_rules) is (retried == "yes"), (
                code,
                codes,
            )
    assert named == set(_failures._CASES), "README's table and _CASES differ"


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
