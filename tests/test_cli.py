import subprocess
import sys

import nncourse


def test_version_flag():
    out = subprocess.run(
        [sys.executable, "-m", "nncourse", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"nncourse {nncourse.__version__}"
