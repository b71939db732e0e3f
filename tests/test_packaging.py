"""The installed distribution: one import name, ``restrans``, and no top-level ``model`` or ``sim``."""
from __future__ import annotations

import os
import subprocess
import sys
import sysconfig

from tests.conftest import ROOT


def test_pip_install_into_a_fresh_venv_exposes_restrans_only(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    wheels = tmp_path / "wheels"  # built by this environment's setuptools, installed by the fresh venv
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(wheels), str(ROOT)], check=True, capture_output=True, cwd=tmp_path)
    (wheel,) = wheels.glob("restrans-*.whl")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    str(wheel)], check=True, capture_output=True, cwd=tmp_path)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    top_level = {entry for entry in os.listdir(site) if not entry.endswith((".dist-info", ".pth"))
                 and entry != "__pycache__"}
    assert "restrans" in top_level
    assert not top_level & {"model", "sim", "package", "tests", "benchmarks"}, sorted(top_level)
    installed = os.path.join(site, "restrans")
    assert {"model", "sim", "__init__.py", "__main__.py"} <= set(os.listdir(installed))
    assert os.path.isfile(os.path.join(installed, "model", "vensim", "restrans.mdl"))
    assert os.path.isfile(os.path.join(installed, "model", "regions", "coal_declining.yaml"))
    assert os.path.isfile(os.path.join(installed, "sim", "report", "strings.yaml"))  # the table of strings
    # the dependencies come from the test environment's site-packages (no .pth there: no editable restrans)
    check = ("import importlib.util, restrans, restrans.model.system, restrans.sim.cli\n"
             "assert importlib.util.find_spec('model') is None and importlib.util.find_spec('sim') is None\n"
             "from restrans.sim.report.translations import label\n"
             "assert label('lever', 'retraining_capacity', 'zh') == '再就业培训能力'\n"
             "print(restrans.__file__)\n")
    environment = {**os.environ, "PYTHONPATH": sysconfig.get_paths()["purelib"], "RESTRANS_NUMBA": "0"}
    result = subprocess.run([str(python), "-c", check], check=True, capture_output=True, text=True,
                            cwd=tmp_path, env=environment)
    assert result.stdout.strip().startswith(site)
    help_text = subprocess.run([str(python), "-m", "restrans", "--help"], check=True, capture_output=True,
                               text=True, cwd=tmp_path, env={**environment, "COLUMNS": "100"}).stdout
    assert "Usage" in help_text and "restrans" in help_text
