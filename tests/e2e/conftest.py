"""Real-browser tests: `partner-portal dev` in a subprocess, Debian's Chromium through Playwright.

Every page the browser visits is checked with axe-core (WCAG 2.1 A and AA): zero violations.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, sync_playwright

from partner_portal.platform import clock

CHROMIUM = "/usr/bin/chromium"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# axe-core, asked only for what is read (violations, and what it could not decide), not every
# passing node of the page. The walks, which check nearly every page they open, have each page
# load it as it opens (an init script, as a browser extension would: the portal's CSP does not
# apply) rather than send the 570 KB script over the driver again for each check.
AXE_SOURCE = Axe().axe_script
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_21_AA},
    "resultTypes": ["violations", "incomplete"],
}
_AXE_RUN = """async (options) => {
    if (typeof axe === "undefined") return null;
    return await axe.run(document, options);
}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


_LAUNCHED: dict[str, tuple[datetime, float]] = {}
DATA_DIRS: dict[str, Path] = {}  # each running dev portal's data directory (its SQLite file)


@pytest.fixture(scope="module")
def dev_portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`partner-portal dev` exactly as the README starts it, on free ports, its clock started
    (PORTAL_NOW) where every test's clock starts."""
    port, oidc_port, smtp_port = free_port(), free_port(), free_port()
    start = datetime.fromisoformat(os.environ["PORTAL_TEST_CLOCK_START"])
    data = tmp_path_factory.mktemp("dev-data")
    log = (data / "dev.log").open("w")
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "partner-portal"),
            "dev",
            "--port",
            str(port),
            "--oidc-port",
            str(oidc_port),
            "--smtp-port",
            str(smtp_port),
        ],
        env={
            "PATH": os.environ["PATH"],
            # A checkout run without installing it (PYTHONPATH) runs its own code here too.
            **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"},
            "PORTAL_DATA_DIR": str(data),
            "PORTAL_NOW": start.isoformat(),
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    _LAUNCHED[base] = (start, time.monotonic())
    DATA_DIRS[base] = data
    try:
        for _ in range(300):
            if process.poll() is not None:
                raise AssertionError((data / "dev.log").read_text())
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
    # Whatever the pages showed, the server must not have failed behind them.
    written = (data / "dev.log").read_text()
    assert "Traceback" not in written, written[written.index("Traceback") - 2000 :][:6000]
    # A page that only reads must not write (on SQLite that fails under load): see db.py.
    assert "WriteAfterRead" not in written, written[written.index("WriteAfterRead") - 2000 :]


@pytest.fixture(autouse=True)
def clock_as_the_portal_has_it(portal_clock: datetime, request: pytest.FixtureRequest) -> None:
    """A browser test's own clock (for the dates it types) agrees with the running portal's."""
    if "dev_portal" not in request.fixturenames:
        return
    start, launched = _LAUNCHED[request.getfixturevalue("dev_portal")]
    clock.start_at(start + timedelta(seconds=time.monotonic() - launched))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


class CheckedPage:
    """A page that records console errors (CSP violations among them) and runs axe on demand."""

    def __init__(self, page: Page, portal: str, *, preload_axe: bool = False) -> None:
        self.page = page
        self.portal = portal
        self.console_errors: list[str] = []
        self.checked: list[str] = []
        # What axe could not decide about colour contrast on the page it last checked (text
        # over a pseudo-element, an image, another element): its selectors, for a person to
        # check (see world.undecided_contrast).
        self.undecided_contrast: list[str] = []
        page.on("console", self._on_console)
        page.on("response", self._on_response)
        if preload_axe:  # a walk checks nearly every page it opens; a journey few of them
            page.add_init_script(script=AXE_SOURCE)

    def _on_console(self, message: ConsoleMessage) -> None:
        # Only the portal's own pages count (the development provider is not ours). A page that
        # is itself a 404 logs "Failed to load resource"; failed subresources are caught below.
        if (
            message.type == "error"
            and self.page.url.startswith(self.portal)
            and not message.text.startswith("Failed to load resource")
        ):
            self.console_errors.append(f"{self.page.url}: {message.text}")

    def _on_response(self, response: Response) -> None:
        request = response.request
        if (
            request.resource_type != "document"
            and response.url.startswith(self.portal)
            and response.status >= 400
        ):
            self.console_errors.append(f"{response.url}: {response.status}")

    def assert_accessible(self) -> None:
        results = self.page.evaluate(_AXE_RUN, AXE_OPTIONS)
        if results is None:  # not preloaded (or a page made by hand): sent now
            self.page.evaluate(AXE_SOURCE)
            results = self.page.evaluate(_AXE_RUN, AXE_OPTIONS)
        violations = results["violations"]
        self.undecided_contrast = [
            node["target"][0]
            for rule in results["incomplete"]
            if rule["id"] == "color-contrast"
            for node in rule["nodes"]
        ]
        assert violations == [], json.dumps(
            [
                {"id": v["id"], "help": v["help"], "nodes": [n["html"] for n in v["nodes"]]}
                for v in violations
            ],
            indent=2,
            ensure_ascii=False,
        )
        self.checked.append(self.page.url)


@pytest.fixture
def page(browser: Browser, dev_portal: str) -> Iterator[CheckedPage]:
    context = browser.new_context(locale="sv-SE")
    checked = CheckedPage(context.new_page(), dev_portal)
    yield checked
    context.close()
    assert checked.console_errors == []
