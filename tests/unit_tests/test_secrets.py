"""The API key appears nowhere but in the Authorization header.

Real calls go through the `openai` client to the emulator: successes, retried
failures and every kind of error. The key is then looked for in every repr and
str, in the logs at DEBUG (the `openai`, `httpx` and `httpcore` loggers too, and
their `httpx2`/`httpcore2` namesakes that openai>=3 uses),
in exception texts and tracebacks, in serialized forms, and in everything a
callback handler (as LangSmith's tracer) is given.
"""

from __future__ import annotations

import json
import logging
import traceback
from typing import Any
from uuid import UUID

import openai
import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.load import dumpd, dumps

from langchain_minimax import ChatMiniMax, MiniMaxError
from langchain_minimax.testing import (
    CutStream,
    HTTPError,
    InBodyError,
    MalformedJSON,
    MiniMaxEmulator,
    NoFinishReason,
    Reply,
)

WRONG_KEY = "sk-minimax-WRONG-b7e1c9"
LOGGERS = (
    "openai",
    "httpx",
    "httpx2",
    "httpcore",
    "httpcore2",
    "langchain_openai",
    "langchain_minimax",
)


class Recorder(BaseCallbackHandler):
    """Keeps the repr of everything a tracer is handed."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def on_chat_model_start(
        self, serialized: dict[str, Any], messages: Any, **kwargs: Any
    ) -> None:
        self.seen.append(json.dumps(serialized, default=repr))
        self.seen.append(repr(messages))
        self.seen.append(json.dumps(kwargs, default=repr))

    def on_llm_new_token(self, token: str, **kwargs: Any) -> None:
        self.seen.append(repr(kwargs))

    def on_llm_end(self, response: Any, **kwargs: Any) -> None:
        self.seen.append(repr(response))

    def on_llm_error(
        self, error: BaseException, *, run_id: UUID, **kwargs: Any
    ) -> None:
        self.seen.append(repr(error))
        self.seen.append(repr(kwargs))


def error_texts(error: BaseException) -> list[str]:
    texts = [
        str(error),
        repr(error),
        "".join(traceback.format_exception(error)),
        repr(vars(error).get("body")),
    ]
    if isinstance(error, openai.APIError):
        texts.append(repr(error.request))
        texts.append(str(error.request.url))
    if isinstance(error, openai.APIStatusError):
        texts.append(repr(error.response))
        texts.append(error.response.text)
        texts.append(repr(dict(error.response.headers)))
    return texts


async def test_key_is_nowhere_but_the_header(
    emulator: MiniMaxEmulator,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = str(emulator.api_key)
    monkeypatch.setenv("MINIMAX_API_KEY", key)
    caplog.set_level(logging.DEBUG)
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    recorder = Recorder()
    model = ChatMiniMax(
        base_url=emulator.base_url,
        max_retries=1,
        callbacks=[recorder],
        http_async_client=openai.DefaultAsyncHttpxClient(),
    )
    wrong = ChatMiniMax(
        base_url=emulator.base_url,
        api_key=WRONG_KEY,
        max_retries=1,
        callbacks=[recorder],
    )
    retry_fast = {"retry-after-ms": "1"}
    texts: list[str] = []

    emulator.add_replies([Reply(reasoning="r", content="ok")] * 3)
    texts.append(repr(model.invoke("hi")))
    texts.append(repr(await model.ainvoke("hi")))
    texts.append(repr(list(model.stream("hi"))))

    failures = [
        HTTPError(status=429, code=1002, headers=retry_fast, times=2),
        InBodyError(code=1008),
        CutStream(after_chunks=2),
        MalformedJSON(),
        NoFinishReason(),
    ]
    for fault in failures:
        emulator.add_fault(fault)
        with pytest.raises(MiniMaxError) as info:
            list(model.stream("hi"))
        texts.extend(error_texts(info.value))
    with pytest.raises(MiniMaxError) as info:
        wrong.invoke("hi")
    texts.extend(error_texts(info.value))

    for chat in (model, wrong):
        texts += [
            repr(chat),
            str(chat),
            dumps(chat),
            json.dumps(dumpd(chat)),
            chat.model_dump_json(),
            repr(chat.model_dump()),
            json.dumps(chat._get_ls_params(), default=repr),
            json.dumps(chat._get_invocation_params(), default=repr),
            json.dumps(chat._identifying_params, default=repr),
            repr(chat.root_client),
            repr(chat.client),
        ]
    texts.append(caplog.text)
    texts.extend(recorder.seen)
    texts.append(repr(emulator.requests))

    # The calls really happened, with the key where it belongs.
    assert len(emulator.requests) >= 10
    # The emulator accepted the key (it keeps only a redacted header).
    assert emulator.requests[0].response_status == 200
    assert emulator.requests[0].headers["authorization"] == "Bearer [redacted]"
    assert "Retrying request" in caplog.text
    debug = {r.name.split(".")[0] for r in caplog.records if r.levelno == logging.DEBUG}
    assert "openai" in debug
    assert debug & {"httpcore", "httpcore2"}
    assert any("on_llm_error" in text or "Error" in text for text in recorder.seen)
    for text in texts:
        assert key not in text
        assert WRONG_KEY not in text
