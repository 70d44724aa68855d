"""Build step: map the top-level ``forms/`` and ``resources/`` into the package as ``desktop/data/``.

``forms/`` and ``resources/`` stay the source; a wheel (and every installer built from it) carries
``desktop/data/{forms,demo,fonts,locale}`` with the catalogs compiled to ``.mo`` (the ``.po`` files
are not shipped). An editable install reads the top-level folders directly (``desktop/core/resources.py``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
# (source in the checkout, destination inside desktop/data/, glob of files to ship)
DATA = (
    ("forms", "forms", "*.toml"),
    ("resources/demo", "demo", "*.json"),
    ("resources/fonts", "fonts", "*"),
)


def compile_catalogs(src: Path, dest: Path) -> list[Path]:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    out = []
    for po in sorted(src.glob("*/LC_MESSAGES/*.po")):
        lang = po.parent.parent.name
        mo = dest / po.relative_to(src).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        with mo.open("wb") as fh:
            write_mo(fh, catalog)
        out.append(mo)
    return out


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # the checkout's own forms/ and resources/ are used
        data = Path(self.build_lib) / "desktop" / "data"
        shutil.rmtree(data, ignore_errors=True)
        for src, dest, pattern in DATA:
            (data / dest).mkdir(parents=True, exist_ok=True)
            for f in sorted((HERE / src).glob(pattern)):
                if f.is_file():
                    shutil.copy2(f, data / dest / f.name)
        if not compile_catalogs(HERE / "resources" / "locale", data / "locale"):
            raise SystemExit("no message catalogs in resources/locale")


setup(cmdclass={"build_py": BuildWithData})
