"""A coder process for the load and crash tests (run as a script, not collected by pytest).

    python tests/teams/teams_worker.py apply URL CODER COUNT     # COUNT codings, fast
    python tests/teams/teams_worker.py crashable URL CODER COUNT LOG
    python tests/teams/teams_worker.py churn URL CODER SECONDS

Each prints one JSON line on success. Spans are a pure function of the action index, so the
tests know exactly which codings must exist afterwards.
"""

from __future__ import annotations

import json
import os
import sys
import time

from coder.services.coding.codings import apply_code
from coder.services.project.lifecycle import open_project

CODE_PATHS = [
    "Relationships/Trust",
    "Relationships/Meetings",
    "Barriers/Funding",
    "Barriers/Turnover",
]
DOCUMENTS = 3


def action(i: int) -> dict[str, object]:
    """The i-th coding a worker applies: distinct (document, start) for every i."""
    start = i // DOCUMENTS
    return {
        "document": f"doc-{i % DOCUMENTS}",
        "start": start,
        "end": start + 5 + i % 7,
        "code": CODE_PATHS[i % len(CODE_PATHS)],
        "memo": f"memo {i}" if i % 10 == 0 else None,
    }


def run_apply(url: str, coder: str, count: int) -> None:
    store = open_project(url)
    began = time.perf_counter()
    errors: list[str] = []
    for i in range(count):
        try:
            apply_code(store, coder=coder, **action(i))  # type: ignore[arg-type]
        except Exception as exc:  # reported to the test, which fails on any
            errors.append(f"{type(exc).__name__}: {exc}")
    seconds = time.perf_counter() - began
    print(
        json.dumps(
            {"coder": coder, "seconds": seconds, "errors": errors[:5], "failed": len(errors)}
        )
    )


def run_crashable(url: str, coder: str, count: int, log_path: str) -> None:
    # Resume where the database says this coder stopped: the actions are applied in order, so
    # the number of this coder's codings is the index of the next action.
    from coder.services.coding.codings import list_codings

    store = open_project(url)
    done = len(list_codings(store, coders=[coder]))
    with open(log_path, "a", encoding="utf-8") as log:
        for i in range(done, count):
            log.write(f"start {i}\n")
            log.flush()
            apply_code(store, coder=coder, **action(i))  # type: ignore[arg-type]
            log.write(f"done {i}\n")
            log.flush()
            os.fsync(log.fileno())
    print(json.dumps({"coder": coder, "finished": True}))


def run_churn(url: str, coder: str, seconds: float) -> None:
    store = open_project(url)
    deadline = time.monotonic() + seconds
    i = 0
    while time.monotonic() < deadline:
        apply_code(store, coder=coder, **action(i))  # type: ignore[arg-type]
        i += 1
    print(json.dumps({"coder": coder, "applied": i}))


if __name__ == "__main__":
    mode, url, coder = sys.argv[1:4]
    if mode == "apply":
        run_apply(url, coder, int(sys.argv[4]))
    elif mode == "crashable":
        run_crashable(url, coder, int(sys.argv[4]), sys.argv[5])
    elif mode == "churn":
        run_churn(url, coder, float(sys.argv[4]))
    else:
        raise SystemExit(f"unknown mode {mode}")
