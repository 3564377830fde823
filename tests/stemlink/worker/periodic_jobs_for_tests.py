"""Stand-ins for the other apps' periodic jobs, so the worker's scheduling is tested on its own."""

from __future__ import annotations

calls: list[str] = []


def count_call() -> int:
    calls.append("count_call")
    return len(calls)


def explode() -> int:
    raise RuntimeError("the job broke")
