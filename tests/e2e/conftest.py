"""Browser tests: Debian's Chromium driven by Playwright against a real hub process.

    async def test_chat(hub, open_page):
        bob = await open_page("bob")                       # signed in, at the hub's page
        carol = await open_page("carol", phone=True)       # a 390 x 844 touch screen
        await screenshot(bob, "desktop-chat")              # var/screenshots/desktop-chat.png

Chromium comes from Debian (`apt install chromium`; .ci/run installs it); Playwright uses it
through `executable_path`, so no browser download is needed. Where it is missing the tests
skip, saying how to get it (in CI they fail instead).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import require_service
from tests.support import PASSWORD, WAIT, HubProcess, Seed, running_hub, wait_for

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

# Milliseconds, for Playwright: every `expect` waits up to this long for its condition (its
# own default of 5 s is tight while the machine is busy); a passing one returns at once.
TIMEOUT = int(WAIT * 1000)
try:
    from playwright.async_api import expect
except ImportError:  # the `browser` fixture says how to get it
    pass
else:
    expect.set_options(timeout=TIMEOUT)


def chromium_path() -> str:
    found = os.environ.get("HUB_TEST_CHROMIUM") or shutil.which("chromium")
    if found:
        return found
    if os.environ.get("HUB_TEST_REQUIRE_SERVICES") == "1":
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium (.ci/run does)")
    pytest.skip(
        "Debian's chromium is not installed: apt-get install -y chromium to run browser tests"
    )
    raise AssertionError  # unreachable


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    path = chromium_path()
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        require_service("HUB_TEST_PLAYWRIGHT", "Playwright for Python (pip install -e '.[test]')")
        raise
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=path, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def hub(seed: Seed, tmp_path: Path) -> AsyncIterator[HubProcess]:
    async with running_hub(seed.url, tmp_path) as process:
        yield process


OpenPage = Callable[..., Awaitable[Any]]


@pytest.fixture
async def open_page(browser: Any, hub: HubProcess) -> AsyncIterator[OpenPage]:
    """A new browser context signed in as `username` (cookie from the real sign-in API),
    showing the hub's page. `locale` sets the browser language; `phone=True` a phone screen."""
    contexts: list[Any] = []

    async def open_as(
        username: str | None, *, phone: bool = False, locale: str = "en-US", sign_in: bool = True
    ) -> Any:
        context = await browser.new_context(
            base_url=hub.base,
            viewport=PHONE if phone else DESKTOP,
            is_mobile=phone,
            has_touch=phone,
            locale=locale,
            timezone_id="Asia/Shanghai",
        )
        contexts.append(context)
        if username is not None and sign_in:
            response = await context.request.post(
                "/api/v1/auth/sign-in",
                data={"username": username, "password": PASSWORD},
                headers={"Origin": hub.base},
            )
            assert response.ok, await response.text()
        page = await context.new_page()
        page.on("pageerror", lambda error: print(f"[{username}] page error: {error}"))
        await page.goto("/")
        return page

    yield open_as
    for context in contexts:
        await context.close()


async def box_of(locator: Any) -> dict[str, float]:
    """The element's box, once it has one. The page redraws parts of itself as answers
    arrive (a sender it did not know, a late page of history), and an element replaced
    while being measured has no box; the new one has."""
    box: dict[str, float] = await wait_for(locator.bounding_box, what=f"a box for {locator}")
    return box


async def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under var/screenshots/ (look at them before resolving)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=False)
    return path
