"""`coder serve`: the TUI in a real headless Chromium, driven over the DevTools protocol."""

from __future__ import annotations

import asyncio
import itertools
import json
import shutil
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from coder.db.engine import Store
from coder.domain.views import CodingView
from coder.services.coding.codings import list_codings
from coder.services.documents.reading import get_document
from tests.factories import TURNS_INTERVIEW, turns_project
from tests.teams.serving import free_port, running_serve, wait_http

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)"
)

#: key, code, text, Windows virtual key code: what a real keyboard sends for these keys.
KEYS = {
    "Enter": ("Enter", "Enter", "\r", 13),
    "j": ("j", "KeyJ", "j", 74),
    "1": ("1", "Digit1", "1", 49),
}

#: Run in the page before textual-serve's script: keep the xterm.js terminal it creates
#: (``this.terminal = new Terminal(...)``) where the test can read the screen's text from it.
#: Only reading: every key and click still goes through the browser's input events.
KEEP_TERMINAL = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "terminal", {value, writable: true, configurable: true});
    if (value && typeof value.write === "function" && "buffer" in value) {
      window.coderTestTerminal = value;
    }
  },
});
"""

#: The terminal's rows as text (one character per cell) and where its cells are on the page.
READ_SCREEN = """
(() => {
  const term = window.coderTestTerminal;
  if (!term || !term.element) return null;
  const box = term.element.querySelector(".xterm-screen").getBoundingClientRect();
  const buffer = term.buffer.active;
  const cell = buffer.getNullCell();
  const lines = [];
  for (let y = 0; y < term.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    let text = "";
    for (let x = 0; x < term.cols; x++) {
      text += line && line.getCell(x, cell) ? (cell.getChars() || " ")[0] : " ";
    }
    lines.push(text);
  }
  return {lines, cols: term.cols, rows: term.rows,
          left: box.left, top: box.top, width: box.width, height: box.height};
})()
"""


@dataclass
class Screen:
    """What the terminal in the page shows, and where its cells are in CSS pixels."""

    lines: list[str]
    cols: int
    rows: int
    left: float
    top: float
    width: float
    height: float

    def find(self, text: str, after: tuple[int, int] = (-1, 0)) -> tuple[int, int]:
        """(column, row) of the first ``text`` on screen after the cell ``after`` (column,
        row), in reading order."""
        after_column, after_row = after
        for row in range(after_row, len(self.lines)):
            column = self.lines[row].find(text, after_column + 1 if row == after_row else 0)
            if column >= 0:
                return column, row
        raise AssertionError(f"{text!r} is not on the screen:\n" + "\n".join(self.lines))

    def pixel(self, column: float, row: float) -> tuple[float, float]:
        """The middle of a cell, in the page's pixels."""
        return (
            self.left + (column + 0.5) * self.width / self.cols,
            self.top + (row + 0.5) * self.height / self.rows,
        )


class DevTools:
    """The few Chrome DevTools Protocol calls the tests need, over one page's websocket."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.ids = itertools.count(1)

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        number = next(self.ids)
        await self.ws.send_json({"id": number, "method": method, "params": params})
        while True:
            message = await self.ws.receive_json()
            if message.get("id") == number:
                return dict(message.get("result") or {})

    async def screenshot(self) -> str:
        for _ in range(50):
            data = (await self.call("Page.captureScreenshot", format="png")).get("data")
            if data:
                return str(data)
            await asyncio.sleep(0.2)
        raise AssertionError("the page never rendered")

    async def settle(self, before: str, timeout: float = 20) -> str:
        """Wait until the page changed from ``before`` and then stopped changing (pixels)."""
        deadline = time.monotonic() + timeout
        last = await self.screenshot()
        changed = last != before
        while time.monotonic() < deadline:
            await asyncio.sleep(0.4)
            now = await self.screenshot()
            changed = changed or now != before
            if changed and now == last:
                return now
            last = now
        raise AssertionError("the screen did not respond")

    async def press(self, key: str) -> None:
        name, code, text, vk = KEYS[key]
        await self.call(
            "Input.dispatchKeyEvent",
            type="keyDown",
            key=name,
            code=code,
            text=text,
            windowsVirtualKeyCode=vk,
        )
        await self.call(
            "Input.dispatchKeyEvent", type="keyUp", key=name, code=code, windowsVirtualKeyCode=vk
        )

    async def screen(self) -> Screen | None:
        answer = await self.call("Runtime.evaluate", expression=READ_SCREEN, returnByValue=True)
        value = answer.get("result", {}).get("value")
        return Screen(**value) if value else None

    async def wait_for_text(self, text: str, timeout: float = 20) -> Screen:
        """The screen once ``text`` is on it."""
        deadline = time.monotonic() + timeout
        while True:
            screen = await self.screen()
            if screen is not None and any(text in line for line in screen.lines):
                return screen
            if time.monotonic() > deadline:
                shown = "\n".join(screen.lines) if screen else "(no terminal)"
                raise AssertionError(f"{text!r} never showed on the screen:\n{shown}")
            await asyncio.sleep(0.1)

    async def mouse(self, kind: str, point: tuple[float, float], *, held: bool = False) -> None:
        """One mouse event as a real mouse makes it (left button; ``held`` while pressed)."""
        x, y = point
        clicks = 1 if kind in ("mousePressed", "mouseReleased") else 0
        await self.call(
            "Input.dispatchMouseEvent",
            type=kind,
            x=x,
            y=y,
            button="left" if clicks or held else "none",
            buttons=1 if held or kind == "mousePressed" else 0,
            clickCount=clicks,
        )

    async def click(self, point: tuple[float, float]) -> None:
        await self.mouse("mouseMoved", point)
        await self.mouse("mousePressed", point)
        await self.mouse("mouseReleased", point)

    async def drag(self, start: tuple[float, float], end: tuple[float, float]) -> None:
        """Press at ``start``, move there in steps with the button held, release at ``end``."""
        await self.mouse("mouseMoved", start)
        await self.mouse("mousePressed", start)
        steps = 8
        for step in range(1, steps + 1):
            point = (
                start[0] + (end[0] - start[0]) * step / steps,
                start[1] + (end[1] - start[1]) * step / steps,
            )
            await self.mouse("mouseMoved", point, held=True)
        await self.mouse("mouseReleased", end)


@dataclass
class Served:
    """``coder serve`` and a headless Chromium started for a test."""

    url: str
    devtools_port: int
    #: What the server printed (filled in once it stopped).
    output: str = ""


@contextmanager
def serve_to_chromium(store: Store, coder: str, cwd: Path) -> Iterator[Served]:
    """Run ``coder serve`` on the project and a headless Chromium with a DevTools port."""
    devtools_port = free_port()
    browser = None
    with running_serve(store, coder, cwd) as serving:
        served = Served(serving.url, devtools_port)
        try:
            page = wait_http(served.url).decode()
            assert "textual-terminal" in page
            assert CHROMIUM is not None
            browser = subprocess.Popen(
                [
                    CHROMIUM,
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    f"--remote-debugging-port={devtools_port}",
                    f"--user-data-dir={cwd / 'chromium'}",
                    "--window-size=1280,800",
                    "about:blank",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            yield served
        finally:
            if browser is not None:
                browser.kill()
                browser.wait()
    served.output = serving.output


@asynccontextmanager
async def page_devtools(devtools_port: int) -> AsyncIterator[DevTools]:
    """The DevTools protocol on Chromium's first page."""
    import aiohttp

    pages: list[dict[str, Any]] = []
    deadline = time.monotonic() + 30
    while not pages:
        assert time.monotonic() < deadline, "chromium did not open a page"
        try:
            listing = json.loads(wait_http(f"http://127.0.0.1:{devtools_port}/json/list", 30))
            pages = [t for t in listing if t["type"] == "page"]
        except OSError:
            pass
        await asyncio.sleep(0.1)
    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(pages[0]["webSocketDebuggerUrl"], max_msg_size=0) as ws,
    ):
        yield DevTools(ws)


def wait_for_codings(store: Store, coder: str, timeout: float = 15) -> list[CodingView]:
    deadline = time.monotonic() + timeout
    codings = list_codings(store, coders=[coder])
    while not codings and time.monotonic() < deadline:
        time.sleep(0.2)
        codings = list_codings(store, coders=[coder])
    return codings


async def code_first_unit_in_browser(url: str, devtools_port: int) -> None:
    async with page_devtools(devtools_port) as tools:
        blank = await tools.screenshot()
        await tools.call("Page.navigate", url=url)
        screen = await tools.settle(blank, timeout=60)
        await tools.call(
            "Runtime.evaluate",
            expression="document.querySelector('.xterm-helper-textarea').focus()",
        )
        # Documents screen -> open the first document -> next unit -> code with key 1.
        for key in ("Enter", "j", "1"):
            await tools.press(key)
            screen = await tools.settle(screen)


def test_serve_codes_a_unit_from_headless_chromium(project: Store, tmp_path: Path) -> None:
    with serve_to_chromium(project, "ana", tmp_path) as served:
        asyncio.run(code_first_unit_in_browser(served.url, served.devtools_port))
        codings = wait_for_codings(project, "ana")
    sentences = sorted(
        (u.start, u.end) for u in get_document(project, "doc-0").units if u.kind == "sentence"
    )
    assert [(c.start, c.end, str(c.code_path)) for c in codings] == [
        (*sentences[1], "Relationships/Trust")
    ]
    assert f"at {served.url}" in served.output


#: The drag, in the turn that starts with ``DRAG_TURN``: from inside the first word to inside
#: the last, whole words of ``TURNS_INTERVIEW`` (the selection snaps out to their edges).
DRAG_TURN, DRAG_FROM, DRAG_TO = "Answer 0 starts", "talks", "second"


async def code_a_drag_by_mouse(url: str, devtools_port: int) -> None:
    async with page_devtools(devtools_port) as tools:
        await tools.call("Page.enable")  # else the script below is not run on navigation
        await tools.call("Page.addScriptToEvaluateOnNewDocument", source=KEEP_TERMINAL)
        await tools.call("Page.navigate", url=url)

        # The documents screen: a click on the highlighted row opens the document.
        screen = await tools.wait_for_text("transcript-01", timeout=60)
        await tools.click(screen.pixel(*screen.find("transcript-01")))

        # The coding screen: in the first answer, drag from the middle of one word to the
        # middle of another, which may be on a later line.
        screen = await tools.wait_for_text(DRAG_TURN)
        first = screen.find(DRAG_FROM, after=screen.find(DRAG_TURN))
        last = screen.find(DRAG_TO, after=first)
        await tools.drag(
            screen.pixel(first[0] + len(DRAG_FROM) // 2, first[1]),
            screen.pixel(last[0] + len(DRAG_TO) // 2, last[1]),
        )
        start, end = expected_drag()
        await tools.wait_for_text(f"[{start}-{end}]")

        # A click on a code in the codebook tree applies it to the selection.
        screen = await tools.screen() or screen
        code = screen.find("■ Credibility")
        await tools.click(screen.pixel(code[0] + len("■ Cred"), code[1]))
        await tools.wait_for_text("Applied Motives/Credibility")


def expected_drag() -> tuple[int, int]:
    """The span the drag must select: from the first word's start to the last word's end,
    found in the transcript's text."""
    start = TURNS_INTERVIEW.index(DRAG_FROM, TURNS_INTERVIEW.index(DRAG_TURN))
    end = TURNS_INTERVIEW.index(DRAG_TO, start) + len(DRAG_TO)
    return start, end


def test_serve_codes_a_dragged_span_by_mouse_alone(store: Store, tmp_path: Path) -> None:
    """The 40-turn transcript in the browser, by mouse only: a click opens it, a drag across
    part of a turn selects whole words, a click on a code in the tree applies it."""
    project = turns_project(store)
    with serve_to_chromium(project, "alice", tmp_path) as served:
        asyncio.run(code_a_drag_by_mouse(served.url, served.devtools_port))
        codings = wait_for_codings(project, "alice")
    start, end = expected_drag()
    assert TURNS_INTERVIEW[start:end] == (
        "talks about trust and funding at some length, so that it wraps onto a second"
    )
    assert [(c.start, c.end, str(c.code_path)) for c in codings] == [
        (start, end, "Motives/Credibility")
    ]


def test_serve_binds_to_localhost_unless_told_otherwise() -> None:
    import inspect

    from coder.cli.serve import serve, tui_command

    assert inspect.signature(serve).parameters["host"].default.default == "127.0.0.1"
    # The project URL (which may hold a password) is not on the child's command line.
    # One process per session (exec), its exports kept in the project's folder (--served).
    command = tui_command("o'brien")
    assert "postgresql" not in command and command.startswith("exec ")
    assert command.endswith("--coder 'o'\"'\"'brien' --served")
