"""The web server behind ``coder serve``: textual-serve with a token, an Origin check and a limit.

textual-serve (1.1) runs one TUI process per browser WebSocket and checks nothing. This
subclass of its :class:`~textual_serve.server.Server` overrides the request handlers (the
routes are bound to them) and changes nothing else:

- every page, WebSocket and download needs the token: ``?token=`` on the first visit, then a
  cookie the page sets (HttpOnly, SameSite=Strict), or an ``Authorization: token ...`` header;
- a WebSocket must come from the page's own origin (a browser always sends ``Origin``; another
  site's page cannot fake it), and on a loopback listener the ``Host`` must be a loopback name,
  which defeats DNS rebinding; both are refused with 403 before any process starts;
- at most ``max_sessions`` TUI processes run; one more socket is told so in its terminal and
  waits for a slot (a reloaded tab frees its own), and is refused if none comes free;
- a session's process is asked to quit when its socket closes and killed if it has not gone
  within :data:`QUIT_GRACE` seconds; the slot is free once the process is.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
from dataclasses import dataclass
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int
from yarl import URL

log = logging.getLogger("coder.serve")

#: Seconds a session's process has to quit after its socket closed before it is killed
#: (a TUI quits in 1-2 s; several at once on a busy machine take longer).
QUIT_GRACE = 10.0
#: Seconds a socket beyond the limit waits for a slot before it is refused: longer than a
#: session takes to end, so that reloading a tab at the limit gets its session back.
SLOT_WAIT = QUIT_GRACE + 2
#: Names that reach only this machine.
LOOPBACK_NAMES = frozenset({"localhost", "localhost.", "ip6-localhost"})


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address, IPv6 with or without brackets) is this machine."""
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def origin_of(url: str) -> tuple[str, str, int | None] | None:
    """``(scheme, host, port)`` of a URL or Origin header, default ports filled in."""
    try:
        parsed = URL(url)
    except ValueError:
        return None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        return None
    return parsed.scheme, parsed.host.lower().rstrip("."), parsed.port


def token_matches(token: str, offered: str | None) -> bool:
    """A constant-time comparison of the token with what a request offered."""
    return offered is not None and hmac.compare_digest(token.encode(), offered.encode())


@dataclass(frozen=True)
class Gate:
    """Who may use the server: the token, and the origins and hosts a browser may use."""

    token: str
    #: The address the server listens on (``--host``).
    listen_host: str
    #: The address browsers use, when it is not the listening one (a reverse proxy).
    public_url: str | None = None
    #: The cookie that carries the token after the first visit (one per port: cookies are
    #: shared by every port of a host).
    cookie: str = "coder-serve"

    def offered_token(self, request: web.Request) -> str | None:
        """The token a request carries: query, header or cookie."""
        if "token" in request.query:
            return request.query["token"]
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() in ("token", "bearer") and value:
            return value.strip()
        return request.cookies.get(self.cookie)

    def host_allowed(self, request: web.Request) -> bool:
        """A loopback listener answers only to loopback names (and the public URL's host), so
        a page whose name was rebound to 127.0.0.1 gets nothing."""
        if not is_loopback(self.listen_host):
            return True
        host = URL(f"http://{request.host}").host or ""
        public = origin_of(self.public_url) if self.public_url else None
        return is_loopback(host) or (public is not None and host.lower() == public[1])

    def page_base(self, request: web.Request) -> str:
        """``scheme://host:port`` as the browser sees this server."""
        if self.public_url:
            return str(URL(self.public_url).origin())
        return f"{request.scheme}://{request.host}"

    def refusal(self, request: web.Request, *, websocket: bool) -> str | None:
        """Why the request is refused (a line for the 403 page), or None to let it in."""
        if not self.host_allowed(request):
            return f"this server does not answer to the name {request.host!r}"
        if websocket:
            origin = request.headers.get("Origin")
            if origin is None or origin_of(origin) != origin_of(self.page_base(request)):
                return f"a WebSocket from origin {origin!r} is not allowed"
        if not token_matches(self.token, self.offered_token(request)):
            return "open the address with the token that 'coder serve' printed (…/?token=…)"
        return None


class SessionSlots:
    """A count of running TUI sessions, at most ``limit``; a taker may wait for a slot."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0
        self._freed = asyncio.Condition()

    def take_now(self) -> bool:
        """Take a slot if one is free."""
        if self.used >= self.limit:
            return False
        self.used += 1
        return True

    async def take(self, wait: float) -> bool:
        """Take a slot, waiting up to ``wait`` seconds for one; False if none came free."""
        async with self._freed:
            try:
                await asyncio.wait_for(
                    self._freed.wait_for(lambda: self.used < self.limit), timeout=wait
                )
            except TimeoutError:
                return False
            self.used += 1
            return True

    async def give_back(self) -> None:
        async with self._freed:
            self.used -= 1
            self._freed.notify()


class Session(AppService):
    """One browser tab's TUI process."""

    async def end(self) -> None:
        """Ask the process to quit; kill it if it has not gone after :data:`QUIT_GRACE`."""

        async def quit_and_wait() -> None:
            await self.stop()
            if self._process is not None:
                await self._process.wait()

        ending = asyncio.ensure_future(quit_and_wait())
        done, _ = await asyncio.wait({ending}, timeout=QUIT_GRACE)
        if not done:
            process = self._process
            if process is not None and process.returncode is None:
                log.warning("a session's process did not quit; killing it")
                process.kill()
            await ending


class RedactToken(logging.Filter):
    """Keeps the token out of aiohttp's access log (the first visit has it in the query)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.token in message:
            record.msg, record.args = message.replace(self.token, "<token>"), ()
        return True


class CoderServer(Server):
    """textual-serve's server behind a :class:`Gate`, with at most ``max_sessions`` sessions."""

    def __init__(self, command: str, gate: Gate, *, max_sessions: int, **kwargs: Any) -> None:
        super().__init__(command, **kwargs)
        self.gate = gate
        self.slots = SessionSlots(max_sessions)
        self.sockets: set[web.WebSocketResponse] = set()

    def initialize_logging(self) -> None:
        super().initialize_logging()
        logging.getLogger("aiohttp.access").addFilter(RedactToken(self.gate.token))

    async def on_startup(self, app: web.Application) -> None:
        """Quiet: ``coder serve`` prints the one line with the address."""

    async def on_shutdown(self, app: web.Application) -> None:
        """Close every socket, which ends every session and its process."""
        for websocket in list(self.sockets):
            await websocket.close(message=b"coder serve stopped")

    def _check(self, request: web.Request, *, websocket: bool) -> None:
        reason = self.gate.refusal(request, websocket=websocket)
        if reason is not None:
            log.warning("refused %s %s: %s", request.method, request.path, reason)
            raise web.HTTPForbidden(text=f"coder serve: {reason}\n")

    async def handle_index(self, request: web.Request) -> web.Response:
        """textual-serve's page, its addresses taken from how the browser reached it (so it
        works through an SSH tunnel on another port or on ``--host 0.0.0.0``)."""
        self._check(request, websocket=False)
        base = self.gate.page_base(request)
        socket_base = "ws" + base.removeprefix("http")  # http: -> ws:, https: -> wss:
        context = {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": f"{socket_base}{request.app.router['websocket'].url_for()}",
            "config": {"static": {"url": f"{base}/static/"}},
            "application": {"name": self.title},
        }
        response = aiohttp_jinja2.render_template("app_index.html", request, context)
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        response.set_cookie(
            self.gate.cookie, self.gate.token, httponly=True, samesite="Strict", path="/"
        )
        return response

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        self._check(request, websocket=False)
        return await super().handle_download(request)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One TUI session per socket, once the gate and the limit let it in."""
        self._check(request, websocket=True)
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        self.sockets.add(websocket)
        try:
            if await self._wait_for_slot(websocket):
                try:
                    await self._run_session(request, websocket)
                finally:
                    await self.slots.give_back()
            else:
                await self._refuse(websocket)
        finally:
            self.sockets.discard(websocket)
        return websocket

    async def _wait_for_slot(self, websocket: web.WebSocketResponse) -> bool:
        """A slot, at once or within :data:`SLOT_WAIT` (a reloaded tab's old session is
        still quitting), saying so in the tab's terminal while it waits."""
        if self.slots.take_now():
            return True
        await self._say(
            websocket,
            f"{self.slots.limit} sessions are open, the most this server allows"
            f" (--max-sessions); waiting {SLOT_WAIT:.0f} s for one to close...",
        )
        if not await self.slots.take(SLOT_WAIT):
            return False
        if websocket.closed:  # the server is stopping
            await self.slots.give_back()
            return False
        return True

    async def _run_session(self, request: web.Request, websocket: web.WebSocketResponse) -> None:
        async def close() -> None:  # the TUI quit (q)
            await websocket.close()

        session = Session(
            self.command,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=close,
            download_manager=self.download_manager,
            debug=self.debug,
        )
        try:
            await session.start(
                to_int(request.query.get("width", "80"), 80),
                to_int(request.query.get("height", "24"), 24),
            )
            await self._process_messages(websocket, session)
        except Exception:
            log.exception("a session failed")
        finally:
            await session.end()
            await websocket.close()

    async def _refuse(self, websocket: web.WebSocketResponse) -> None:
        """Say in the tab's terminal that no session came free; start nothing. The message
        stays until the tab is closed or reloaded (a closed socket would hide it)."""
        if websocket.closed:
            return
        log.warning("refused a session: %d are open (--max-sessions)", self.slots.used)
        await self._say(websocket, "none came free: close another tab, then reload this one.")
        async for _ in websocket:
            pass

    async def _say(self, websocket: web.WebSocketResponse, line: str) -> None:
        await websocket.send_bytes(f"\r\n  coder serve: {line}\r\n".encode())
