"""What the browser tests share: a private JupyterLab server and Debian's Chromium.

`running_jupyterlab(tmp_path, name, code)` starts JupyterLab on 127.0.0.1 (free port, random
token, private config, runtime, data, settings and workspace directories, news and update checks
off) serving one notebook made of `code`, and stops it, kernels and all, at the end. The
`browser_executable` fixture gives the system Chromium, or skips the test with the reason when it
or the playwright package is missing (`playwright install` cannot download here).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from secrets import token_hex

import nbformat
import pytest

from nncourse.lab import course_lab_options, lab_environment

CHROMIUM = Path(os.environ.get("NNCOURSE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_SECONDS = 60
STEP_TIMEOUT_MS = 30_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_notebook(path: Path, code) -> None:
    """A notebook of one code cell, or of one cell per string when `code` is a list."""
    cells = [code] if isinstance(code, str) else list(code)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {
        "name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python",
    }
    nbformat.write(nb, path)


def lab_settings(settings_dir: Path, every_cell_rendered: bool = True) -> None:
    """User settings that keep the news and update pop-ups away and, for a test that looks at
    every cell, every cell of a notebook rendered (JupyterLab's default, "contentVisibility", leaves
    cells out of view unpainted)."""
    notification = settings_dir / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True)
    (notification / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    if not every_cell_rendered:
        return
    notebook = settings_dir / "@jupyterlab" / "notebook-extension"
    notebook.mkdir(parents=True)
    (notebook / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))


@pytest.fixture
def browser_executable():
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    if not (CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(f"no Chromium at {CHROMIUM} (install it with: apt-get install chromium)")
    return CHROMIUM


@contextlib.contextmanager
def running_jupyterlab(tmp_path: Path, notebook_name: str, code, every_cell_rendered: bool = True):
    """A JupyterLab server serving one notebook made of `code` (a cell, or a list of cells);
    yields (base_url, token, log). `every_cell_rendered=False` keeps a learner's JupyterLab
    defaults (cells out of view are not painted)."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    write_notebook(notebooks / notebook_name, code)

    # The course's JupyterLab defaults, as `nncourse lab` gives them (nncourse/jupyter_config).
    env = {k: v for k, v in lab_environment().items() if k != "MPLBACKEND"}
    # Private state; the venv's share/jupyter (ipywidgets' lab extension, the kernel spec)
    # is still found through sys.prefix.
    for variable, name in [
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("JUPYTER_DATA_DIR", "data"),
        ("IPYTHONDIR", "ipython"),
        ("MPLCONFIGDIR", "matplotlib"),
    ]:
        env[variable] = str(tmp_path / name)
        (tmp_path / name).mkdir()
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    # Server extensions the test does not use (language servers, terminals) stay off.
    (tmp_path / "config" / "jupyter_server_config.json").write_text(json.dumps(
        {"ServerApp": {"jpserver_extensions": {"jupyter_lsp": False,
                                               "jupyter_server_terminals": False}}}
    ))
    lab_settings(tmp_path / "settings", every_cell_rendered)

    port, token = free_port(), token_hex(16)
    command = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--port-retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={notebooks}",
        f"--LabApp.user_settings_dir={tmp_path / 'settings'}",
        f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.extension_manager=readonly",
        *course_lab_options(),
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log_path = tmp_path / "jupyterlab.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            command, env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            if server.poll() is not None:
                pytest.fail(f"JupyterLab exited with {server.returncode}:\n{tail(log_path)}")
            try:
                urllib.request.urlopen(f"{base_url}/api/status?token={token}", timeout=2).close()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer in {SERVER_START_SECONDS} s:\n"
                                f"{tail(log_path)}")
                time.sleep(0.2)
        yield base_url, token, log_path
    finally:
        stop_process_group(server)


def stop_process_group(process: subprocess.Popen) -> None:
    """SIGTERM to the server's process group (it shuts its kernels down), SIGKILL if it hangs."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    except ProcessLookupError:
        pass


def tail(path: Path, n: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-n:])


KERNEL_READY_JS = """() => {
    const app = window.jupyterapp;
    const panel = app && app.shell.currentWidget;
    const session = panel && panel.sessionContext && panel.sessionContext.session;
    const kernel = session && session.kernel;
    return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
}"""
