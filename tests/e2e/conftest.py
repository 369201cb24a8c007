"""A real browser (Debian's Chromium through Playwright) and a real HTTP server.

The browser starts once per session; each test gets a fresh context and page, so
cookies never leak from one test to the next.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from wsgiref.types import WSGIApplication

import pytest
from flask import Flask
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 860}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def serve_wsgi() -> Iterator[Callable[[WSGIApplication], str]]:
    """Serve a WSGI app on a free loopback port in a thread; returns its base URL."""
    with ExitStack() as stack:

        def serve(app: WSGIApplication) -> str:
            server = make_server("127.0.0.1", 0, app, threaded=True)
            thread = threading.Thread(target=server.serve_forever, daemon=True)
            thread.start()
            stack.callback(server.server_close)
            stack.callback(thread.join, 10)
            stack.callback(server.shutdown)
            return f"http://127.0.0.1:{server.server_port}"

        yield serve


@pytest.fixture
def base_url(app: Flask, serve_wsgi: Callable[[WSGIApplication], str]) -> str:
    """The URL of the test module's ``app`` fixture served on loopback."""
    return serve_wsgi(app)


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    """Script errors and CSP violations show up as console errors."""
    errors: list[str] = []

    def keep(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", keep)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors
