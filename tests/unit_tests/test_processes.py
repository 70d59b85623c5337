"""Across processes: a model pickles, deep-copies, survives fork and spawn.

`ChatOpenAI` cannot be pickled or deep-copied (its httpx clients hold locks);
a `ChatMiniMax` leaves its `openai` clients out of its state and builds new
ones where it is loaded, so it crosses process boundaries the way Ray, Dask,
Celery and `multiprocessing` move objects. The key travels inside the pickle
as a `SecretStr` (docs/chat_minimax.md, "Running in several processes").
"""

from __future__ import annotations

import asyncio
import copy
import multiprocessing
import os
import pickle
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import openai
import pytest
from langchain_core.messages import AIMessage
from langchain_core.runnables import Runnable
from langchain_core.tools import tool
from pydantic import BaseModel

from langchain_minimax import ChatMiniMax
from langchain_minimax.testing import MiniMaxEmulator, auto_responder

KEY = "process-key-5d1e"

# Forking a process that runs the emulator's threads is what these tests do.
pytestmark = pytest.mark.filterwarnings(
    "ignore:This process .* is multi-threaded:DeprecationWarning"
)


class Weather(BaseModel):
    city: str
    degrees: int


@tool
def get_weather(city: str) -> str:
    """Get the weather for a city."""
    return f"Sunny in {city}"


@pytest.fixture(scope="module")
def auto() -> Iterator[MiniMaxEmulator]:
    """An emulator that answers from the request (`auto_responder`)."""
    with MiniMaxEmulator(api_key=KEY, responder=auto_responder) as emu:
        yield emu


@pytest.fixture
def model(auto: MiniMaxEmulator) -> ChatMiniMax:
    auto.reset()
    return ChatMiniMax(base_url=auto.base_url, api_key=KEY, max_retries=0)


def runnables(model: ChatMiniMax) -> dict[str, Runnable[Any, Any]]:
    """The model alone, in a `bind_tools` binding and in `with_structured_output`.

    (`include_raw=True` does not pickle: langchain-core's parallel step does
    not, for any model.)
    """
    return {
        "model": model,
        "tools": model.bind_tools([get_weather]),
        "structured": model.with_structured_output(Weather),
        "json_schema": model.with_structured_output(Weather, method="json_schema"),
    }


def check_answer(kind: str, answer: Any, question: str) -> None:
    if kind == "model":
        assert isinstance(answer, AIMessage)
        assert question in str(answer.content)
    elif kind == "tools":
        assert isinstance(answer, AIMessage)
        assert [call["name"] for call in answer.tool_calls] == ["get_weather"]
    else:
        assert isinstance(answer, Weather)


def ask(runnable: Runnable[Any, Any], question: str) -> Any:
    """Sync and async in one call: what a worker process runs."""
    answer = runnable.invoke(question)
    async_answer = asyncio.run(runnable.ainvoke(question))
    assert type(answer) is type(async_answer)
    return answer


# --- pickle, deepcopy, model_copy(deep=True) in one process ---


@pytest.mark.parametrize(
    "duplicate",
    [
        lambda r: pickle.loads(pickle.dumps(r)),
        copy.deepcopy,
    ],
    ids=["pickle", "deepcopy"],
)
@pytest.mark.parametrize("kind", ["model", "tools", "structured", "json_schema"])
async def test_copies_answer(
    model: ChatMiniMax, auto: MiniMaxEmulator, duplicate: Any, kind: str
) -> None:
    original = runnables(model)[kind]
    copied = duplicate(original)
    check_answer(kind, copied.invoke("Paris?"), "Paris?")
    check_answer(kind, await copied.ainvoke("Lyon?"), "Lyon?")
    if kind == "model":
        assert "".join(str(c.content) for c in copied.stream("Nice?"))
    # The emulator answers only the key (it records none).
    assert {r.response_status for r in auto.requests} == {200}
    if kind == "tools":
        assert auto.requests[0].body["tools"][0]["function"]["name"] == "get_weather"


def test_model_copy_deep(model: ChatMiniMax, sockets: Any) -> None:
    model = model.model_copy(update={"temperature": 0.5})
    copied = model.model_copy(deep=True)
    assert copied.temperature == 0.5
    before = sockets.count()
    assert "Paris?" in str(copied.invoke("Paris?").content)
    assert asyncio.run(copied.ainvoke("Lyon?")).content
    # The sync client keeps its pooled connection (both ends are in this
    # process: the emulator serves from a thread); the loop's is closed.
    assert sockets.settle_at(before + 2) <= before + 2


def test_copies_keep_the_configuration_and_build_their_own_clients(
    auto: MiniMaxEmulator,
) -> None:
    model = ChatMiniMax(
        model="MiniMax-M2.5",
        base_url=auto.base_url,
        api_key=KEY,
        temperature=0.3,
        max_tokens=77,
        reasoning_split=False,
        stream_chunk_timeout=9.0,
        json_client=True,
        default_headers={"X-Trace": "t1"},
    )
    fields = ("model_name", "temperature", "max_tokens", "reasoning_split")
    for copied in (
        pickle.loads(pickle.dumps(model)),
        copy.deepcopy(model),
        model.model_copy(deep=True),
    ):
        assert copied.model_dump(include=set(fields)) == model.model_dump(
            include=set(fields)
        )
        assert copied.minimax_api_key is not None
        assert copied.minimax_api_key.get_secret_value() == KEY
        assert copied.minimax_api_base == auto.base_url
        for name in ("client", "async_client", "root_client", "root_async_client"):
            assert getattr(copied, name) is not None
            assert getattr(copied, name) is not getattr(model, name)
        assert copied.root_async_client.stream_chunk_timeout == 9.0
        assert copied.root_client.default_headers["X-Trace"] == "t1"
        assert type(copied.client) is type(model.client)


def test_the_key_travels_inside_the_pickle_and_no_repr_shows_it(
    model: ChatMiniMax,
) -> None:
    """The documented trade-off: the bytes hold the key, no object's repr does."""
    for runnable in runnables(model).values():
        payload = pickle.dumps(runnable)
        assert KEY.encode() in payload
        loaded = pickle.loads(payload)
        assert KEY not in repr(loaded)
        assert KEY not in str(loaded)


def test_user_clients_are_shared_by_deepcopy_and_refused_by_pickle(
    auto: MiniMaxEmulator,
) -> None:
    http_client = openai.DefaultHttpxClient()
    model = ChatMiniMax(base_url=auto.base_url, api_key=KEY, http_client=http_client)
    copied = copy.deepcopy(model)
    assert copied.http_client is http_client
    assert copied.root_client._client is http_client
    assert copied.invoke("Paris?").content
    with pytest.raises(TypeError, match=r"with http_client=\.\.\. cannot be pickled"):
        pickle.dumps(model)
    own = ChatMiniMax(base_url=auto.base_url, api_key=KEY)
    own.async_client = openai.AsyncOpenAI(api_key="x", base_url=auto.base_url)
    with pytest.raises(TypeError, match=r"its own async_client=\.\.\. cannot"):
        pickle.dumps(own)


# --- fork ---


def test_forked_child_answers_on_a_connection_of_its_own(
    auto: MiniMaxEmulator, relay_to: Any, sockets: Any
) -> None:
    relay = relay_to(auto)
    model = ChatMiniMax(base_url=relay.url, api_key=KEY, max_retries=0)
    assert "parent-1" in str(model.invoke("parent-1").content)
    assert "parent-2" in str(asyncio.run(model.ainvoke("parent-2")).content)
    before = sockets.count()
    pid = os.fork()
    if pid == 0:  # the child: answer sync and async, report by exit status
        status = 1
        try:
            ok = "child-1" in str(model.invoke("child-1").content)
            ok &= "child-2" in str(asyncio.run(model.ainvoke("child-2")).content)
            status = 0 if ok else 2
        finally:
            os._exit(status)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert "parent-3" in str(model.invoke("parent-3").content)
    ports = relay.ports_by_question()
    parent_ports = {ports["parent-1"], ports["parent-3"]}
    assert ports["parent-1"] == ports["parent-3"]  # the parent's connection lives on
    assert ports["child-1"] not in parent_ports | {ports["parent-2"]}
    assert ports["child-2"] not in parent_ports | {ports["parent-2"]}
    assert sockets.settle_at(before) <= before


# --- process pools ---


@pytest.mark.parametrize("method", ["spawn", "fork"])
def test_process_pool_answers_every_request(
    auto: MiniMaxEmulator, monkeypatch: pytest.MonkeyPatch, method: str, sockets: Any
) -> None:
    """The key is read from MINIMAX_API_KEY; workers get it inside the pickle."""
    auto.reset()
    monkeypatch.setenv("MINIMAX_API_KEY", KEY)
    model = ChatMiniMax(base_url=auto.base_url, max_retries=0)
    # Workers inherit no key from the environment: the one they send (the
    # emulator answers 200 only to it) came inside the pickle.
    monkeypatch.delenv("MINIMAX_API_KEY")
    jobs = [
        (kind, runnable, f"{kind} question {n}?")
        for kind, runnable in runnables(model).items()
        for n in range(2)
    ]
    before = sockets.count()
    context = multiprocessing.get_context(method)
    # A spawned worker imports the whole stack afresh: one shows the pickle
    # carries the key as well as two would, at half the start-up.
    workers = 1 if method == "spawn" else 2
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [
            pool.submit(ask, runnable, question) for _, runnable, question in jobs
        ]
        answers = [future.result(timeout=120) for future in futures]
    for (kind, _, question), answer in zip(jobs, answers, strict=True):
        check_answer(kind, answer, question)
    assert len(auto.requests) == 2 * len(jobs)
    assert {r.response_status for r in auto.requests} == {200}
    assert sockets.settle_at(before) <= before
