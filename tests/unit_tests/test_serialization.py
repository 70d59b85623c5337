"""Serialization round-trip and keeping the API key secret."""

from __future__ import annotations

import json
import os
from unittest import mock

from langchain_core.load import dumpd, dumps, load

from langchain_minimax import ChatMiniMax

KEY = "sk-minimax-SECRET-4242"


def test_dumpd_refers_to_minimax_env_var() -> None:
    model = ChatMiniMax(api_key=KEY, model="MiniMax-M2.5", reasoning_split=False)
    serialized = dumpd(model)
    assert serialized["id"] == ["langchain_minimax", "chat_models", "ChatMiniMax"]
    assert serialized["kwargs"]["minimax_api_key"] == {
        "lc": 1,
        "type": "secret",
        "id": ["MINIMAX_API_KEY"],
    }
    assert "openai_api_key" not in serialized["kwargs"]
    assert KEY not in json.dumps(serialized)


def test_load_round_trip_with_explicit_allowlist() -> None:
    model = ChatMiniMax(api_key=KEY, model="MiniMax-M2.5", reasoning_split=False)
    loaded = load(
        dumpd(model),
        allowed_objects=[ChatMiniMax],
        valid_namespaces=["langchain_minimax"],
        secrets_map={"MINIMAX_API_KEY": KEY},
    )
    assert isinstance(loaded, ChatMiniMax)
    assert loaded.model_name == "MiniMax-M2.5"
    assert loaded.reasoning_split is False
    assert loaded.minimax_api_key is not None
    assert loaded.minimax_api_key.get_secret_value() == KEY
    assert loaded.asdict() == model.asdict()


def test_load_reads_key_from_env() -> None:
    serialized = dumpd(ChatMiniMax(api_key=KEY))
    with mock.patch.dict(os.environ, {"MINIMAX_API_KEY": "from-env"}):
        loaded = load(
            serialized,
            allowed_objects=[ChatMiniMax],
            valid_namespaces=["langchain_minimax"],
            secrets_from_env=True,
        )
    assert loaded.minimax_api_key.get_secret_value() == "from-env"


def test_key_in_no_repr_str_dump_or_tracing_params() -> None:
    model = ChatMiniMax(api_key=KEY)
    places = [
        repr(model),
        str(model),
        dumps(model),
        json.dumps(model.asdict(), default=str),
        json.dumps(model._get_ls_params(), default=str),
        json.dumps(model._identifying_params, default=str),
        repr(model.model_dump()),
    ]
    for place in places:
        assert KEY not in place
    assert model.minimax_api_key is not None
    assert model.minimax_api_key.get_secret_value() == KEY


def test_langsmith_params() -> None:
    params = ChatMiniMax(api_key=KEY, temperature=0.7)._get_ls_params()
    assert params["ls_provider"] == "minimax"
    assert params["ls_model_name"] == "MiniMax-M2"
    assert params["ls_temperature"] == 0.7
