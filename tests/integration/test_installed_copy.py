"""A copy installed as the README says (a clone, then `make install`'s `pip install -e .`) mails in French."""
import subprocess
import sys
import sysconfig

import pytest

from tests.support.checkout import fresh_copy

pytestmark = pytest.mark.integration

RENDER = """
import marketplace
from marketplace import create_app
from marketplace.mail.outbox import render

app = create_app("testing")
with app.app_context():
    subject, text, _ = render("proposal_accepted", "fr", {"category": "FFP2"}, category="FFP2", quantity=50000,
                              counterpart="CHU de Rennes", link="https://masques.example.fr/p/1")
print(marketplace.__file__)
print(subject)
print(text)
"""


def test_a_fresh_install_compiles_the_catalogues_and_mails_french_users_in_french(tmp_path):
    clone = fresh_copy(tmp_path / "clone")
    assert not list(clone.glob("marketplace/translations/*/LC_MESSAGES/*.mo"))  # not in the repository
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    # The dependencies come from this virtualenv (no download); the project itself is installed for real.
    (venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages" / "deps.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q",
                    "--no-deps", "-e", str(clone)], check=True, capture_output=True)

    rendered = subprocess.run([str(venv / "bin" / "python"), "-c", RENDER], cwd=tmp_path, check=True,
                              capture_output=True, text=True, env={"DATABASE_URL": "sqlite://", "PATH": "/usr/bin:/bin"})

    module, subject, *text = rendered.stdout.splitlines()
    assert module == str(clone / "marketplace" / "__init__.py")
    assert subject == "Votre proposition de masques FFP2 a été acceptée"
    assert "CHU de Rennes a accepté votre proposition de 50" in "\n".join(text)
