"""UI and message language: Japanese source strings, English through a Babel catalog.

Message ids are the Japanese texts themselves (the product speaks Japanese first);
``resources/locale/en/LC_MESSAGES/hyoka.po`` translates them, and is compiled to a
``.mo`` next to it by ``pybabel compile`` (done by the build and, if missing, here
at first use so a source checkout works too).
"""

from __future__ import annotations

import gettext
import os

from desktop.core.resources import resource_dir

LOCALE_DIR = resource_dir("locale")
DOMAIN = "hyoka"
LANGUAGES = ("ja", "en")

_translation: gettext.NullTranslations = gettext.NullTranslations()
_current = "ja"


def _compile_catalog(lang: str) -> None:
    """Compile the ``.po`` to ``.mo`` with Babel when the ``.mo`` is missing or stale."""
    po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo = po.with_suffix(".mo")
    if not po.exists() or (mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime):
        return
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    try:
        with mo.open("wb") as fh:
            write_mo(fh, catalog)
    except OSError:
        pass  # read-only install: fall back to the source language


def set_language(lang: str | None = None) -> str:
    """Switch the message language (``ja`` or ``en``); ``HYOKA_LANG`` picks the default."""
    global _translation, _current
    lang = (lang or os.environ.get("HYOKA_LANG") or "ja").split("_")[0].lower()
    if lang not in LANGUAGES:
        lang = "ja"
    if lang == "ja":
        _translation = gettext.NullTranslations()
    else:
        _compile_catalog(lang)
        _translation = gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)
    _current = lang
    return lang


def current_language() -> str:
    return _current


def babel_locale() -> str:
    return "ja_JP" if _current == "ja" else "en_US"


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)
