"""A real browser: headless Chromium (Debian's chromium + chromium-driver, driven by Selenium)
logs in on the officer page, uploads a sample document and sees the report.

The service runs under uvicorn on 127.0.0.1 (a free port) in a thread, with the fake reader and
screener so the test measures the page, not OCR.
"""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from service.auth import Role
from tests.service.conftest import PASSWORD, env_with
from tests.service.fakes import jpeg_bytes

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[str]:
    with env_with(tmp_path) as env:
        port = _free_port()
        config = uvicorn.Config(
            env.app, host="127.0.0.1", port=port, log_config=None, access_log=False
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        for _ in range(200):
            if server.started:
                break
            time.sleep(0.05)
        assert server.started
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            thread.join(10)


def _sample_image(tmp_path: Path) -> Path:
    samples = sorted((REPO / "sample_docs").glob("*.jpg"))
    if samples:
        return samples[0]
    path = tmp_path / "sample.jpg"
    path.write_bytes(jpeg_bytes(640, 420))
    return path


def test_officer_logs_in_uploads_and_sees_the_report(live_server: str, tmp_path: Path) -> None:
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.fail("chromium and chromium-driver are required (scripts/setup.sh installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service as DriverService
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    profile = tempfile.mkdtemp(prefix="ds-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        "--window-size=390,844",  # a phone screen
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=DriverService(executable_path=CHROMEDRIVER), options=options)
    try:
        wait = WebDriverWait(driver, 30)
        driver.get(live_server + "/")
        wait.until(ec.presence_of_element_located((By.ID, "login-form")))  # redirected to login
        driver.find_element(By.ID, "username").send_keys(Role.OFFICER.value + "1")
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.ID, "login-button").click()
        wait.until(ec.presence_of_element_located((By.ID, "screen-form")))
        assert driver.find_element(By.ID, "camera").get_attribute("capture") == "environment"
        upload = driver.find_element(By.ID, "files")
        upload.send_keys(str(_sample_image(tmp_path)))
        driver.find_element(By.ID, "destination").send_keys("MYS")
        driver.find_element(By.ID, "screen-button").click()
        risk = wait.until(ec.presence_of_element_located((By.ID, "risk")))
        assert risk.get_attribute("data-risk") == "REVIEW"
        assert "PERLU DITINJAU" in risk.text
        # the risk banner is the first thing on the page and fits a phone screen
        vw = driver.execute_script("return window.innerWidth")
        sw = driver.execute_script("return document.documentElement.scrollWidth")
        assert risk.location["y"] < 150 and risk.size["width"] <= vw, (vw, sw, risk.size)
        assert sw <= vw, (sw, vw)  # no sideways scrolling on a phone
        assert "Area gambar tampak diubah." in driver.find_element(By.ID, "findings").text
        images = driver.find_elements(By.CSS_SELECTOR, ".images img")
        assert len(images) == 1 and images[0].get_attribute("src").startswith("data:image/png")
        assert driver.execute_script("return arguments[0].naturalWidth", images[0]) > 0
        driver.find_element(By.LINK_TEXT, "English").click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "risk"), "REVIEW — take a second look"))
        cookies = {c["name"]: c for c in driver.get_cookies()}
        assert cookies["ds_session"]["httpOnly"] is True
        assert driver.execute_script("return document.cookie").find("ds_session") == -1
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
