"""Debian's headless Chromium driven over the DevTools protocol through a pipe
(`--remote-debugging-pipe`: JSON messages ending in a NUL byte on file descriptors 3 and 4), so
no websocket client and no browser download is needed. Just enough for the page tests: open a
tab, evaluate JavaScript, click, take a screenshot."""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import os
import shutil
import subprocess
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--remote-debugging-pipe",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",
    "--window-size=1280,800",
]


class BrowserError(RuntimeError):
    pass


class Browser:
    """One Chromium process; `tab()` opens a page session on it."""

    def __init__(self, process: subprocess.Popen[bytes], to_browser: int, from_browser: int):
        self.process = process
        self._out = to_browser
        self._in = from_browser
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._loop = asyncio.get_running_loop()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = os.read(self._in, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                break
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                self._loop.call_soon_threadsafe(self._deliver, json.loads(raw))
        self._loop.call_soon_threadsafe(self._closed)

    def _deliver(self, message: dict[str, Any]) -> None:
        waiter = self._waiting.pop(message.get("id", -1), None)
        if waiter is not None and not waiter.done():
            waiter.set_result(message)

    def _closed(self) -> None:
        for waiter in self._waiting.values():
            if not waiter.done():
                waiter.set_exception(BrowserError("the browser went away"))
        self._waiting.clear()

    async def send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        number = next(self._ids)
        message: dict[str, Any] = {"id": number, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        waiter: asyncio.Future[dict[str, Any]] = self._loop.create_future()
        self._waiting[number] = waiter
        os.write(self._out, json.dumps(message).encode() + b"\0")
        answer = await asyncio.wait_for(waiter, timeout=60)
        if "error" in answer:
            raise BrowserError(f"{method}: {answer['error']}")
        result: dict[str, Any] = answer.get("result", {})
        return result

    async def tab(self, width: int = 1280, height: int = 800) -> Tab:
        target = await self.send("Target.createTarget", {"url": "about:blank"})
        attached = await self.send(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}
        )
        tab = Tab(self, attached["sessionId"])
        await tab.send("Page.enable")
        await tab.send("Runtime.enable")
        await tab.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        return tab


class Tab:
    def __init__(self, browser: Browser, session: str) -> None:
        self.browser = browser
        self.session = session

    async def send(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return await self.browser.send(method, params, self.session)

    async def navigate(self, url: str) -> None:
        await self.send("Page.navigate", {"url": url})

    async def evaluate(self, expression: str) -> Any:
        """The expression's value (awaited if it is a promise), as JSON brings it back."""
        answer = await self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in answer:
            raise BrowserError(f"{expression}: {answer['exceptionDetails']}")
        return answer["result"].get("value")

    async def wait_for(self, expression: str, timeout: float = 30.0) -> Any:
        """Evaluate until the value is truthy; fail after `timeout` seconds."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            value = await self.evaluate(expression)
            if value:
                return value
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"never true within {timeout}s: {expression}")
            await asyncio.sleep(0.1)

    async def click(self, x: float, y: float) -> None:
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            await self.send(
                "Input.dispatchMouseEvent",
                {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1},
            )

    async def screenshot(self, clip: dict[str, float]) -> bytes:
        shot = await self.send(
            "Page.captureScreenshot", {"format": "png", "clip": {**clip, "scale": 1}}
        )
        return base64.b64decode(shot["data"])


def _launch(profile: Path, executable: str) -> tuple[subprocess.Popen[bytes], int, int]:
    """The browser, and the pipe ends to write commands to and read answers from."""
    to_browser_read, to_browser = os.pipe()
    from_browser, from_browser_write = os.pipe()
    # The browser reads commands on descriptor 3 and writes answers on 4: bash puts the pipes'
    # ends there (dash takes single-digit descriptors only) and execs it.
    redirect = f'exec "$@" 3<&{to_browser_read} 4>&{from_browser_write}'
    with (profile.parent / f"{profile.name}.log").open("ab") as log:
        process = subprocess.Popen(
            ["/bin/bash", "-c", redirect, "bash", executable, *FLAGS, f"--user-data-dir={profile}"],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=(to_browser_read, from_browser_write),
        )
    os.close(to_browser_read)
    os.close(from_browser_write)
    return process, to_browser, from_browser


@asynccontextmanager
async def chromium(profile: Path) -> AsyncIterator[Browser]:
    """A headless Chromium with a throw-away profile, stopped on the way out."""
    if CHROMIUM is None:
        raise BrowserError("chromium is not installed")
    process, to_browser, from_browser = _launch(profile, CHROMIUM)
    browser = Browser(process, to_browser, from_browser)
    try:
        yield browser
    finally:
        with suppress(Exception):
            await asyncio.wait_for(browser.send("Browser.close"), timeout=5)
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        os.close(to_browser)
        os.close(from_browser)
