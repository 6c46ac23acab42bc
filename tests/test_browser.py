"""The committed notebooks as a student first sees them: JupyterLab in headless Chromium.

A fresh JupyterLab (its own config, data and runtime folders, so no notebook is trusted) opens
copies of the notebooks. The tests check that the audio players of every notebook that has them
have a playable source and a duration although the notebook is untrusted, and that opening any
notebook does not mark it modified. They also export notebook 03 with nbconvert and play a player
of the exported page.

Needs Chromium and its driver (Debian: ``apt-get install chromium chromium-driver``); skipped,
with that reason, when they are not installed. ``.ci/run`` installs them.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted([*(ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"),
                    *(ROOT / "notebooks" / "solutions").glob("[0-9][0-9]_*.ipynb")])  # fmt: skip
WITH_PLAYERS = [p for p in NOTEBOOKS if "<audio" in p.read_text()]
NOTEBOOK = ROOT / "notebooks" / "03_rnn_speech_denoising.ipynb"  # exported to HTML
BROWSER = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")
                if shutil.which(n)), None)  # fmt: skip
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    BROWSER is None or DRIVER is None,
    reason="browser test needs Chromium and chromedriver "
    "(Debian: apt-get install chromium chromium-driver)",
)
# resolves with the first player's duration in seconds, -1 on a media error
DURATION_JS = """
const done = arguments[arguments.length - 1];
const player = document.querySelector('audio');
if (!player) { done(null); return; }
const players = document.querySelectorAll('audio').length;
const report = () => done({src: (player.getAttribute('src') || '').slice(0, 30),
                           duration: player.duration, players: players});
if (player.readyState >= 1) { report(); return; }
player.addEventListener('loadedmetadata', report);
player.addEventListener('error', () => done({src: player.getAttribute('src') || '', duration: -1}));
player.preload = 'auto';
player.load();
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _chromium():
    """A headless Chromium driven by Selenium through the system's chromedriver."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = BROWSER
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--window-size=1400,1000"):  # fmt: skip
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_script_timeout(60)
    return driver


@pytest.fixture(scope="module")
def browser():
    driver = _chromium()
    yield driver
    driver.quit()


def _served(path: Path) -> str:
    """Where JupyterLab serves a notebook: its path below ``notebooks/``."""
    return path.relative_to(ROOT / "notebooks").as_posix()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server with fresh config, data and runtime folders (so no notebook is
    trusted), serving copies of the notebooks."""
    home = tmp_path_factory.mktemp("lab")
    for path in NOTEBOOKS:  # the repository's layout, so that links between notebooks resolve
        copy = home / _served(path)
        copy.parent.mkdir(exist_ok=True)
        shutil.copy(path, copy)
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / ".config"),
           "JUPYTER_DATA_DIR": str(home / ".data"),
           "JUPYTER_RUNTIME_DIR": str(home / ".run")}  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={home}", "--LabApp.news_url=None",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if server.poll() is not None:
                pytest.fail(f"JupyterLab exited: {server.stderr.read()[-2000:]}")
            time.sleep(0.5)
    yield url, token, home
    server.terminate()
    server.wait(timeout=30)


def _wait(driver, condition, seconds: float = 120):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds, poll_frequency=0.5).until(condition)


def _open(driver, lab, name: str) -> None:
    """Open notebook ``name`` alone in the lab (``reset`` drops other tabs) and wait for it."""
    url, token, _ = lab
    driver.get(f"{url}/lab/tree/{name}?token={token}&reset")
    _wait(driver, lambda d: d.execute_script(
        "return document.querySelectorAll('.jp-Notebook .jp-Cell').length"))  # fmt: skip


def _dirty(driver) -> bool:
    time.sleep(3)  # JupyterLab marks a notebook dirty right after it opens, if it is going to
    return bool(driver.find_elements("css selector", ".lm-TabBar-tab.jp-mod-dirty"))


@pytest.mark.parametrize("path", WITH_PLAYERS, ids=lambda p: p.stem)
def test_players_play_in_an_untrusted_notebook(browser, lab, path):
    _open(browser, lab, _served(path))
    found = _wait(browser, lambda d: d.execute_script(
        "return document.querySelectorAll('.jp-Notebook audio').length"))  # fmt: skip
    assert found >= 2
    info = browser.execute_async_script(DURATION_JS)
    assert info["src"].startswith("data:audio/wav"), info
    assert 0.2 < info["duration"] < 60, info  # a spoken digit, seconds


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_opening_a_notebook_does_not_mark_it_modified(browser, lab, path):
    _open(browser, lab, _served(path))
    assert not _dirty(browser), f"opening {_served(path)} marked it modified"


def test_players_play_in_the_html_export(tmp_path):
    from nbconvert import HTMLExporter

    page, _ = HTMLExporter().from_filename(str(NOTEBOOK))
    (tmp_path / "03.html").write_text(page)
    own = _chromium()  # a browser of its own: leaving a JupyterLab page can be held up
    try:
        own.get((tmp_path / "03.html").as_uri())
        _wait(own, lambda d: d.execute_script("return document.querySelectorAll('audio').length"))
        info = own.execute_async_script(DURATION_JS)
    finally:
        own.quit()
    assert info["src"].startswith("data:audio/wav") and info["players"] >= 3, info
    assert 0.2 < info["duration"] < 60, info
