"""Names a screen reader announces for every control of an app, and the apps' shared CSS.

ipywidgets draws a slider's description as a `<label>` next to the handle without tying the two
together, so Chromium's accessibility tree shows an unnamed "slider"; a button that shows only an
icon (the ▶ of a `Play`) is an unnamed "button". `ControlNames` is an invisible widget placed
inside each app: in the browser it gives

- every slider handle an `aria-label` equal to the description written next to it
  ("weight w₁", "learning rate η");
- every button without text the name and the tooltip of its icon ("play: run frame after frame");

and keeps doing so when the view is redrawn (a MutationObserver). Keys pressed on a control stay
with the control: JupyterLab's command-mode shortcuts would otherwise take them first (ArrowDown
would move to the next cell instead of choosing the next option of a drop-down, Enter would edit
the cell instead of pressing the button, a letter would change the cell's type); Escape, Shift-Enter
and keys with Ctrl, Alt or Meta still reach JupyterLab. It also reports a click on the
picture (where, as fractions of its width and height) to the app: the playground enlarges the
neuron map clicked. Its CSS lets the picture shrink
with the notebook's width, and dims the white figures in JupyterLab's dark theme.
"""

from __future__ import annotations

import anywidget
import traitlets

APP_CLASS = "nncourse-app"

ESM = """
const ICON_CLASS = /\\bfa-([a-z-]+)\\b/;

function label(root, iconNames) {
  for (const slider of root.querySelectorAll('.widget-slider')) {
    const text = (slider.querySelector('.widget-label') || {}).textContent;
    const handle = slider.querySelector('[role="slider"]');
    if (handle && text && handle.getAttribute('aria-label') !== text.trim()) {
      handle.setAttribute('aria-label', text.trim());
    }
  }
  for (const button of root.querySelectorAll('button')) {
    if (button.textContent.trim()) continue;
    const icon = button.querySelector('i');
    const match = icon && ICON_CLASS.exec(icon.className);
    const name = button.getAttribute('title') || (match && iconNames[match[1]]) || '';
    if (name && button.getAttribute('aria-label') !== name) {
      button.setAttribute('aria-label', name);
      button.setAttribute('title', name);
    }
  }
}

function render({ model, el }) {
  el.style.display = 'none';
  let observer = null;
  const attach = () => {
    const root = el.closest('.APP_CLASS');
    if (!root) { requestAnimationFrame(attach); return; }
    const names = model.get('icon_names');
    label(root, names);
    observer = new MutationObserver(() => label(root, model.get('icon_names')));
    observer.observe(root, { childList: true, subtree: true });
    root.addEventListener('keydown', (event) => {
      const onControl = event.target.closest &&
        event.target.closest('select, input, textarea, button, [role="slider"]');
      const forLab = event.key === 'Escape' || event.ctrlKey || event.altKey || event.metaKey ||
        (event.shiftKey && event.key === 'Enter');
      if (onControl && !forLab) event.stopPropagation();
    });
    root.addEventListener('click', (event) => {
      const img = event.target.closest && event.target.closest('.nncourse-picture img');
      if (!img || !img.clientWidth) return;
      const box = img.getBoundingClientRect();
      model.set('click', [(event.clientX - box.left) / box.width,
                          (event.clientY - box.top) / box.height, Date.now()]);
      model.save_changes();
    });
  };
  requestAnimationFrame(attach);
  return () => observer && observer.disconnect();
}
export default { render };
""".replace("APP_CLASS", APP_CLASS)

CSS = f"""
.{APP_CLASS} {{ align-items: flex-start; gap: 4px 16px; }}
.{APP_CLASS} .nncourse-picture img.widget-image {{ max-width: 100%; height: auto; }}
.{APP_CLASS} .widget-readout {{ min-width: 4.5em; }}
body[data-jp-theme-light="false"] .{APP_CLASS} img.widget-image {{
  filter: invert(0.9) hue-rotate(180deg);
}}
"""


class ControlNames(anywidget.AnyWidget):
    """Gives the controls of the app it sits in accessible names (see the module's docstring)."""

    _esm = ESM
    _css = CSS
    icon_names = traitlets.Dict().tag(sync=True)
    # the last click on the picture: [x, y, time], x and y as fractions from the top left
    click = traitlets.List().tag(sync=True)
