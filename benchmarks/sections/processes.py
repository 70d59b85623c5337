"""8. throughput across processes: `abatch` in one process, 1 and 2 workers."""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from contenders import MMX, OAI, Contenders
from results import Report, Row
from scenarios import prompt
from sizes import Sizes
from timing import median


def answer_all(model: Any, questions: list[str]) -> int:
    """A worker's task: answer `questions` concurrently (`abatch`); how many."""
    return len(asyncio.run(model.abatch(questions)))


@contextlib.contextmanager
def _warm_pool(
    model: Any, questions: list[str], workers: int
) -> Iterator[ProcessPoolExecutor]:
    """A spawn pool of `workers` processes, started and warmed (every worker
    imported the package and answered once)."""
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=spawn) as pool:
        warm = pool.map(answer_all, [model] * workers, [questions[:2]] * workers)
        assert sum(warm) == 2 * workers
        yield pool


def _pool_walls(
    pool: ProcessPoolExecutor,
    model: Any,
    questions: list[str],
    workers: int,
    rounds: int,
) -> list[float]:
    """Wall times of `pool` answering `questions`, split among `workers` tasks.

    The model is pickled with each task.
    """
    shares = [questions[i::workers] for i in range(workers)]
    walls = []
    for _ in range(rounds):
        start = time.perf_counter()
        assert sum(pool.map(answer_all, [model] * workers, shares)) == len(questions)
        walls.append(time.perf_counter() - start)
    return walls


def run(report: Report, c: Contenders, sizes: Sizes) -> None:
    n, rounds = sizes.process_requests, sizes.process_rounds
    questions = [prompt(200, 60)] * n
    # ChatOpenAI's default async client belongs to the loop of an earlier
    # section: it gets a client of its own (ChatMiniMax's works in any loop).
    chat_openai = c.models(sdk_async_transport=True)[0]
    in_process = {OAI: chat_openai, MMX: c.minimax}

    async def one_process() -> dict[str, list[float]]:
        walls: dict[str, list[float]] = {name: [] for name in in_process}
        for model in in_process.values():
            await model.abatch(questions[:2])
        for _ in range(rounds):
            for name, model in in_process.items():
                start = time.perf_counter()
                assert len(await model.abatch(questions)) == n
                walls[name].append(time.perf_counter() - start)
        return walls

    walls = asyncio.run(one_process())
    medians = {name: median(times) for name, times in walls.items()}
    report.samples["8 processes, abatch in one process"] = walls
    report.add(
        Row(
            "8",
            f"{n} requests, abatch in one process, total (median of {rounds})",
            "s",
            medians,
            ratio=medians[MMX] / medians[OAI],
            note=f"{n / medians[MMX]:.0f} requests/s ({MMX})",
        )
    )
    counts = (1, 2)
    if sizes.processes_alone:
        pools = []
        for workers in counts:
            with _warm_pool(c.minimax, questions, workers) as pool:
                pools.append(_pool_walls(pool, c.minimax, questions, workers, rounds))
    else:  # --quick: one pool serves both counts (the full run starts one each)
        with _warm_pool(c.minimax, questions, max(counts)) as pool:
            pools = [
                _pool_walls(pool, c.minimax, questions, workers, rounds)
                for workers in counts
            ]
    for workers, pool_walls in zip(counts, pools, strict=True):
        report.samples[f"8 processes, {workers} workers"] = pool_walls
        wall = median(pool_walls)
        report.add(
            Row(
                "8",
                f"{n} requests, {workers} spawned worker process"
                f"{'es' if workers > 1 else ''} (abatch of a share each), total"
                f" (median of {rounds})",
                "s",
                {MMX: wall},
                note=f"{n / wall:.0f} requests/s; {OAI} cannot be pickled",
            )
        )
