"""How `_response_bytes` counts a stream's events against the per-event cap."""

from __future__ import annotations

import httpx2 as httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from langchain_minimax import _response_bytes as response_bytes
from langchain_minimax._failures import EVENT_END

LINE_ENDS = st.binary().map(lambda raw: bytes(b"a\r\n"[byte % 3] for byte in raw))
"""Bytes of `a`, CR and LF only: every way line ends can run together."""


@settings(max_examples=400, deadline=None)
@given(LINE_ENDS)
def test_the_last_event_end_is_the_regex_walks_last(data: bytes) -> None:
    ends = [match.end() for match in EVENT_END.finditer(data)]
    assert response_bytes._last_event_end(data) == (ends[-1] if ends else None)


def _response() -> httpx.Response:
    return httpx.Response(200, request=httpx.Request("POST", "http://127.0.0.1/v1"))


class _Walking(response_bytes._Limits):
    """Walks every event of every piece, as above the cap, never refusing."""

    __slots__ = ()

    def _check_event(self, size: int) -> None:
        pass


@settings(max_examples=300, deadline=None)
@given(st.lists(LINE_ENDS, max_size=8))
def test_the_open_event_is_counted_the_same_below_and_above_the_cap(
    pieces: list[bytes],
) -> None:
    """Below the cap only the open event is sized; above it, every event is.

    Both must leave the same count of the open event, so that a stream that
    grows past the cap is refused at the same byte either way.
    """
    sized = response_bytes._Limits(_response())
    events = []
    for piece in pieces:
        sized.stream(piece)
        events.append(sized.event)
    original = response_bytes.MAX_EVENT_BYTES
    response_bytes.MAX_EVENT_BYTES = -1
    try:
        walked = _Walking(_response())
        walked_events = []
        for piece in pieces:
            walked.stream(piece)
            walked_events.append(walked.event)
    finally:
        response_bytes.MAX_EVENT_BYTES = original
    assert events == walked_events
