"""Fonts for figures in English and Chinese: matplotlib with a declared CJK font.

Chinese labels are drawn with :data:`CJK_FONT` (Noto Sans CJK SC, Debian's ``fonts-noto-cjk``); Latin
letters and digits keep matplotlib's DejaVu Sans, so a figure looks the same in both languages and
matplotlib falls back glyph by glyph from one to the other. A figure in Chinese without the CJK font
is refused (:class:`FontMissing`) rather than drawn with boxes. Matplotlib warns ``Glyph ... missing
from font(s) ...`` for a character neither font has; the test suite turns that warning into an error.

Matplotlib keeps a cache of the fonts it found when it first ran, so a font installed later is not
seen; :func:`cjk_font_file` then registers the system's font files once more before giving up.
"""
from __future__ import annotations

import contextlib
from typing import Iterator

import matplotlib
from matplotlib import font_manager

CJK_FONT = "Noto Sans CJK SC"
"""The declared font for Chinese text in figures."""

LATIN_FONT = "DejaVu Sans"
"""Matplotlib's default font, kept first for Latin letters and digits."""

INSTALL_HINT = "Debian/Ubuntu: apt-get install fonts-noto-cjk; elsewhere install Noto Sans CJK SC"


class FontMissing(RuntimeError):
    """The declared CJK font is not installed; the message says how to install it."""


def _find(family: str) -> str | None:
    try:
        return font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    except ValueError:
        return None


def _register_system_fonts() -> None:
    """Add every system font file matplotlib's cache does not know (fonts installed after the cache was built)."""
    known = {entry.fname for entry in font_manager.fontManager.ttflist}
    for path in font_manager.findSystemFonts():
        if path not in known:
            with contextlib.suppress(Exception):  # a damaged or unreadable font file is skipped, as matplotlib does
                font_manager.fontManager.addfont(path)


def cjk_font_file(family: str = CJK_FONT) -> str:
    """The file of the CJK font ``family``.

    Raises
    ------
    FontMissing
        The font is not installed (one line with how to install it).
    """
    found = _find(family)
    if found is None:
        _register_system_fonts()
        found = _find(family)
    if found is None:
        raise FontMissing(f"figures in Chinese need the font '{family}', which is not installed ({INSTALL_HINT})")
    return found


def font_settings(language: str, family: str = CJK_FONT) -> dict[str, object]:
    """Matplotlib settings (``rcParams``) for figures in ``language``.

    Chinese requires the CJK font (:class:`FontMissing` otherwise); English adds it when it is installed,
    so a Chinese scenario name in an English figure still renders.
    """
    if language == "zh":
        cjk_font_file(family)
        return {"font.family": [LATIN_FONT, family]}
    try:
        cjk_font_file(family)
    except FontMissing:
        return {"font.family": [LATIN_FONT]}
    return {"font.family": [LATIN_FONT, family]}


@contextlib.contextmanager
def figure_fonts(language: str, family: str = CJK_FONT) -> Iterator[None]:
    """Draw the figures made inside the ``with`` block with the fonts for ``language``."""
    with matplotlib.rc_context(font_settings(language, family)):
        yield


def use_figure_fonts(language: str, family: str = CJK_FONT) -> None:
    """Set the fonts for ``language`` for the rest of the session (a notebook, the app)."""
    matplotlib.rcParams.update(font_settings(language, family))
