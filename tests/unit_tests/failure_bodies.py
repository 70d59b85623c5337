"""Failure bodies and responses shared by the failure modules' tests."""

from __future__ import annotations

import json
from typing import Any

import httpx2 as httpx

from langchain_minimax._raising import CallContext

URL = "https://api.minimax.io/v1/chat/completions"
CONTEXT = CallContext(url=URL, model="MiniMax-M2")


def envelope(message: str, status: int = 400, request_id: str = "req-1") -> bytes:
    body = {
        "type": "error",
        "error": {"type": "x_error", "message": message, "http_code": str(status)},
        "request_id": request_id,
    }
    return json.dumps(body).encode()


def response(status: int, content: bytes, url: str = URL) -> Any:
    return httpx.Response(
        status,
        content=content,
        headers={"content-type": "application/json", "x-request-id": "hdr-id"},
        request=httpx.Request("POST", url),
    )
