"""8. throughput across processes: `abatch` in one process, 1 and 2 workers."""

from __future__ import annotations

import asyncio
import multiprocessing
import time
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


def _pool_walls(
    model: Any, questions: list[str], workers: int, rounds: int
) -> list[float]:
    """Wall times of a spawn pool answering `questions`, split among `workers`.

    The pool is started and warmed (every worker imported the package and
    answered once) before the timed rounds; the model is pickled with each task.
    """
    spawn = multiprocessing.get_context("spawn")
    shares = [questions[i::workers] for i in range(workers)]
    walls = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=spawn) as pool:
        warm = pool.map(answer_all, [model] * workers, [questions[:2]] * workers)
        assert sum(warm) == 2 * workers
        for _ in range(rounds):
            start = time.perf_counter()
            assert sum(pool.map(answer_all, [model] * workers, shares)) == len(
                questions
            )
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
    for workers in (1, 2):
        pool_walls = _pool_walls(c.minimax, questions, workers, rounds)
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
