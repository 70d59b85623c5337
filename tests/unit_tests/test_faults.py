"""Fault kinds: each takes only its own fields, and misuse fails at construction.

What each kind does on the wire is tested in test_emulator.py (one test per
kind at least) and, through ChatMiniMax, in test_errors_wire.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from langchain_minimax.testing import (
    CutStream,
    DeepJSON,
    DrippedStream,
    Fault,
    HTTPError,
    InBodyError,
    InvalidUTF8,
    KeepAlive,
    MalformedJSON,
    NoFinishReason,
    RawAnswer,
    SlowResponse,
    StalledStream,
)

KINDS: list[type[Fault]] = [
    HTTPError,
    InBodyError,
    CutStream,
    MalformedJSON,
    NoFinishReason,
    StalledStream,
    SlowResponse,
    KeepAlive,
    DrippedStream,
    InvalidUTF8,
    DeepJSON,
    RawAnswer,
]


def test_the_base_class_is_not_a_fault_kind() -> None:
    with pytest.raises(
        TypeError, match="use HTTPError, InBodyError, RawAnswer, CutStream"
    ):
        Fault()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ({"status": 500, "malformed_json": True}, "status"),
        ({"in_body_200": True, "code": 1008}, "in_body_200"),
        ({"cut_after_chunks": 3}, "cut_after_chunks"),
    ],
)
def test_the_old_spelling_is_rejected(old: dict[str, Any], new: str) -> None:
    # The twelve-field Fault(...) is gone (see docs/testing.md, migrating).
    with pytest.raises(TypeError, match=new):
        Fault(**old)


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        (HTTPError, "after_chunks"),
        (HTTPError, "chunk_delay"),
        (InBodyError, "status"),
        (CutStream, "status"),
        (CutStream, "code"),
        (MalformedJSON, "status"),
        (NoFinishReason, "after_chunks"),
        (StalledStream, "message"),
        (SlowResponse, "status"),
    ],
)
def test_a_field_of_another_kind_is_rejected(kind: type[Fault], field: str) -> None:
    with pytest.raises(TypeError, match=f"unexpected keyword argument '{field}'"):
        kind(**{field: 1})


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: HTTPError(200), r"HTTPError: status=200 must be 400 to 599 \(a slow"),
        (lambda: HTTPError(302), "HTTPError: status=302 must be 400 to 599"),
        (lambda: InBodyError(code=0), "InBodyError: code=0 means success"),
        (lambda: CutStream(after_chunks=-1), "CutStream: after_chunks=-1 must not"),
        (lambda: StalledStream(chunk_delay=0), "StalledStream: chunk_delay=0 must"),
        (lambda: SlowResponse(), "SlowResponse: give a delay or headers"),
        (lambda: MalformedJSON(times=0), "MalformedJSON: times=0 must be at least 1"),
        (lambda: NoFinishReason(delay=-1), "NoFinishReason: delay=-1 must not be"),
        (lambda: KeepAlive(count=0), "KeepAlive: count=0 must be at least 1"),
        (lambda: KeepAlive(interval=0), "KeepAlive: interval=0 must be more than"),
        (lambda: KeepAlive(after_chunks=-1), "KeepAlive: after_chunks=-1 must not"),
        (lambda: DrippedStream(byte_delay=0), "DrippedStream: byte_delay=0 must"),
        (lambda: DeepJSON(depth=0), "DeepJSON: depth=0 must be at least 1"),
    ],
)
def test_invalid_values_raise_naming_the_kind_and_field(
    make: Any, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_takes_the_shared_fields(kind: type[Fault]) -> None:
    fault = kind(delay=0.5, headers={"X-Test": "1"}, times=3, gzip=True)
    assert (fault.delay, fault.headers, fault.times, fault.gzip) == (
        0.5,
        {"X-Test": "1"},
        3,
        True,
    )
    assert fault.replaces_answer is (kind in (HTTPError, InBodyError, RawAnswer))


def test_http_error_derives_type_and_message() -> None:
    assert HTTPError(429, code=1002).full_message() == "rate limit exceeded (1002)"
    assert HTTPError(429).error_type == "rate_limit_error"
    assert HTTPError(503, message="busy").full_message() == "busy"
    assert HTTPError(503).error_type == "api_error"
    assert InBodyError(code=1008).status_msg() == "insufficient balance"
    assert InBodyError().code == 1000
