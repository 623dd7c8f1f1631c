"""The build compiles the translation catalogues, so every install of the project ships them.

pyproject.toml holds the project's metadata; this adds one step to `build_py`, which `pip install .`,
`pip install -e .` (`make install`) and `pip wheel .` all run: each `messages.po` under
marketplace/translations is compiled to the `messages.mo` beside it, which the package data then carries.
"""
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

TRANSLATIONS = Path(__file__).resolve().parent / "marketplace" / "translations"


def compile_catalogues(folder=TRANSLATIONS):
    """Compile every messages.po under folder to its messages.mo; return the .mo paths."""
    compiled = []
    for po_path in sorted(folder.glob("*/LC_MESSAGES/messages.po")):
        with po_path.open("rb") as po_file:
            catalogue = read_po(po_file, locale=po_path.parent.parent.name)
        mo_path = po_path.with_suffix(".mo")
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalogue)
        compiled.append(mo_path)
    return compiled


class BuildWithCatalogues(build_py):
    """build_py, after compiling the catalogues into the source tree (where package data is collected)."""

    def run(self):
        compile_catalogues()
        self.__dict__.pop("data_files", None)  # collect the package data again, the .mo files included
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogues})
