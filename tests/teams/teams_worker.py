"""A coder process for the load and crash tests (run as a script, not collected by pytest).

    python tests/teams/teams_worker.py apply URL CODER COUNT     # COUNT codings, fast
    python tests/teams/teams_worker.py crashable URL CODER COUNT LOG
    python tests/teams/teams_worker.py churn URL CODER SECONDS

Each prints one JSON line on success. Spans are a pure function of the action index, so the
tests know exactly which codings must exist afterwards.

An action is what a coder does at the coding screen, through the functions the screen calls:
apply a code (``coder.services.coding.edits.apply_code``) and, every tenth time, write a memo
on the new coding as the next keystroke (``coder.services.coding.memos.set_memo``).
"""

from __future__ import annotations

import json
import os
import sys
import time

from coder.db.engine import Store
from coder.services.coding.codings import list_codings
from coder.services.coding.edits import apply_code
from coder.services.coding.memos import set_memo
from coder.services.project.lifecycle import open_project
from tests.factories import TEAM_CODE_PATHS, Names

DOCUMENTS = 3


def action(i: int) -> dict[str, object]:
    """The i-th coding a worker applies: distinct (document, start) for every i."""
    start = i // DOCUMENTS
    return {
        "document": f"doc-{i % DOCUMENTS}",
        "start": start,
        "end": start + 5 + i % 7,
        "code": TEAM_CODE_PATHS[i % len(TEAM_CODE_PATHS)],
        "memo": f"memo {i}" if i % 10 == 0 else None,
    }


def perform(store: Store, names: Names, coder: str, i: int) -> None:
    """Action ``i``: the coding, then its memo if it has one."""
    a = action(i)
    view = apply_code(
        store,
        coder=coder,
        document_id=names.document(str(a["document"])),
        code_id=names.code(str(a["code"])),
        start=int(a["start"]),  # type: ignore[call-overload]
        end=int(a["end"]),  # type: ignore[call-overload]
    )
    if a["memo"]:
        set_memo(store, coder=coder, text=str(a["memo"]), coding_id=view.id)


def run_apply(url: str, coder: str, count: int) -> None:
    store = open_project(url)
    names = Names(store)
    began = time.perf_counter()
    errors: list[str] = []
    for i in range(count):
        try:
            perform(store, names, coder, i)
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
    store = open_project(url)
    names = Names(store)
    mine = list_codings(store, coders=[coder])
    done = len(mine)
    with open(log_path, "a", encoding="utf-8") as log:

        def note(word: str, i: int) -> None:
            log.write(f"{word} {i}\n")
            log.flush()
            if word == "done":
                os.fsync(log.fileno())

        last = action(done - 1) if done else None
        if last is not None and last["memo"]:
            # A kill between the coding and its memo (two keystrokes) left the memo unwritten:
            # the coder writes it now, as they would on reopening the document.
            stored = next(
                c
                for c in mine
                if (c.document, c.start, c.end, str(c.code_path))
                == (last["document"], last["start"], last["end"], last["code"])
            )
            if stored.memo is None:
                note("start", done - 1)
                set_memo(store, coder=coder, text=str(last["memo"]), coding_id=stored.id)
                note("done", done - 1)
        for i in range(done, count):
            note("start", i)
            perform(store, names, coder, i)
            note("done", i)
    print(json.dumps({"coder": coder, "finished": True}))


def run_churn(url: str, coder: str, seconds: float) -> None:
    store = open_project(url)
    names = Names(store)
    deadline = time.monotonic() + seconds
    i = 0
    while time.monotonic() < deadline:
        perform(store, names, coder, i)
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
