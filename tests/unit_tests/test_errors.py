"""Pure tests of the exception classes (`errors.py`)."""

from __future__ import annotations

import openai
import pytest
from langchain_core.exceptions import (
    ContextOverflowError,
    ModelAPIError,
    ModelAuthenticationError,
    ModelConnectionError,
    ModelError,
    ModelInvalidRequestError,
    ModelNotFoundError,
    ModelPermissionDeniedError,
    ModelRateLimitError,
    ModelTimeoutError,
)

import langchain_minimax
from langchain_minimax import errors
from langchain_minimax.errors import (
    MiniMaxAPIStatusError,
    MiniMaxAuthenticationError,
    MiniMaxConnectionError,
    MiniMaxContentFilterError,
    MiniMaxContextOverflowError,
    MiniMaxError,
    MiniMaxInsufficientBalanceError,
    MiniMaxInvalidRequestError,
    MiniMaxNotFoundError,
    MiniMaxPermissionDeniedError,
    MiniMaxRateLimitError,
    MiniMaxResponseError,
    MiniMaxServerError,
    MiniMaxStreamChunkTimeoutError,
    MiniMaxTimeoutError,
    MiniMaxUsageLimitError,
)

# --- classes ---

# class -> (openai base, langchain-core base, retryable)
CLASSES: dict[type, tuple[type, type, bool]] = {
    MiniMaxAuthenticationError: (
        openai.AuthenticationError,
        ModelAuthenticationError,
        False,
    ),
    MiniMaxPermissionDeniedError: (
        openai.PermissionDeniedError,
        ModelPermissionDeniedError,
        False,
    ),
    MiniMaxInsufficientBalanceError: (
        openai.PermissionDeniedError,
        ModelPermissionDeniedError,
        False,
    ),
    MiniMaxInvalidRequestError: (
        openai.BadRequestError,
        ModelInvalidRequestError,
        False,
    ),
    MiniMaxContentFilterError: (
        openai.BadRequestError,
        ModelInvalidRequestError,
        False,
    ),
    MiniMaxContextOverflowError: (openai.BadRequestError, ContextOverflowError, False),
    MiniMaxNotFoundError: (openai.NotFoundError, ModelNotFoundError, False),
    MiniMaxRateLimitError: (openai.RateLimitError, ModelRateLimitError, True),
    MiniMaxUsageLimitError: (openai.RateLimitError, ModelRateLimitError, False),
    MiniMaxServerError: (openai.InternalServerError, ModelAPIError, True),
    MiniMaxResponseError: (openai.APIError, ModelAPIError, True),
    MiniMaxConnectionError: (openai.APIConnectionError, ModelConnectionError, True),
    MiniMaxTimeoutError: (openai.APITimeoutError, ModelTimeoutError, True),
    MiniMaxStreamChunkTimeoutError: (openai.APITimeoutError, ModelTimeoutError, True),
}


@pytest.mark.parametrize("cls", list(CLASSES), ids=lambda cls: cls.__name__)
def test_classes_are_both_openai_and_langchain_errors(cls: type) -> None:
    oai, core, retryable = CLASSES[cls]
    assert issubclass(cls, oai)
    assert issubclass(cls, core)
    assert issubclass(cls, MiniMaxError)
    assert issubclass(cls, ModelError)
    assert cls.is_retryable is retryable


def test_public_classes_are_exported() -> None:
    for cls in [*CLASSES, MiniMaxError, MiniMaxAPIStatusError]:
        assert getattr(langchain_minimax, cls.__name__) is cls
        assert cls.__name__ in langchain_minimax.__all__


def test_errors_exports_only_what_users_catch() -> None:
    exported = {getattr(errors, name) for name in errors.__all__}
    assert exported == {*CLASSES, MiniMaxError, MiniMaxAPIStatusError}
