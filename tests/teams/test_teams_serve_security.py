"""`coder serve` against a hostile web page and a greedy client: the token, the Origin check,
the session limit, and the TUI's exports kept in the project's export folder.

The server tests run the real ``coder serve`` and talk to it with a real WebSocket client
(aiohttp), as a page in a browser would; the processes it starts are read from /proc.
"""

from __future__ import annotations

import asyncio
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from textual.widgets import Input, OptionList

from coder.cli.serve_web import QUIT_GRACE, Gate
from coder.db.engine import Store
from coder.services.exports.folder import export_folder
from coder.tui.app import make_app
from coder.tui.screens.export import ExportDialog
from tests.pilot import settle
from tests.teams.serving import TOKEN, Serving, children, running_serve

SIZE = (100, 30)


def http_status(url: str, headers: dict[str, str] | None = None) -> int:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def wait_for_children(pid: int, count: int, timeout: float = 20) -> list[int]:
    """The server's child processes once there are ``count`` of them."""
    deadline = time.monotonic() + timeout
    while len(found := children(pid)) != count:
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(found)} session processes, expected {count}")
        time.sleep(0.1)
    return found


@asynccontextmanager
async def browser(
    serving: Serving, *, with_token: bool = True
) -> AsyncIterator[aiohttp.ClientSession]:
    """A client that, like a browser, opened the printed address first (and so has the cookie)."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        if with_token:
            async with http.get(serving.url) as page:
                assert page.status == 200 and "textual-terminal" in await page.text()
        yield http


async def handshake_status(http: aiohttp.ClientSession, url: str, **options: Any) -> int:
    """The status a WebSocket handshake got (101 when it was accepted)."""
    try:
        async with http.ws_connect(url, **options):
            return 101
    except aiohttp.WSServerHandshakeError as error:
        return error.status


async def next_bytes(ws: aiohttp.ClientWebSocketResponse, timeout: float = 30) -> bytes:
    """The next data the server sends (the TUI's screen, or a message from coder serve)."""
    async with asyncio.timeout(timeout):
        while True:
            message = await ws.receive()
            if message.type == aiohttp.WSMsgType.BINARY:
                return bytes(message.data)
            assert message.type == aiohttp.WSMsgType.TEXT, message


async def first_bytes(ws: aiohttp.ClientWebSocketResponse, timeout: float = 30) -> bytes:
    """The first data the server sends, after telling it the terminal's size as
    textual-serve's page does once its socket is open."""
    await ws.send_json(["resize", {"width": 80, "height": 24}])
    return await next_bytes(ws, timeout)


async def tui_screen(ws: aiohttp.ClientWebSocketResponse) -> list[bytes]:
    """Wait until the TUI draws (it starts with an escape sequence); what came before."""
    notes = [await first_bytes(ws)]
    while not notes[-1].startswith(b"\x1b["):
        notes.append(await next_bytes(ws))
    return notes[:-1]


@pytest.mark.slow
def test_a_socket_from_another_origin_is_refused_before_any_process(
    project: Store, tmp_path: Path
) -> None:
    async def attempts(serving: Serving) -> list[int]:
        async with browser(serving) as http:
            return [
                await handshake_status(http, serving.ws, origin=origin)
                for origin in (
                    "http://evil.example",  # any web page the coder happens to visit
                    "http://127.0.0.1:1",  # another server on this machine
                    "https://127.0.0.1" + serving.base.removeprefix("http://127.0.0.1"),
                    "null",  # a sandboxed frame or a file:// page
                )
            ] + [await handshake_status(http, serving.ws)]  # no Origin: not a browser page

    with running_serve(project, "ana", tmp_path) as serving:
        statuses = asyncio.run(attempts(serving))
        time.sleep(0.5)
        assert children(serving.process.pid) == []
    assert statuses == [403] * 5
    logged = " ".join(serving.output.split())  # the log wraps its lines
    assert "WebSocket from origin 'http://evil.example' is not allowed" in logged


@pytest.mark.slow
def test_without_the_token_nothing_is_served(project: Store, tmp_path: Path) -> None:
    async def attempts(serving: Serving) -> list[int]:
        async with browser(serving, with_token=False) as http:
            statuses = [await handshake_status(http, serving.ws, origin=serving.origin)]
            wrong = {"Cookie": "coder-serve-" + serving.base.rsplit(":", 1)[1] + "=guess"}
            statuses.append(
                await handshake_status(http, serving.ws, origin=serving.origin, headers=wrong)
            )
            return statuses

    with running_serve(project, "ana", tmp_path) as serving:
        pages = [
            http_status(serving.base + "/"),
            http_status(serving.base + "/?token=" + TOKEN[:-1]),
            http_status(serving.base + "/", {"Authorization": "token wrong"}),
            http_status(serving.base + "/download/anything"),
            http_status(serving.url),  # the printed address works
        ]
        sockets = asyncio.run(attempts(serving))
        time.sleep(0.5)
        assert children(serving.process.pid) == []
    assert pages == [403, 403, 403, 403, 200]
    assert sockets == [403, 403]
    # The token is printed once, in the address, and never in the access log.
    assert serving.output.count(TOKEN) == 1
    assert f"at {serving.url}" in serving.output


@pytest.mark.slow
def test_a_name_rebound_to_this_machine_gets_nothing(project: Store, tmp_path: Path) -> None:
    """DNS rebinding: a page at attacker.example whose name now points at 127.0.0.1 is
    same-origin with itself; the server listening on loopback answers loopback names only."""

    async def attempt(serving: Serving) -> int:
        port = serving.base.rsplit(":", 1)[1]
        async with aiohttp.ClientSession() as http:
            return await handshake_status(
                http,
                serving.ws + f"&token={TOKEN}",
                origin=f"http://attacker.example:{port}",
                headers={"Host": f"attacker.example:{port}"},
            )

    with running_serve(project, "ana", tmp_path) as serving:
        port = serving.base.rsplit(":", 1)[1]
        page = http_status(serving.url, {"Host": f"attacker.example:{port}"})
        socket_status = asyncio.run(attempt(serving))
        assert children(serving.process.pid) == []
    assert (page, socket_status) == (403, 403)


@pytest.mark.slow
def test_with_the_token_from_the_page_a_session_runs_until_its_socket_closes(
    project: Store, tmp_path: Path
) -> None:
    async def session(serving: Serving) -> tuple[bytes, list[int]]:
        async with (
            browser(serving) as http,
            http.ws_connect(serving.ws, origin=serving.origin) as ws,
        ):
            screen = await first_bytes(ws)
            running = await asyncio.to_thread(wait_for_children, serving.process.pid, 1)
        return screen, running

    with running_serve(project, "ana", tmp_path) as serving:
        screen, running = asyncio.run(session(serving))
        assert len(running) == 1  # one process per session: no shell in between
        assert "coder" in Path(f"/proc/{running[0]}/cmdline").read_text()
        wait_for_children(serving.process.pid, 0, timeout=QUIT_GRACE + 10)
    assert screen


@pytest.mark.slow
def test_one_session_more_than_the_limit_is_refused_and_a_closed_one_frees_its_slot(
    project: Store, tmp_path: Path
) -> None:
    async def sessions(serving: Serving) -> tuple[list[bytes], int, list[bytes]]:
        async with browser(serving) as http:
            first = await http.ws_connect(serving.ws, origin=serving.origin)
            second = await http.ws_connect(serving.ws, origin=serving.origin)
            assert await tui_screen(first) == await tui_screen(second) == []
            async with http.ws_connect(serving.ws, origin=serving.origin) as third:
                refused = [await first_bytes(third), await next_bytes(third, timeout=20)]
                running = len(children(serving.process.pid))
            # A tab reloaded at the limit: its old socket closes, the new one gets the slot.
            await first.close()
            async with http.ws_connect(serving.ws, origin=serving.origin) as fourth:
                waited = await tui_screen(fourth)
                await asyncio.to_thread(wait_for_children, serving.process.pid, 2)
            await second.close()
            return refused, running, waited

    with running_serve(project, "ana", tmp_path, "--max-sessions", "2") as serving:
        refused, running, waited = asyncio.run(sessions(serving))
        wait_for_children(serving.process.pid, 0, timeout=20)
    waiting, gave_up = refused
    assert b"2 sessions are open" in waiting and b"--max-sessions" in waiting
    assert b"none came free" in gave_up
    assert running == 2
    assert all(b"sessions are open" in note for note in waited)
    assert "refused a session: 2 are open" in " ".join(serving.output.split())


#: A "TUI" that announces itself as textual-serve expects and then ignores everything,
#: even SIGTERM: what a session stuck in a long call looks like to the server.
STUCK = (
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN);"
    " print('__GANGLION__', flush=True); time.sleep(600)"
)
STUCK_SERVER = f"""
import shlex, sys
from coder.cli.serve_web import CoderServer, Gate
port = int(sys.argv[sys.argv.index("--port") + 1])
command = "exec " + shlex.join([sys.executable, "-c", {STUCK!r}])
gate = Gate({TOKEN!r}, "127.0.0.1")
CoderServer(command, gate, max_sessions=1, host="127.0.0.1", port=port).serve()
"""


@pytest.mark.slow
def test_a_session_that_will_not_quit_is_killed_when_its_socket_closes(
    project: Store, tmp_path: Path
) -> None:
    async def session(serving: Serving) -> None:
        async with (
            browser(serving) as http,
            http.ws_connect(serving.ws, origin=serving.origin),
        ):
            await asyncio.to_thread(wait_for_children, serving.process.pid, 1)

    with running_serve(project, "ana", tmp_path, command=STUCK_SERVER) as serving:
        asyncio.run(session(serving))
        closed = time.monotonic()
        wait_for_children(serving.process.pid, 0, timeout=QUIT_GRACE + 10)
        waited = time.monotonic() - closed
    assert QUIT_GRACE - 1 < waited < QUIT_GRACE + 5  # time to quit, then killed
    assert "did not quit; killing it" in " ".join(serving.output.split())


async def export_under_serve(project: Store, typed: str) -> tuple[bool, list[str]]:
    """Type ``typed`` as the file in the export dialog of a served TUI and press Ctrl+S:
    whether the dialog is still open and the error notices shown."""
    app = make_app(project, coder="alice", served=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        options = dialog.query_one(OptionList)
        names = [options.get_option_at_index(i).id for i in range(options.option_count)]
        options.highlighted = names.index("codebook-md")
        await pilot.pause()
        dialog.query_one("#export-path", Input).value = typed
        await pilot.press("ctrl+s")
        await settle(pilot)
        errors = [n.message for n in app._notifications if n.severity == "error"]
        return isinstance(app.screen, ExportDialog), errors


async def test_an_export_from_the_served_tui_cannot_leave_the_export_folder(
    project: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    folder = export_folder(project, "test")
    folder.mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    (folder / "out").symlink_to(elsewhere)
    for typed in (
        str(elsewhere / "codebook.md"),  # absolute, elsewhere
        "../codebook.md",  # up and out
        "sub/../../codebook.md",
        "~/codebook.md",
        "out/codebook.md",  # a link in the folder that points out of it
        str(folder),  # the folder itself
    ):
        still_open, errors = await export_under_serve(project, typed)
        assert still_open, typed
        assert errors == [f"{typed}: exports from the browser go only into {folder}"]
    assert not elsewhere.exists()
    assert not (folder.parent / "codebook.md").exists()
    assert not (tmp_path / "home" / "codebook.md").exists()
    assert [p.name for p in folder.iterdir()] == ["out"]

    # Inside the folder, by a bare name or in full, it writes.
    for typed in ("codebook.md", str(folder / "sub" / "again.md")):
        still_open, errors = await export_under_serve(project, typed)
        assert (still_open, errors) == (False, [])
    assert "### 2.1 Funding" in (folder / "codebook.md").read_text(encoding="utf-8")
    assert (folder / "sub" / "again.md").is_file()


def socket_request(host: str, origin: str | None, token: str | None = TOKEN) -> web.Request:
    """A WebSocket handshake as a browser sends it, carrying the cookie if ``token``."""
    headers = {"Host": host, "Upgrade": "websocket", "Connection": "Upgrade"}
    if origin is not None:
        headers["Origin"] = origin
    if token is not None:
        headers["Cookie"] = f"coder-serve={token}"
    return make_mocked_request("GET", "/ws", headers=headers)


@pytest.mark.parametrize(
    ("gate", "host", "origin", "allowed"),
    [
        # On the network (--host 0.0.0.0): the origin is whatever name the browser used.
        (Gate(TOKEN, "0.0.0.0"), "server.lan:8000", "http://server.lan:8000", True),
        (Gate(TOKEN, "0.0.0.0"), "10.0.0.5:8000", "http://10.0.0.5:8000", True),
        (Gate(TOKEN, "0.0.0.0"), "server.lan:8000", "http://evil.example", False),
        (Gate(TOKEN, "0.0.0.0"), "server.lan:8000", "http://server.lan:8001", False),
        # Through an SSH tunnel on another local port.
        (Gate(TOKEN, "127.0.0.1"), "localhost:9000", "http://localhost:9000", True),
        (Gate(TOKEN, "::1"), "[::1]:8000", "http://[::1]:8000", True),
        # Behind a reverse proxy with TLS: only the public origin, whatever Host it forwards.
        (Gate(TOKEN, "127.0.0.1", "https://coder.example.org"), "127.0.0.1:8000",
         "https://coder.example.org", True),
        (Gate(TOKEN, "127.0.0.1", "https://coder.example.org"), "coder.example.org",
         "https://coder.example.org:443", True),
        (Gate(TOKEN, "127.0.0.1", "https://coder.example.org"), "coder.example.org",
         "http://coder.example.org", False),
        (Gate(TOKEN, "127.0.0.1", "https://coder.example.org"), "other.example",
         "https://other.example", False),
    ],
)  # fmt: skip
def test_the_origin_a_browser_may_connect_from(
    gate: Gate, host: str, origin: str, allowed: bool
) -> None:
    assert (gate.refusal(socket_request(host, origin), websocket=True) is None) is allowed
    # Never without the token, whatever the origin.
    assert gate.refusal(socket_request(host, origin, token=None), websocket=True) is not None
    assert gate.refusal(socket_request(host, origin, token=TOKEN + "x"), websocket=True)
