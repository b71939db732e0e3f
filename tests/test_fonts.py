"""Chinese labels in figures render with the declared CJK font; a missing glyph fails instead of drawing a box.

The test environment installs Debian's ``fonts-noto-cjk`` (``.ci/install-system-packages``, run by
``make test``). ``pyproject.toml`` turns matplotlib's "Glyph ... missing from font(s)" warning into an
error for the whole suite; these tests also set it locally so they hold when run alone.
"""
from __future__ import annotations

import warnings

import matplotlib
import matplotlib.pyplot as plt
import pytest

from restrans.sim.report import fonts, translations
from restrans.sim.report.plots import figure_bytes

MISSING_GLYPH = r"Glyph \d+ .* missing from font"


def _draw(text: str) -> bytes:
    figure, axis = plt.subplots(figsize=(4, 3))
    axis.plot([2025, 2035], [-1.0, 2.0], label=text)
    axis.set_title(text)
    axis.set_ylabel(translations.label("unit", "bn CNY/yr", "zh"))
    axis.legend()
    return figure_bytes(figure)


def test_the_declared_cjk_font_is_installed():
    path = fonts.cjk_font_file()
    assert path.endswith((".ttc", ".otf", ".ttf")), path
    assert "cjk" in path.lower(), path


def test_every_chinese_label_renders_without_a_missing_glyph():
    labels = [translations.label(kind, name, "zh")
              for kind in ("lever", "indicator", "target", "region", "loop", "section", "chapter", "unit", "stock")
              for name in translations.load_table()["names"][kind]]
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=MISSING_GLYPH)
        with fonts.figure_fonts("zh"):
            for start in range(0, len(labels), 40):
                png = _draw(" ".join(labels[start:start + 40]))
                assert png.startswith(b"\x89PNG"), "not a PNG"


def test_a_glyph_the_fonts_lack_fails():
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=MISSING_GLYPH)
        with fonts.figure_fonts("zh"), pytest.raises(UserWarning, match="EGYPTIAN HIEROGLYPH A001"):
            _draw("失业率 \U00013000")
    plt.close("all")


def test_chinese_without_the_cjk_font_fails_in_the_default_font():
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=MISSING_GLYPH)
        with matplotlib.rc_context({"font.family": [fonts.LATIN_FONT]}), \
                pytest.raises(UserWarning, match="missing from font.*DejaVu Sans"):
            _draw("失业率")
    plt.close("all")


def test_a_font_that_is_not_installed_is_one_clear_line():
    with pytest.raises(fonts.FontMissing) as raised:
        fonts.font_settings("zh", family="No Such CJK Font")
    message = str(raised.value)
    assert "\n" not in message and "No Such CJK Font" in message and "fonts-noto-cjk" in message
    assert fonts.font_settings("en", family="No Such CJK Font") == {"font.family": [fonts.LATIN_FONT]}


def test_the_settings_apply_only_inside_the_block():
    before = list(matplotlib.rcParams["font.family"])
    with fonts.figure_fonts("zh"):
        assert matplotlib.rcParams["font.family"] == [fonts.LATIN_FONT, fonts.CJK_FONT]
    assert list(matplotlib.rcParams["font.family"]) == before
