"""Property test: corrupted answers over the wire give a result or a MiniMaxError.

A valid completion body and a valid stream are taken from the emulator once;
hypothesis then corrupts them, byte by byte (flips, insertions, deletions, a
cut) or as JSON (a value replaced by any JSON, a key dropped), and the
emulator serves the corrupted bytes (`RawAnswer`) to the model's four call
paths through the real `openai` client. Whatever the corruption, the call
returns an answer or raises a `MiniMaxError`: never an exception of the JSON
or codec layer, the SDK or langchain-openai.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from langchain_minimax import ChatMiniMax, MiniMaxError
from langchain_minimax.testing import MiniMaxEmulator, RawAnswer, Reply, ToolCall

pytestmark = pytest.mark.filterwarnings(
    # langchain-openai dumps chunks that the SDK parsed without validation.
    "ignore:Pydantic serializer warnings:UserWarning"
)

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
ANSWER = Reply(
    reasoning="Think it through.",
    content="Paris, I believe — 巴黎.",
    tool_calls=[ToolCall("get_weather", {"city": "Paris"})],
    chunk_size=6,
)
ANY_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats(allow_nan=False, width=16)
    | st.text(max_size=4),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=5,
)


def _valid(emulator: MiniMaxEmulator, *, stream: bool) -> bytes:
    """The bytes of one valid answer, as the emulator sends them."""
    emulator.add_reply(ANSWER)
    body = {
        "model": "MiniMax-M2",
        "messages": [{"role": "user", "content": "Weather in Paris?"}],
        "stream": stream,
        "tools": [
            {
                "type": "function",
                "function": {"name": "get_weather", "parameters": {"type": "object"}},
            }
        ],
    }
    connection = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=20)
    try:
        key = emulator.api_key
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        connection.request("POST", "/v1/chat/completions", json.dumps(body), headers)
        return connection.getresponse().read()
    finally:
        connection.close()


@pytest.fixture
def valid(emulator: MiniMaxEmulator) -> dict[bool, bytes]:
    """A valid answer's bytes, streamed (`True`) and not."""
    return {stream: _valid(emulator, stream=stream) for stream in (False, True)}


# --- corruptions ---


@st.composite
def byte_corruption(draw: st.DrawFn) -> Callable[[bytes], bytes]:
    """Flip, insert or delete a few bytes, and maybe cut the end off."""
    edits = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["flip", "insert", "delete"]),
                st.floats(0, 1),
                st.binary(min_size=1, max_size=3),
            ),
            min_size=1,
            max_size=4,
        )
    )
    cut = draw(st.none() | st.floats(0, 1))

    def corrupt(data: bytes) -> bytes:
        for kind, where, value in edits:
            at = int(where * (len(data) - 1))
            if kind == "flip":
                data = data[:at] + bytes([data[at] ^ value[0]]) + data[at + 1 :]
            elif kind == "insert":
                data = data[:at] + value + data[at:]
            else:
                data = data[:at] + data[at + len(value) :]
        return data if cut is None else data[: int(cut * len(data))]

    return corrupt


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


@st.composite
def json_corruption(draw: st.DrawFn) -> Callable[[Any], Any]:
    """Replace one value of a JSON document with any JSON, or drop it."""
    pick = draw(st.floats(0, 1))
    replacement = draw(ANY_JSON)
    drop = draw(st.booleans())

    def corrupt(document: Any) -> Any:
        paths = list(_paths(document))
        path = paths[int(pick * (len(paths) - 1))]
        if not path:
            return replacement
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        if drop and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = replacement
        return document

    return corrupt


def _corrupt_stream_json(
    data: bytes, corrupt: Callable[[Any], Any], which: float
) -> bytes:
    """The stream with one event's JSON corrupted."""
    events = data.split(b"\n\n")
    candidates = [i for i, event in enumerate(events) if event.startswith(b"data: {")]
    index = candidates[int(which * (len(candidates) - 1))]
    document = corrupt(json.loads(events[index][len(b"data: ") :]))
    events[index] = b"data: " + json.dumps(document, ensure_ascii=False).encode()
    return b"\n\n".join(events)


# --- the calls ---


async def _call(model: ChatMiniMax, path: str) -> object:
    if path == "invoke":
        return model.invoke("Weather in Paris?")
    if path == "ainvoke":
        return await model.ainvoke("Weather in Paris?")
    if path == "stream":
        return list(model.stream("Weather in Paris?"))
    return [chunk async for chunk in model.astream("Weather in Paris?")]


def _serve_and_call(
    emulator: MiniMaxEmulator,
    make_model: Callable[..., ChatMiniMax],
    path: str,
    data: bytes,
) -> None:
    emulator.reset()
    streaming = path in ("stream", "astream")
    fault = RawAnswer(events=[data]) if streaming else RawAnswer(body=data)
    emulator.add_fault(fault)
    model = make_model(timeout=10)
    with contextlib.suppress(MiniMaxError):
        asyncio.run(_call(model, path))
    assert len(emulator.requests) == 1


PATHS = ["invoke", "ainvoke", "stream", "astream"]


@pytest.mark.parametrize("path", PATHS)
@SETTINGS
@given(corrupt=byte_corruption())
def test_byte_corruptions_give_a_result_or_a_minimax_error(
    emulator: MiniMaxEmulator,
    make_model: Callable[..., ChatMiniMax],
    valid: dict[bool, bytes],
    path: str,
    corrupt: Callable[[bytes], bytes],
) -> None:
    streaming = path in ("stream", "astream")
    _serve_and_call(emulator, make_model, path, corrupt(valid[streaming]))


@pytest.mark.parametrize("path", PATHS)
@SETTINGS
@given(corrupt=json_corruption(), which=st.floats(0, 1))
def test_json_corruptions_give_a_result_or_a_minimax_error(
    emulator: MiniMaxEmulator,
    make_model: Callable[..., ChatMiniMax],
    valid: dict[bool, bytes],
    path: str,
    corrupt: Callable[[Any], Any],
    which: float,
) -> None:
    if path in ("stream", "astream"):
        data = _corrupt_stream_json(valid[True], corrupt, which)
    else:
        document = corrupt(json.loads(valid[False]))
        data = json.dumps(document, ensure_ascii=False).encode()
    _serve_and_call(emulator, make_model, path, data)
