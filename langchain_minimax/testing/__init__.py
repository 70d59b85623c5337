r"""A local emulator of MiniMax's OpenAI-compatible Chat Completions API.

Use it to test agents and chains built on `ChatMiniMax` (or any OpenAI client)
offline, with scripted answers, tool calls and failures, and with the wire
quirks of the live service: inline `<think>` reasoning or `reasoning_details`
(with `reasoning_split`), incremental stream deltas with `role: ""` on some
chunks, `finish_reason` on the last content chunk, MiniMax-style tool-call ids,
`base_resp`, and the HTTP 400 / code 2013 rejections of invalid requests.

The package uses the standard library only and starts a real HTTP server on
127.0.0.1 in background threads.

Example:
    ```python
    from openai import OpenAI

    from langchain_minimax.testing import MiniMaxEmulator, Reply, ToolCall

    with MiniMaxEmulator(api_key="test-key") as emu:
        emu.add_reply(
            Reply(
                reasoning="The user wants the weather.",
                content="\n",
                tool_calls=[ToolCall("get_weather", {"city": "Paris"})],
            )
        )
        client = OpenAI(base_url=emu.base_url, api_key="test-key")
        answer = client.chat.completions.create(
            model="MiniMax-M2",
            messages=[{"role": "user", "content": "Weather in Paris?"}],
            extra_body={"reasoning_split": True},
        )
        call = answer.choices[0].message.tool_calls[0]
        assert call.function.arguments == '{"city":"Paris"}'
        assert emu.requests[0].body["messages"][0]["content"] == "Weather in Paris?"
    ```

A `ChatMiniMax` model is pointed at the emulator the same way, with the
emulator's `base_url` and `api_key`. Failures are scripted with one type per
kind: `HTTPError`, `InBodyError`, `RawAnswer`, `CutStream`, `MalformedJSON`,
`NoFinishReason`, `StalledStream`, `SlowResponse`, `KeepAlive`,
`DrippedStream`, `InvalidUTF8` and `DeepJSON` (see `Fault`). In pytest,
the `minimax_emulator` fixture (module `pytest_plugin`, registered when the
package is installed) gives each test a running emulator and a model factory.

From a shell, `python -m langchain_minimax.testing --port 8765` serves in the
foreground and prints the base URL.
"""

from langchain_minimax.testing._emulator import (
    DEFAULT_CONTENT,
    DEFAULT_REASONING,
    MiniMaxEmulator,
    Responder,
    default_responder,
)
from langchain_minimax.testing._faults import (
    CutStream,
    DeepJSON,
    DrippedStream,
    ErrorFault,
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
from langchain_minimax.testing._responders import auto_responder, sample_from_schema
from langchain_minimax.testing._script import DIALECTS, RecordedRequest, Reply, ToolCall
from langchain_minimax.testing._validation import KNOWN_MODELS, validate_request

__all__ = [
    "DEFAULT_CONTENT",
    "DIALECTS",
    "DEFAULT_REASONING",
    "KNOWN_MODELS",
    "CutStream",
    "DeepJSON",
    "DrippedStream",
    "ErrorFault",
    "Fault",
    "HTTPError",
    "InBodyError",
    "InvalidUTF8",
    "KeepAlive",
    "MalformedJSON",
    "MiniMaxEmulator",
    "NoFinishReason",
    "RawAnswer",
    "RecordedRequest",
    "Reply",
    "Responder",
    "SlowResponse",
    "StalledStream",
    "ToolCall",
    "auto_responder",
    "default_responder",
    "sample_from_schema",
    "validate_request",
]
