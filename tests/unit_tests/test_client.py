"""ChatMiniMax's `openai` clients: ChatOpenAI's contract, and the JSON opt-in.

By default `ChatMiniMax.client` / `async_client` are `root_client`'s
chat-completions resources, as in ChatOpenAI. With `json_client=True` they skip
building the `openai` models that langchain-openai would dump straight back to
dicts; `root_client` is untouched either way.
"""

from __future__ import annotations

import ast
import http.client
import http.server
import json
import subprocess
import sys
import threading
from typing import Any

import httpx
import openai
import pytest
from langchain_openai import ChatOpenAI
from openai.resources.chat.completions import AsyncCompletions, Completions
from openai.types.chat import ChatCompletion, ChatCompletionChunk

from langchain_minimax import (
    ChatMiniMax,
    MiniMaxResponseError,
)
from langchain_minimax._client import AsyncMiniMaxOpenAI, MiniMaxOpenAI, _validated
from langchain_minimax.testing import InBodyError, MiniMaxEmulator, Reply

BODY: dict[str, Any] = {
    "model": "MiniMax-M2",
    "messages": [{"role": "user", "content": "hi"}],
    "extra_body": {"reasoning_split": True},
}
REPLY = Reply(reasoning="Think.", content="Hello.", chunk_size=3)


def _wire_json(model: ChatMiniMax, emulator: MiniMaxEmulator, *, stream: bool) -> Any:
    """What the emulator sends for REPLY, read with a plain HTTP client."""
    emulator.add_reply(REPLY)
    assert model.minimax_api_key is not None
    key = model.minimax_api_key.get_secret_value()
    body = {**BODY, **BODY["extra_body"], "stream": stream}
    del body["extra_body"]
    response = httpx.post(
        emulator.base_url + "/chat/completions",
        json=body,
        headers={"Authorization": f"Bearer {key}"},
    )
    if not stream:
        return response.json()
    return [
        json.loads(line[len("data: ") :])
        for line in response.text.splitlines()
        if line.startswith("data: ") and line != "data: [DONE]"
    ]


def _without_ids(value: Any) -> Any:
    """The JSON with the per-response `id` and `created` values removed."""
    if isinstance(value, list):
        return [_without_ids(item) for item in value]
    if isinstance(value, dict):
        return {
            key: _without_ids(item)
            for key, item in value.items()
            if key not in ("id", "created")
        }
    return value


def test_clients_are_the_sdk_resources(make_model: Any) -> None:
    model = make_model()
    assert model.client is model.root_client.chat.completions
    assert model.async_client is model.root_async_client.chat.completions


@pytest.mark.parametrize("stream", [False, True])
def test_create_returns_sdk_objects(
    make_model: Any, emulator: MiniMaxEmulator, stream: bool
) -> None:
    model = make_model()
    expected = _wire_json(model, emulator, stream=stream)
    emulator.add_reply(REPLY)
    result = model.client.create(**BODY, stream=stream)
    if not stream:
        assert isinstance(result, ChatCompletion)
        assert _without_ids(result.model_dump(exclude_unset=True)) == _without_ids(
            expected
        )
        return
    chunks = list(result)
    assert all(isinstance(chunk, ChatCompletionChunk) for chunk in chunks)
    got = [chunk.model_dump(exclude_unset=True) for chunk in chunks]
    assert _without_ids(got) == _without_ids(expected)


@pytest.mark.parametrize("stream", [False, True])
def test_sdk_objects_equal_the_sdks_own(
    make_model: Any, emulator: MiniMaxEmulator, stream: bool
) -> None:
    """Built by pydantic's validator, they equal what a plain `openai` client builds.

    MiniMax's `"role": ""` deltas (which the SDK's type does not allow) included.
    """
    model = make_model()
    plain = openai.OpenAI(base_url=emulator.base_url, api_key="k", max_retries=0)
    assert model.minimax_api_key is not None
    plain = plain.with_options(api_key=model.minimax_api_key.get_secret_value())
    results = []
    for client in (plain, model.root_client):
        emulator.add_reply(REPLY)
        result = client.chat.completions.create(**BODY, stream=stream)
        results.append(list(result) if stream else [result])
    theirs, ours = results
    assert len(ours) == len(theirs) > 0
    roles = []
    for mine, sdk in zip(ours, theirs, strict=True):
        assert type(mine) is type(sdk)
        for dump in ("model_dump", "to_dict"):
            assert _without_ids(getattr(mine, dump)()) == _without_ids(
                getattr(sdk, dump)()
            )
        assert _without_ids(mine.model_dump(exclude_unset=True)) == _without_ids(
            sdk.model_dump(exclude_unset=True)
        )
        if stream and mine.choices:
            roles.append(mine.choices[0].delta.role)
    if stream:
        assert "" in roles


@pytest.mark.parametrize("arguments", [{"path": "a.rs"}, '{"path": "a.rs"}'])
def test_a_chunk_with_an_empty_role_is_validated_and_left_as_sent(
    arguments: Any,
) -> None:
    """MiniMax's `"role": ""`, with a relay's object arguments or not: the SDK's
    chunk holds both as the SDK reads them, and the parsed event is unchanged."""
    call = {"index": 0, "id": "c1", "type": "function"}
    delta = {
        "role": "",
        "content": None,
        "tool_calls": [{**call, "function": {"name": "read", "arguments": arguments}}],
    }
    data = {
        "id": "x",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "MiniMax-M2",
        "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
    }
    sent = json.loads(json.dumps(data))
    built = _validated(data, ChatCompletionChunk)
    assert type(built) is ChatCompletionChunk
    assert built.choices[0].delta.role == ""
    [tool_call] = built.choices[0].delta.tool_calls or []
    assert tool_call.function is not None
    assert json.loads(tool_call.function.arguments or "") == {"path": "a.rs"}
    assert data == sent


async def test_async_create_returns_sdk_objects(
    make_model: Any, emulator: MiniMaxEmulator
) -> None:
    emulator.add_replies([REPLY, REPLY])
    client = make_model(http_async_client=openai.DefaultAsyncHttpxClient()).async_client
    completion = await client.create(**BODY)
    assert isinstance(completion, ChatCompletion)
    assert completion.choices[0].message.content == "Hello."
    stream = await client.create(**BODY, stream=True)
    chunks = [chunk async for chunk in stream]
    assert chunks
    assert all(isinstance(chunk, ChatCompletionChunk) for chunk in chunks)


def test_with_options_as_in_chat_openai(
    make_model: Any, emulator: MiniMaxEmulator
) -> None:
    model = make_model()
    chat_openai = ChatOpenAI(base_url=emulator.base_url, api_key="k")
    # The SDK puts `with_options` on the client (openai>=3: not on resources).
    for name in ("with_options", "with_raw_response", "with_streaming_response"):
        assert hasattr(model.client, name) == hasattr(chat_openai.client, name)
        assert hasattr(model.root_client, name) == hasattr(
            chat_openai.root_client, name
        )
    configured = model.root_client.with_options(timeout=7.0, max_retries=3)
    assert isinstance(configured, MiniMaxOpenAI)
    assert (configured.timeout, configured.max_retries) == (7.0, 3)
    emulator.add_reply(REPLY)
    assert isinstance(configured.chat.completions.create(**BODY), ChatCompletion)
    emulator.add_fault(InBodyError(code=2013))
    with pytest.raises(openai.BadRequestError):
        configured.chat.completions.create(**BODY)


def test_async_with_options_keeps_the_stream_chunk_timeout(make_model: Any) -> None:
    root = make_model(stream_chunk_timeout=4.5).root_async_client
    configured = root.with_options(timeout=7.0)
    assert isinstance(configured, AsyncMiniMaxOpenAI)
    assert configured.stream_chunk_timeout == 4.5
    assert configured.timeout == 7.0


def test_with_raw_response(make_model: Any, emulator: MiniMaxEmulator) -> None:
    emulator.add_reply(REPLY)
    raw = make_model().client.with_raw_response.create(**BODY)
    assert isinstance(raw.parse(), ChatCompletion)
    assert raw.headers["content-type"].startswith("application/json")


def test_json_client_uses_the_wire_resources(make_model: Any) -> None:
    model = make_model(json_client=True)
    assert isinstance(model.client, Completions)
    assert isinstance(model.async_client, AsyncCompletions)
    assert model.client is not model.root_client.chat.completions
    assert model.client._client is model.root_client
    assert model.async_client._client is model.root_async_client


@pytest.mark.parametrize("stream", [False, True])
def test_json_client_create_returns_the_json_as_sent(
    make_model: Any, emulator: MiniMaxEmulator, stream: bool
) -> None:
    model = make_model(json_client=True)
    expected = _wire_json(model, emulator, stream=stream)
    emulator.add_reply(REPLY)
    result = model.client.create(**BODY, stream=stream)
    got = list(result) if stream else result
    for item in got if stream else [got]:
        assert type(item) is dict
    assert _without_ids(got) == _without_ids(expected)


async def test_json_client_async_create_and_stream_return_dicts(
    make_model: Any, emulator: MiniMaxEmulator
) -> None:
    emulator.add_replies([REPLY, REPLY])
    client = make_model(
        json_client=True, http_async_client=openai.DefaultAsyncHttpxClient()
    ).async_client
    completion = await client.create(**BODY)
    assert type(completion) is dict
    assert completion["choices"][0]["message"]["content"] == "Hello."
    stream = await client.create(**BODY, stream=True)
    chunks = [chunk async for chunk in stream]
    assert chunks
    assert all(type(chunk) is dict for chunk in chunks)


def test_json_client_raw_response_path_parses_to_dicts(
    make_model: Any, emulator: MiniMaxEmulator
) -> None:
    emulator.add_reply(REPLY)
    raw = make_model(json_client=True).client.with_raw_response.create(**BODY)
    assert type(raw.parse()) is dict
    assert raw.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize("json_client", [False, True])
async def test_json_client_gives_the_same_messages(
    make_model: Any, emulator: MiniMaxEmulator, json_client: bool
) -> None:
    emulator.add_replies([REPLY, REPLY])
    model = make_model(json_client=json_client)
    message = model.invoke("hi")
    total = None
    for chunk in model.stream("hi"):
        total = chunk if total is None else total + chunk
    assert total is not None
    for got in (message, total):
        assert got.content == "Hello."
        assert got.additional_kwargs["reasoning_content"] == "Think."
        assert got.usage_metadata is not None
        assert got.usage_metadata["total_tokens"] > 0


@pytest.mark.parametrize("json_client", [False, True])
def test_include_response_headers_invoke_and_stream(
    make_model: Any, emulator: MiniMaxEmulator, json_client: bool
) -> None:
    emulator.add_replies([REPLY, REPLY])
    model = make_model(include_response_headers=True, json_client=json_client)
    message = model.invoke("hi")
    assert message.additional_kwargs["reasoning_content"] == "Think."
    assert "content-type" in message.response_metadata["headers"]
    chunks = list(model.stream("hi"))
    assert "headers" in chunks[0].response_metadata
    total = chunks[0]
    for chunk in chunks[1:]:
        total += chunk
    assert total.content == "Hello."


@pytest.mark.parametrize("json_client", [False, True])
@pytest.mark.parametrize("stream", [False, True])
def test_client_still_reads_failures_in_200(
    make_model: Any, emulator: MiniMaxEmulator, stream: bool, json_client: bool
) -> None:
    emulator.add_fault(InBodyError(code=2013))
    # The SDK's own error: ChatMiniMax translates it (see test_errors_wire).
    with pytest.raises(openai.BadRequestError) as caught:
        result = make_model(json_client=json_client).client.create(
            **BODY, stream=stream
        )
        if stream:
            list(result)
    assert caught.value.status_code == 400
    assert caught.value.body["base_resp"]["status_code"] == 2013


class _BareJsonStream(http.server.BaseHTTPRequestHandler):
    """Answers every POST with a stream whose only event is a JSON string."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        body = b'data: "not an object"\n\ndata: [DONE]\n\n'
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def test_bare_json_chunk_raises_a_response_error(make_model: Any) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _BareJsonStream)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        model = make_model(base_url=f"http://127.0.0.1:{server.server_port}/v1")
        with pytest.raises(MiniMaxResponseError, match="stream chunk that is a string"):
            list(model.stream("hi"))
    finally:
        server.shutdown()
        server.server_close()


def test_package_import_loads_no_more_than_it_needs() -> None:
    """Import time is budgeted (docs/performance.md): parts used on demand wait."""
    code = (
        "import sys; from langchain_openai import ChatOpenAI; "
        "before = set(sys.modules); from langchain_minimax import ChatMiniMax; "
        "print(sorted(set(sys.modules) - before))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    loaded = ast.literal_eval(output.strip())
    assert "langchain_minimax.chat_models" in loaded
    assert "langchain_minimax.structured_output" not in loaded
    assert "langchain_minimax.tokens" not in loaded
    assert "langchain_minimax.testing" not in loaded
    assert [name for name in loaded if not name.startswith("langchain_minimax")] == []


async def test_openai_proxy_carries_every_request(
    make_model: Any, emulator: MiniMaxEmulator, relay_to: Any
) -> None:
    emulator.add_replies([REPLY, REPLY, REPLY])
    proxy = relay_to(None)
    model = make_model(openai_proxy=proxy.url)
    assert model.invoke("hi").content == "Hello."
    assert "".join(str(c.content) for c in model.stream("hi")) == "Hello."
    assert (await model.ainvoke("hi")).content == "Hello."
    target = emulator.base_url + "/chat/completions"
    assert proxy.targets() == [target] * 3
    assert len(emulator.requests) == 3


def test_openai_proxy_is_not_read_from_the_environment(
    make_model: Any, emulator: MiniMaxEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_PROXY", "http://127.0.0.1:9")
    emulator.add_reply(REPLY)
    model = make_model()
    assert model.openai_proxy is None
    assert model.invoke("hi").content == "Hello."


def test_openai_proxy_with_a_client_is_refused(make_model: Any) -> None:
    with pytest.raises(ValueError, match=r"openai_proxy='http://p:1' cannot"):
        make_model(openai_proxy="http://p:1", http_client=httpx.Client())
    assert ChatMiniMax.model_fields["openai_proxy"].default is None


@pytest.mark.parametrize("options", [[], [(6, 1, 1)]])
def test_http_socket_options_reach_the_transport(
    make_model: Any, emulator: MiniMaxEmulator, options: list[Any]
) -> None:
    emulator.add_reply(REPLY)
    model = make_model(http_socket_options=options)
    pool = model.root_client._client.current()._transport._pool
    assert list(pool._socket_options or []) == options
    assert model.invoke("hi").content == "Hello."
