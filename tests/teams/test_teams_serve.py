"""`coder serve`: the TUI in a real headless Chromium, driven over the DevTools protocol."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from coder.db.engine import Store
from coder.services.coding.codings import list_codings
from coder.services.documents.corpus import get_document

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)"
)

#: key, code, text, Windows virtual key code: what a real keyboard sends for these keys.
KEYS = {
    "Enter": ("Enter", "Enter", "\r", 13),
    "j": ("j", "KeyJ", "j", 74),
    "1": ("1", "Digit1", "1", 49),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, timeout: float = 30) -> bytes:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return bytes(response.read())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


class DevTools:
    """The few Chrome DevTools Protocol calls the test needs, over one page's websocket."""

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
        """Wait until the page changed from ``before`` and then stopped changing.

        The terminal draws on a canvas, so pixels are the only view of the screen we have.
        """
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


async def code_first_unit_in_browser(url: str, devtools_port: int) -> None:
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
        tools = DevTools(ws)
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
    port, devtools_port = free_port(), free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("CODER_PROJECT", None)
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import typer; from coder.cli.serve import serve; typer.run(serve)",
            "-p",
            project.url,
            "--coder",
            "ana",
            "--port",
            str(port),
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    browser = None
    try:
        page = wait_http(f"http://127.0.0.1:{port}/").decode()
        assert "textual-terminal" in page
        assert CHROMIUM is not None
        browser = subprocess.Popen(
            [
                CHROMIUM,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                f"--remote-debugging-port={devtools_port}",
                f"--user-data-dir={tmp_path / 'chromium'}",
                "--window-size=1280,800",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        asyncio.run(code_first_unit_in_browser(f"http://127.0.0.1:{port}/", devtools_port))
        deadline = time.monotonic() + 15
        codings = list_codings(project, coders=["ana"])
        while not codings and time.monotonic() < deadline:
            time.sleep(0.2)
            codings = list_codings(project, coders=["ana"])
    finally:
        if browser is not None:
            browser.kill()
            browser.wait()
        server.terminate()
        try:
            output, _ = server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            output, _ = server.communicate()
    sentences = sorted(
        (u.start, u.end) for u in get_document(project, "doc-0").units if u.kind == "sentence"
    )
    assert [(c.start, c.end, str(c.code_path)) for c in codings] == [
        (*sentences[1], "Relationships/Trust")
    ]
    assert f"at http://127.0.0.1:{port}/" in output


def test_serve_binds_to_localhost_unless_told_otherwise() -> None:
    import inspect

    from coder.cli.serve import serve, tui_command

    assert inspect.signature(serve).parameters["host"].default.default == "127.0.0.1"
    # The project URL (which may hold a password) is not on the child's command line.
    assert "postgresql" not in tui_command("ana") and tui_command("o'brien").endswith(
        "'o'\"'\"'brien'"
    )
