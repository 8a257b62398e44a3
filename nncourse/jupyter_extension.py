"""The course's Jupyter server extension: JupyterLab finds the course's custom.css.

JupyterLab loads `/custom/custom.css` when `LabApp.custom_css` is on, from the folders in the
server's `static_custom_path` (the learner's own Jupyter configuration first). The course adds its
own folder at the end, so a learner's custom.css still wins. The course's sheet shows figures dark
in JupyterLab's dark theme (see `jupyter_config/custom/custom.css`).

The extension is switched on by `jupyter_config/jupyter_server_config.d/nncourse.json`, which
`nncourse lab` puts on Jupyter's configuration path for its own server only.
"""

from __future__ import annotations

from pathlib import Path

CUSTOM_FOLDER = Path(__file__).resolve().parent / "jupyter_config" / "custom"


def _jupyter_server_extension_points():
    return [{"module": "nncourse.jupyter_extension"}]


def _load_jupyter_server_extension(serverapp) -> None:
    folders = serverapp.web_app.settings.setdefault("static_custom_path", [])
    if str(CUSTOM_FOLDER) not in folders:
        folders.append(str(CUSTOM_FOLDER))  # the list JupyterLab's /custom/ handler searches
