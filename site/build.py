"""Build the course's static site: `python site/build.py [OUTDIR]` (what `make site` runs).

The lessons and exercises are copied into a staging folder next to `_config.yml`, the table of
contents is written from the lessons folder (lesson 00 first, then in the order of their names, so a
new lesson appears without editing a list), and Jupyter Book renders the stored outputs into
OUTDIR (default site/_build/html). Then every internal link and image of the pages is checked: a
page that points at a file the site does not have fails the build.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PARTS = (("Lessons", "lessons"), ("Exercises", "exercises"))
ROOT_PAGE = "lessons/00_start_here"


def table_of_contents(source: Path) -> str:
    """The _toc.yml text: lesson 00 as the home page, then each part's notebooks by name."""
    lines = ["format: jb-book", f"root: {ROOT_PAGE}", "parts:"]
    for caption, folder in PARTS:
        pages = [f"{folder}/{p.stem}" for p in sorted((source / folder).glob("*.ipynb"))]
        pages = [p for p in pages if p != ROOT_PAGE]
        if pages:
            lines.append(f"  - caption: {caption}")
            lines.append("    chapters:")
            lines.extend(f"      - file: {page}" for page in pages)
    return "\n".join(lines) + "\n"


def stage(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    shutil.copyfile(HERE / "_config.yml", staging / "_config.yml")
    for _caption, folder in PARTS:
        shutil.copytree(REPO / folder, staging / folder,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (staging / "_toc.yml").write_text(table_of_contents(staging), encoding="utf-8")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and ((tag == "a" and name == "href") or name == "src"
                          or (tag == "link" and name == "href")):
                self.targets.append(value)


def broken_links(html_root: Path) -> list[str]:
    """'page -> target' for every relative link or image whose file is not in the site."""
    broken = []
    for page in sorted(html_root.rglob("*.html")):
        if page.relative_to(html_root).parts[0] in ("_static", "_sources"):
            continue  # the theme's own template files, not pages of the course
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for target in parser.targets:
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or target.startswith(("#", "mailto:", "data:")):
                continue
            path = unquote(parts.path)
            if not path:
                continue
            resolved = (page.parent / path).resolve()
            if resolved.is_dir():
                resolved = resolved / "index.html"
            if not resolved.exists():
                broken.append(f"{page.relative_to(html_root)} -> {target}")
    return broken


def build(outdir: Path, workdir: Path | None = None) -> Path:
    """Render the site into `outdir`, staging the sources in `workdir` (default site/_build)."""
    staging = (workdir or HERE / "_build") / "source"
    stage(staging)
    program = Path(sys.executable).parent / "jupyter-book"
    if not program.exists():
        raise SystemExit("Jupyter Book is not installed here: pip install -e '.[test]'")
    command = [str(program), "build", str(staging), "--path-output",
               str(staging.parent / "book"), "--keep-going"]
    done = subprocess.run(command, capture_output=True, text=True)
    log = done.stdout + done.stderr
    if done.returncode != 0:
        raise SystemExit(f"jupyter-book failed:\n{log}")
    warnings = [line for line in log.splitlines() if re.search(r"WARNING|ERROR", line)]
    html = staging.parent / "book" / "_build" / "html"
    if outdir.resolve() != html.resolve():
        shutil.rmtree(outdir, ignore_errors=True)
        shutil.copytree(html, outdir)
    broken = broken_links(outdir)
    if broken:
        raise SystemExit("Broken links in the site:\n" + "\n".join(broken))
    for line in warnings:
        print(line)
    print(f"The site is in {outdir}/index.html ({len(list(outdir.rglob('*.html')))} pages).")
    return outdir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", nargs="?", type=Path, default=HERE / "_build" / "html")
    args = parser.parse_args(argv)
    build(args.outdir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
