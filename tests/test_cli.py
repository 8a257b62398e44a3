import subprocess
import sys

import nncourse


def test_version_flag():
    out = subprocess.run(
        [sys.executable, "-m", "nncourse", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"nncourse {nncourse.__version__}"


def test_nncourse_lab_on_a_file_says_so_in_a_sentence(tmp_path, capsys):
    """`nncourse lab` on a path that is a file, or lies inside a file, explains; no traceback."""
    from nncourse.cli import main

    afile = tmp_path / "notes.txt"
    afile.write_text("not a folder")
    assert main(["lab", str(afile), "--no-browser"]) == 2
    assert "is a file; give a folder" in capsys.readouterr().err
    assert main(["lab", str(afile / "course"), "--no-browser"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("nncourse lab: Not a directory: ") and "Traceback" not in err
