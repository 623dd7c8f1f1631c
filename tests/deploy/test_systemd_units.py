"""The systemd units of deploy/ (what production runs) pass `systemd-analyze verify`, and restart."""
import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNITS = sorted(DEPLOY.glob("*.service"))


def test_web_worker_and_beat_have_a_unit_each_and_restart():
    assert [unit.name for unit in UNITS] == ["marketplace-beat.service", "marketplace-web.service",
                                             "marketplace-worker@.service"]
    for unit in UNITS:
        parsed = configparser.ConfigParser(strict=False, interpolation=None)
        parsed.optionxform = str
        parsed.read(unit)
        assert parsed["Service"]["Restart"] == "always", unit.name
        assert parsed["Service"]["EnvironmentFile"] == "/etc/marketplace/marketplace.env", unit.name


@pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                    reason="systemd-analyze is not installed (Debian's package `systemd` provides it)")
def test_the_units_pass_systemd_analyze_verify(tmp_path):
    # The units name /srv/marketplace and /etc/marketplace: point them at this virtualenv and an empty
    # environment file, so that verify also checks that every command it starts is there.
    checkout = tmp_path / "srv"
    checkout.mkdir()
    (checkout / ".venv").symlink_to(sys.prefix)
    (tmp_path / "marketplace.env").touch()
    for unit in UNITS:
        text = unit.read_text().replace("/srv/marketplace", str(checkout))
        (tmp_path / unit.name).write_text(text.replace("/etc/marketplace/marketplace.env", str(tmp_path / "marketplace.env")))

    verified = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", "marketplace-web.service", "marketplace-beat.service",
         "marketplace-worker@1.service"],
        cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "SYSTEMD_LOG_COLOR": "0"},
    )

    assert (verified.returncode, verified.stderr) == (0, "")
