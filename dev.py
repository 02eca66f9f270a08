#!/usr/bin/env python3
"""Set up and run warroom from a fresh checkout, with nothing but python3 (>= 3.11) and pip.

    python3 dev.py demo     # create/reuse .venv, install, open the demo war room
    python3 dev.py test     # create/reuse .venv, install with test extras, run every test
    python3 dev.py bench    # run the benchmarks in bench/

The virtual environment lives in .venv and is reinstalled only when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
STAMP = VENV / ".installed"


def ensure_venv() -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"warroom needs Python >= 3.11 (this is {sys.version.split()[0]})")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted and PY.exists():
        return
    if not PY.exists():
        print("dev.py: creating .venv", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("dev.py: installing warroom and its test dependencies into .venv", flush=True)
    subprocess.check_call([str(PY), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    subprocess.check_call([str(PY), "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[test]"])
    STAMP.write_text(wanted)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"demo", "test", "bench"}:
        print(__doc__)
        return 2
    ensure_venv()
    cmd, rest = argv[0], argv[1:]
    os.chdir(ROOT)
    if cmd == "demo":
        return subprocess.call([str(BIN / "warroom"), "demo", *rest])
    if cmd == "test":
        return subprocess.call([str(PY), "-m", "pytest", "-q", "-p", "no:cacheprovider", *rest])
    status = 0
    for script in sorted((ROOT / "bench").glob("*.py")):
        print(f"== {script.name}", flush=True)
        status |= subprocess.call([str(PY), str(script), *rest])
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
