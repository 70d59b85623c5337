"""How much each section measures: the full run and the `--quick` smoke run."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sizes:
    invoke_calls: int
    stream_chunks: tuple[int, int]
    stream_rounds: tuple[int, int]
    sum_rounds: tuple[int, int]
    concurrency: int
    concurrency_rounds: int
    history: tuple[int, int]
    history_rounds: int
    import_runs: int
    import_warmup: bool
    construct_rounds: int
    memory_bytes: int
    memory_chunk_sizes: tuple[int, ...]
    bomb_bytes: int
    """What the gzip bomb of the memory section decodes to."""
    reference_every: int
    """The emulator ceiling and the raw SDK run in every n-th round of the
    long sections (streaming, concurrency) only."""
    process_requests: int
    process_rounds: int
    processes_alone: bool
    """Whether the processes a section starts run alone: the import section's
    three fresh interpreters one after the other, and each worker count of the
    processes section in a pool of its own (the full run, which times them).
    Without (`--quick`, a smoke run whose times are not read), the import
    section starts two interpreters at once (the one that imports ChatOpenAI
    first gives its sample too) and one pool of two workers serves both
    counts."""


FULL = Sizes(
    invoke_calls=1500,
    stream_chunks=(2_000, 20_000),
    stream_rounds=(60, 12),
    sum_rounds=(20, 4),
    concurrency=200,
    concurrency_rounds=20,
    history=(200, 400),
    history_rounds=400,
    import_runs=15,
    import_warmup=True,
    construct_rounds=400,
    memory_bytes=1 << 20,
    memory_chunk_sizes=(256, 1024, 4096, 16384),
    bomb_bytes=256 << 20,
    reference_every=4,
    process_requests=400,
    process_rounds=5,
    processes_alone=True,
)

QUICK = Sizes(
    invoke_calls=20,
    stream_chunks=(40, 200),
    stream_rounds=(2, 1),
    sum_rounds=(1, 1),
    concurrency=20,
    concurrency_rounds=2,
    history=(20, 40),
    history_rounds=5,
    import_runs=1,
    import_warmup=False,
    construct_rounds=5,
    memory_bytes=64 << 10,
    memory_chunk_sizes=(1024,),
    bomb_bytes=4 << 20,
    reference_every=4,
    process_requests=20,
    process_rounds=1,
    processes_alone=False,
)
