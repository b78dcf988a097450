"""The course as a learner meets it: JupyterLab in a real (headless) Chromium, notebooks run from the menu.

Starts ``jupyter lab`` on 127.0.0.1 with a token over a copy of the notebooks, opens them with Playwright
driving Debian's Chromium (no browser download), runs every cell, and checks that widgets render and
respond. Screenshots land in the test's temporary folder. CI installs Chromium (``.ci/run``); elsewhere the
test is skipped when no Chromium is installed.
"""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from seqlib import course

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]  # fmt: skip

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not os.environ.get("CI"),
    reason="needs Debian's chromium (apt-get install chromium); CI installs it and never skips this",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server over a copy of the notebooks, with its own settings and workspaces."""
    root = tmp_path_factory.mktemp("lab")
    work = root / "notebooks"
    shutil.copytree(course.NOTEBOOKS, work, ignore=shutil.ignore_patterns(".src", ".ipynb_checkpoints"))
    port, token = _free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(root / "config"),
        "JUPYTERLAB_SETTINGS_DIR": str(root / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(root / "workspaces"),
        "SEQLIB_PROGRESS": str(root / "progress.json"),
    }
    log = open(root / "lab.log", "w")  # noqa: SIM115  (the server writes to it until the fixture ends)
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail("jupyter lab did not start:\n" + (root / "lab.log").read_text()[-3000:])
    yield {"base": base, "token": token, "root": root}
    shut_down_kernels({"base": base, "token": token})
    server.terminate()
    server.wait(timeout=30)
    log.close()


def shut_down_kernels(lab):
    """Stop every kernel the browser started, so that one notebook's kernel never slows the next test."""
    import json

    sessions = json.load(urllib.request.urlopen(f"{lab['base']}/api/sessions?token={lab['token']}", timeout=10))
    for session in sessions:
        request = urllib.request.Request(
            f"{lab['base']}/api/sessions/{session['id']}?token={lab['token']}", method="DELETE"
        )
        urllib.request.urlopen(request, timeout=30)


@pytest.fixture
def notebook_page(browser, lab, tmp_path):
    """A fresh browser context per test; on the way out a screenshot (kept on failure too) and no kernels left."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pages = []

    def open_page(name):
        pages.append(open_notebook(context, lab, name))
        return pages[-1]

    yield open_page
    for k, (page, _) in enumerate(pages):
        page.screenshot(path=str(tmp_path / f"page{k}.png"), full_page=True)
    context.close()
    shut_down_kernels(lab)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


def open_notebook(context, lab, name):
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    # ?reset: start from an empty workspace, not from the tabs an earlier test left open
    page.goto(f"{lab['base']}/lab/tree/{name}?reset&token={lab['token']}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=120_000)
    # A fresh JupyterLab may ask which kernel to start; the notebook's own (Python 3) is preselected.
    deadline = time.time() + 90
    while "| Idle" not in page.inner_text("#jp-main-statusbar"):
        dialog = page.locator(".jp-Dialog")
        if dialog.count() and "Select Kernel" in dialog.inner_text():
            dialog.get_by_role("button", name="Select").click()
        if time.time() > deadline:
            pytest.fail(f"the kernel did not start; status bar: {page.inner_text('.jp-StatusBar')}")
        page.wait_for_timeout(500)
    return page, errors


def menu(page, top, item):
    page.get_by_role("menuitem", name=top, exact=True).click()
    page.get_by_role("menuitem", name=item, exact=True).click()


def run_all(page, timeout_s=240):
    """Clear the stored outputs, run every cell, and wait until every code cell has an execution number."""
    menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function("() => document.querySelectorAll('.jp-OutputArea-output').length === 0", timeout=30_000)
    menu(page, "Run", "Run All Cells")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]"
        ".every(p => /\\[\\d+\\]/.test(p.textContent))",
        timeout=timeout_s * 1000,
    )


def assert_no_widget_errors(page):
    text = page.inner_text(".jp-NotebookPanel")
    assert "Error displaying widget" not in text
    assert page.locator(".jp-Dialog").count() == 0, page.inner_text(".jp-Dialog")
    assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0 or (
        "Traceback" not in page.inner_text(".jp-NotebookPanel")
    )


def move_slider_and_wait_for_a_new_picture(page, slider_index=0):
    """Press the right arrow on a slider's handle; return the image's source before and after."""
    images = page.locator(".jupyter-widgets img")
    before = images.first.get_attribute("src")
    handle = page.locator(".jupyter-widgets .noUi-handle").nth(slider_index)
    handle.focus()
    handle.press("ArrowRight")
    page.wait_for_function(
        "before => document.querySelector('.jupyter-widgets img').getAttribute('src') !== before", arg=before,
        timeout=30_000,
    )  # fmt: skip
    return before, images.first.get_attribute("src")


def test_start_here_runs_its_widget_and_links_the_course(notebook_page):
    page, errors = notebook_page("00_start_here.ipynb")
    run_all(page)
    page.wait_for_selector(".jupyter-widgets .noUi-handle", timeout=120_000)
    assert_no_widget_errors(page)
    readout = page.locator(".widget-readout").first.inner_text()
    page.locator(".jupyter-widgets .noUi-handle").first.focus()
    page.locator(".jupyter-widgets .noUi-handle").first.press("ArrowRight")
    page.wait_for_function(
        "before => document.querySelector('.widget-readout').textContent !== before", arg=readout, timeout=30_000
    )
    for twin in course.sources():  # JupyterLab rewrites relative links to /files/NAME and opens them itself
        assert page.locator(f".jp-RenderedMarkdown a[href*='/files/{twin.stem}.ipynb']").count() >= 1, twin.stem
    later = course.sources()[1:]
    if later:
        page.locator(f".jp-RenderedMarkdown a[href*='/files/{later[0].stem}.ipynb']").last.click()
        page.wait_for_selector(f".lm-TabBar-tab:has-text('{later[0].stem}.ipynb')", timeout=30_000)
    assert not [e for e in errors if "widget" in e.lower()], errors


def test_gates_notebook_renders_its_widgets(notebook_page):
    page, errors = notebook_page("01_gates.ipynb")
    run_all(page)
    page.wait_for_selector(".jupyter-widgets img", timeout=120_000)
    assert_no_widget_errors(page)
    assert page.locator(".jupyter-widgets .noUi-handle").count() >= 8  # interact's four and the playground's four
    assert not [e for e in errors if "widget" in e.lower()], errors


@pytest.mark.skipif(not (course.NOTEBOOKS / "08_inspecting_hidden_states.ipynb").exists(), reason="notebook 08")
def test_the_inspector_renders_and_follows_its_slider(notebook_page):
    page, errors = notebook_page("08_inspecting_hidden_states.ipynb")
    run_all(page, timeout_s=400)
    page.wait_for_selector(".jupyter-widgets img", timeout=120_000)
    assert_no_widget_errors(page)
    before, after = move_slider_and_wait_for_a_new_picture(page)
    assert before != after
    assert not [e for e in errors if "widget" in e.lower()], errors
