"""The emulator as a product at its edges: keys, malformed requests, ports."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from strategies import JSON_VALUES

from langchain_minimax.testing import MiniMaxEmulator, Reply, auto_responder
from langchain_minimax.testing._exchange import Request

pytestmark = pytest.mark.enable_socket

MODEL = "MiniMax-M2"
SECRET = "sk-secret-4d1c9e"


def exchange(emulator: MiniMaxEmulator, data: bytes) -> tuple[int, Any]:
    """Send raw bytes on a fresh connection; return the status and JSON body."""
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=20) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, json.loads(body)


def post_head(emulator: MiniMaxEmulator, *headers: str) -> bytes:
    lines = [
        "POST /v1/chat/completions HTTP/1.1",
        f"Host: 127.0.0.1:{emulator.port}",
        f"Authorization: Bearer {emulator.api_key}",
        "Content-Type: application/json",
        *headers,
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def assert_bad_request(status: int, envelope: Any, *words: str) -> None:
    assert status == 400
    assert envelope["type"] == "error"
    assert envelope["error"]["type"] == "bad_request_error"
    assert envelope["error"]["http_code"] == "400"
    message = envelope["error"]["message"]
    assert message.endswith(" (2013)")
    for word in words:
        assert word in message


BODY = json.dumps({"model": MODEL, "messages": [{"role": "user", "content": "hi"}]})


# -- the key is never kept -------------------------------------------------------


def test_recorded_requests_never_hold_the_key() -> None:
    with MiniMaxEmulator(api_key=SECRET) as emulator:
        emulator.add_reply(Reply(content="ok"))
        status, _ = exchange(
            emulator,
            post_head(emulator, f"Content-Length: {len(BODY)}") + BODY.encode(),
        )
        wrong = post_head(emulator, f"Content-Length: {len(BODY)}").replace(
            SECRET.encode(), b"sk-wrong-key-77"
        )
        wrong_status, _ = exchange(emulator, wrong + BODY.encode())
        recorded = emulator.requests
    assert (status, wrong_status) == (200, 401)
    assert [r.response_status for r in recorded] == [200, 401]
    assert [r.headers["authorization"] for r in recorded] == ["Bearer [redacted]"] * 2
    for text in (repr(recorded), str(recorded), repr([vars(r) for r in recorded])):
        assert SECRET not in text
        assert "sk-wrong-key-77" not in text


def test_a_recorded_request_built_by_hand_is_redacted() -> None:
    from langchain_minimax.testing import RecordedRequest

    request = RecordedRequest(
        "POST",
        "/v1/chat/completions",
        {"Authorization": f"Bearer {SECRET}", "proxy-authorization": "Basic dXM6cHc="},
        None,
        b"",
        200,
    )
    assert request.headers == {
        "Authorization": "Bearer [redacted]",
        "proxy-authorization": "Basic [redacted]",
    }
    token_only = RecordedRequest("POST", "/", {"authorization": SECRET}, None, b"", 401)
    assert token_only.headers["authorization"] == "[redacted]"


# -- malformed requests get MiniMax's 400 envelope --------------------------------


MALFORMED_BODIES = {
    "invalid JSON": (b'{"model": "MiniMax-M2", "messages": [', ["not valid JSON"]),
    "invalid UTF-8": (b'{"model": "\xff\xfe"}', ["not valid JSON", "not UTF-8"]),
    "nested too deeply": (b"[" * 100_000 + b"]" * 100_000, ["nested too deeply"]),
    "a list": (b"[1, 2]", ["JSON object"]),
    "a string": (b'"hello"', ["JSON object"]),
    "null": (b"null", ["JSON object"]),
    "empty": (b"", ["JSON object"]),
}


@pytest.mark.parametrize("case", list(MALFORMED_BODIES))
def test_malformed_bodies_get_the_400_envelope(
    emulator: MiniMaxEmulator, capfd: pytest.CaptureFixture[str], case: str
) -> None:
    raw, words = MALFORMED_BODIES[case]
    words = ["invalid params, ", *words]
    data = post_head(emulator, f"Content-Length: {len(raw)}") + raw
    assert_bad_request(*exchange(emulator, data), *words)
    assert [r.response_status for r in emulator.requests] == [400]
    assert capfd.readouterr().err == ""


MALFORMED_FRAMING = {
    "bad chunk size": (
        ["Transfer-Encoding: chunked"],
        b"zz\r\n{}\r\n0\r\n\r\n",
        "invalid chunked encoding",
    ),
    "negative chunk size": (
        ["Transfer-Encoding: chunked"],
        b"-5\r\n{}\r\n0\r\n\r\n",
        "invalid chunked encoding",
    ),
    "chunk without its CRLF": (
        ["Transfer-Encoding: chunked"],
        b"2\r\n{}XX0\r\n\r\n",
        "invalid chunked encoding",
    ),
    "chunked body cut short": (
        ["Transfer-Encoding: chunked"],
        b"10\r\n{}",
        "invalid chunked encoding",
    ),
    "chunks past the size limit": (
        ["Transfer-Encoding: chunked"],
        b"ffffffff\r\n{}",
        "too large",
    ),
    "huge Content-Length": (
        [f"Content-Length: {10**15}"],
        b"{}",
        "too large",
    ),
    "Content-Length not a number": (
        ["Content-Length: lots"],
        b"{}",
        "invalid Content-Length",
    ),
    "negative Content-Length": (
        ["Content-Length: -5"],
        b"{}",
        "invalid Content-Length",
    ),
    "body shorter than Content-Length": (
        ["Content-Length: 500"],
        BODY.encode(),
        "body ended after",
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED_FRAMING))
def test_malformed_framing_gets_the_400_envelope(
    emulator: MiniMaxEmulator, capfd: pytest.CaptureFixture[str], case: str
) -> None:
    headers, body, words = MALFORMED_FRAMING[case]
    status, envelope = exchange(emulator, post_head(emulator, *headers) + body)
    assert_bad_request(status, envelope, "invalid params, ", words)
    assert [(r.response_status, r.raw) for r in emulator.requests] == [(400, b"")]
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize(
    "data",
    [
        b"GARBAGE\r\n\r\n",
        b"POST /v1/chat/completions HTTP/9.9\r\n\r\n",
        b"POST /v1/chat/completions HTTP/1.1\r\n"
        + b"".join(b"X-%d: 1\r\n" % n for n in range(200))
        + b"\r\n",
        b"BREW /v1/chat/completions HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
    ],
    ids=["request line", "HTTP version", "too many headers", "unknown method"],
)
def test_requests_http_cannot_parse_get_the_400_envelope(
    emulator: MiniMaxEmulator, capfd: pytest.CaptureFixture[str], data: bytes
) -> None:
    assert_bad_request(*exchange(emulator, data))
    assert [r.response_status for r in emulator.requests] == [400]
    assert capfd.readouterr().err == ""


def test_chunked_bodies_with_extensions_and_trailers_are_read(
    emulator: MiniMaxEmulator,
) -> None:
    emulator.add_reply(Reply(content="chunked ok"))
    raw = BODY.encode()
    chunked = b"%x;name=value\r\n%b\r\n%x\r\n%b\r\n0\r\nX-Trailer: 1\r\n\r\n" % (
        10,
        raw[:10],
        len(raw) - 10,
        raw[10:],
    )
    status, body = exchange(
        emulator, post_head(emulator, "Transfer-Encoding: chunked") + chunked
    )
    assert status == 200
    assert body["choices"][0]["message"]["content"].endswith("chunked ok")
    assert emulator.requests[0].raw == raw


def test_the_connection_stays_usable_after_a_rejected_json_body(
    emulator: MiniMaxEmulator,
) -> None:
    emulator.add_reply(Reply(content="second"))
    bad = b"[not json"
    data = (
        post_head(emulator, f"Content-Length: {len(bad)}")
        + bad
        + post_head(emulator, f"Content-Length: {len(BODY)}", "Connection: close")
        + BODY.encode()
    )
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=20) as sock:
        sock.sendall(data)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    assert received.count(b"HTTP/1.1 400 ") == 1
    assert received.count(b"HTTP/1.1 200 ") == 1
    assert [r.response_status for r in emulator.requests] == [400, 200]


# -- any JSON body is answered, never with a crash ----------------------------------


def mostly(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Usually `valid`, one time in twelve any JSON value."""
    return st.integers(0, 11).flatmap(lambda n: valid if n else JSON_VALUES)


IDS = st.sampled_from(["c1", "c2"])
TEXT_PARTS = st.lists(
    st.fixed_dictionaries(
        {"type": mostly(st.sampled_from(["text", "image_url"]))},
        optional={"text": mostly(st.text(max_size=5))},
    ),
    max_size=2,
)
TOOL_CALLS = st.lists(
    st.fixed_dictionaries(
        {
            "id": mostly(IDS),
            "type": st.just("function"),
            "function": mostly(
                st.fixed_dictionaries(
                    {
                        "name": mostly(st.just("f")),
                        "arguments": mostly(st.just('{"a": 1}')),
                    }
                )
            ),
        }
    ),
    max_size=2,
)
MESSAGES = st.fixed_dictionaries(
    {"role": mostly(st.sampled_from(["system", "user", "assistant", "tool", "root"]))},
    optional={
        "content": mostly(st.text(max_size=8) | TEXT_PARTS),
        "tool_call_id": mostly(IDS),
        "tool_calls": mostly(TOOL_CALLS),
        "name": JSON_VALUES,
    },
)
SCHEMAS = st.recursive(
    st.booleans() | st.just({}) | st.just({"type": "string"}),
    lambda children: st.fixed_dictionaries(
        {},
        optional={
            "type": st.sampled_from(["object", "array", "integer", "null"]),
            "properties": st.dictionaries(st.sampled_from("ab"), children, max_size=2),
            "items": children,
            "anyOf": st.lists(children, max_size=2),
            "$ref": st.sampled_from(["#", "#/$defs/a", "#/nope"]),
            "$defs": st.fixed_dictionaries({"a": children}),
            "enum": st.lists(JSON_VALUES, max_size=2),
        },
    ),
    max_leaves=10,
)
TOOLS = st.lists(
    st.fixed_dictionaries(
        {
            "type": mostly(st.just("function")),
            "function": mostly(
                st.fixed_dictionaries(
                    {"name": mostly(st.just("f")), "parameters": mostly(SCHEMAS)}
                )
            ),
        }
    ),
    max_size=2,
)
BODIES = st.fixed_dictionaries(
    {
        "model": mostly(st.sampled_from([MODEL, "MiniMax-M3"])),
        "messages": mostly(st.lists(MESSAGES, min_size=1, max_size=4)),
    },
    optional={
        "stream": mostly(st.booleans()),
        "tools": mostly(TOOLS),
        "tool_choice": mostly(st.sampled_from(["auto", "none", "required"])),
        "response_format": mostly(
            st.fixed_dictionaries(
                {
                    "type": st.just("json_schema"),
                    "json_schema": mostly(st.fixed_dictionaries({"schema": SCHEMAS})),
                }
            )
        ),
        "temperature": mostly(st.floats(0.01, 1.0)),
        "max_tokens": mostly(st.integers(1, 50)),
        "thinking": mostly(
            st.sampled_from([{"type": "adaptive"}, {"type": "disabled"}])
        ),
        "reasoning_split": mostly(st.booleans()),
        "stream_options": mostly(st.just({"include_usage": True})),
    },
)


@settings(max_examples=300, deadline=None)
@given(body=mostly(BODIES))
@example(
    body={
        "model": MODEL,
        "messages": [
            {"role": "user", "content": "hi"},
            {"role": "assistant", "tool_calls": 5},
        ],
    }
)
@example(
    body={
        "model": MODEL,
        "messages": [
            {"role": "assistant", "tool_calls": [{"id": ["c1"], "function": {}}]},
            {"role": "tool", "tool_call_id": ["c1"], "content": "x"},
        ],
    }
)
def test_any_json_body_gets_an_answer_or_the_400_envelope(body: Any) -> None:
    emulator = MiniMaxEmulator(api_key=None, responder=auto_responder)
    raw = json.dumps(body).encode()
    answer = emulator.answer(Request("POST", "/v1/chat/completions", {}, raw))
    assert answer.status in (200, 400)
    if answer.events is None:
        parsed = json.loads(answer.body)
    else:
        parsed = [json.loads(event.removeprefix(b"data: ")) for event in answer.events]
    if answer.status == 400:
        assert_bad_request(400, parsed)
    assert [r.response_status for r in emulator.requests] == [answer.status]


# -- where and how it serves ----------------------------------------------------------

CLI = [sys.executable, "-m", "langchain_minimax.testing"]
ROOT = Path(__file__).parents[2]


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


def test_a_busy_port_is_one_clear_error(busy_port: int) -> None:
    emulator = MiniMaxEmulator(port=busy_port)
    with pytest.raises(OSError, match="port is in use") as info:
        emulator.start()
    assert str(info.value).endswith(
        f"cannot serve on 127.0.0.1:{busy_port}: the port is in use"
        " (port 0 picks a free one)"
    )
    assert not emulator.is_running


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, timeout=60, cwd=ROOT
    )


def test_the_cli_reports_a_busy_port_in_one_line(busy_port: int) -> None:
    done = run_cli("--port", str(busy_port))
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        "python -m langchain_minimax.testing: error: cannot serve on"
        f" 127.0.0.1:{busy_port}: the port is in use (port 0 picks a free one)\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "70000"], "port=70000 must be 0 (any free port) to 65535"),
        (["--port", "0", "--chunk-size", "0"], "chunk_size must be at least 1"),
    ],
)
def test_the_cli_reports_bad_settings_in_one_line(
    args: list[str], message: str
) -> None:
    done = run_cli(*args)
    assert done.returncode == 1
    assert done.stderr == f"python -m langchain_minimax.testing: error: {message}\n"


def test_a_port_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match=r"port=-1 must be 0 \(any free port\)"):
        MiniMaxEmulator(port=-1)


@pytest.mark.parametrize(
    ("host", "api_key", "warns"),
    [
        ("0.0.0.0", None, True),
        ("0.0.0.0", "a-key", False),
        ("127.0.0.1", None, False),
        ("localhost", None, False),
        ("127.0.0.2", None, False),
    ],
)
def test_serving_beyond_loopback_without_a_key_warns(
    host: str, api_key: str | None, warns: bool
) -> None:
    emulator = MiniMaxEmulator(api_key=api_key, host=host)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        emulator.start()
    emulator.stop()
    messages = [str(w.message) for w in caught]
    if warns:
        assert len(messages) == 1
        assert "beyond loopback without an api_key" in messages[0]
        assert messages[0].startswith(f"the MiniMax emulator serves {host}:")
        assert caught[0].filename == __file__
    else:
        assert messages == []


def test_the_cli_warns_when_serving_beyond_loopback_without_a_key() -> None:
    with subprocess.Popen(
        [*CLI, "--host", "0.0.0.0", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None
        first = process.stdout.readline()
        process.terminate()
        try:
            _, err = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()  # a hang fails the test instead of the suite
            raise
    assert first.startswith("http://0.0.0.0:")
    assert process.returncode == 0
    assert err.count("\n") == 1
    assert err.startswith("python -m langchain_minimax.testing: warning: ")
    assert "without an api_key" in err


# -- any bytes on the socket: an answer or a closed connection, never a traceback ----

REQUEST_HEADS = st.sampled_from(
    [
        b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n",
        b"POST /chat/completions HTTP/1.1\r\nTransfer-Encoding: chunked\r\n",
        b"GET / HTTP/1.0\r\n",
        b"",
    ]
)
REQUEST_PIECES = st.sampled_from(
    [
        b"Content-Length: 5\r\n",
        b"Content-Length: 99999999999\r\n",
        b"Content-Length: x\r\n",
        b"Expect: 100-continue\r\n",
        b"Authorization: Bearer \xff\r\n",
        b"X: " + b"a" * 70_000 + b"\r\n",
        b"\r\n",
        b"0\r\n\r\n",
        b"5\r\n",
        b"{",
        b"\x00\xff\xfe",
        b"[" * 3000,
        b'"\\ud800"',
        BODY.encode(),
    ]
)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(head=REQUEST_HEADS, pieces=st.lists(REQUEST_PIECES, max_size=8))
def test_any_bytes_get_an_answer_or_a_close_never_a_traceback(
    emulator: MiniMaxEmulator,
    capfd: pytest.CaptureFixture[str],
    head: bytes,
    pieces: list[bytes],
) -> None:
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=20) as sock:
        received = b""
        # The server may answer and close before it read everything we send.
        with contextlib.suppress(OSError):
            sock.sendall(head + b"".join(pieces))
            sock.shutdown(socket.SHUT_WR)
        with contextlib.suppress(OSError):
            while chunk := sock.recv(65536):
                received += chunk
    if received:
        assert re.match(rb"HTTP/1\.[01] (100|200|400|401|404) ", received)
    assert capfd.readouterr().err == ""
