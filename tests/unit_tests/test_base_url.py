"""Base URLs: empty ones fail at construction, other forms are normalized or refused."""

from __future__ import annotations

from typing import Any

import pytest

from langchain_minimax import ChatMiniMax
from langchain_minimax.base_url import CHINA_BASE_URL, DEFAULT_BASE_URL
from langchain_minimax.testing import MiniMaxEmulator, Reply


@pytest.mark.parametrize("value", ["", " ", "\t\n", None])
def test_an_empty_base_url_argument_fails_naming_base_url(value: Any) -> None:
    with pytest.raises(ValueError, match=r"Value error, base_url=.* is empty"):
        ChatMiniMax(api_key="k", base_url=value)


@pytest.mark.parametrize("value", ["", "   "])
def test_a_blank_minimax_base_url_fails_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("MINIMAX_BASE_URL", value)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    with pytest.raises(
        ValueError, match=r"Value error, MINIMAX_BASE_URL=.* is empty.*\.env"
    ):
        ChatMiniMax(api_key="k")


def test_the_empty_check_comes_before_any_other(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MINIMAX_API_KEY", raising=False)
    # No key and an empty URL: the URL is what is reported.
    with pytest.raises(ValueError, match="base_url='' is empty"):
        ChatMiniMax(base_url="")


NORMALIZED = {
    "https://api.minimax.io": DEFAULT_BASE_URL,
    "https://api.minimax.io/": DEFAULT_BASE_URL,
    "https://api.minimax.io/v1/": DEFAULT_BASE_URL,
    " https://api.minimax.io/v1 ": DEFAULT_BASE_URL,
    "https://api.minimax.io/v1/chat/completions": DEFAULT_BASE_URL,
    "https://api.minimaxi.com/v1/chat/completions/": CHINA_BASE_URL,
    "https://api.minimaxi.com": CHINA_BASE_URL,
    "http://127.0.0.1:8765/v1/chat/completions": "http://127.0.0.1:8765/v1",
    "http://proxy.internal/minimax": "http://proxy.internal/minimax",
}


@pytest.mark.parametrize(("given", "used"), NORMALIZED.items())
def test_base_url_forms_are_normalized(given: str, used: str) -> None:
    model = ChatMiniMax(api_key="k", base_url=given)
    assert model.minimax_api_base == used
    assert str(model.root_client.base_url).rstrip("/") == used


def test_the_variable_is_normalized_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MINIMAX_BASE_URL", "https://api.minimaxi.com/")
    assert ChatMiniMax(api_key="k").minimax_api_base == CHINA_BASE_URL


@pytest.mark.parametrize(
    ("given", "match"),
    [
        ("https://api.minimax.io/v2", "use 'https://api.minimax.io/v1'"),
        ("https://api.minimax.io/anthropic", "use 'https://api.minimax.io/v1'"),
        ("api.minimax.io/v1", "not an http.s. URL with a host"),
        ("ftp://api.minimax.io/v1", "not an http.s. URL with a host"),
    ],
)
def test_wrong_forms_are_refused_with_the_form_to_use(given: str, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        ChatMiniMax(api_key="k", base_url=given)


def test_a_pasted_endpoint_url_reaches_the_emulator(emulator: MiniMaxEmulator) -> None:
    emulator.add_reply(Reply(content="Hi!"))
    model = ChatMiniMax(
        api_key=emulator.api_key,
        base_url=f"{emulator.base_url}/chat/completions",
        max_retries=0,
    )
    assert model.invoke("q").content == "Hi!"
    assert emulator.requests[0].path == "/v1/chat/completions"
