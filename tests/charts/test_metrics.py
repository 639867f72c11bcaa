"""Cutting and wrapping labels to a width."""

from app.charts.metrics import fit, text_width, wrap


def test_fit_keeps_short_text_and_cuts_long_text_at_a_word() -> None:
    assert fit("Full NATO membership", 12, 400) == "Full NATO membership"
    cut = fit("Reassurance force of a coalition of the willing", 12, 150)
    assert cut.endswith("…") and text_width(cut, 12) <= 150
    assert cut.removesuffix("…") in "Reassurance force of a coalition of the willing"
    assert not cut.removesuffix("…").endswith(" ")
    assert fit("Supercalifragilistic", 12, 40).endswith("…")


def test_wrap_fills_lines_and_ellipsises_the_last() -> None:
    text = "Article 5-style guarantee without NATO membership (Meloni proposal)"
    lines = wrap(text, 12.5, 120, 2)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(text_width(line, 12.5) <= 120 for line in lines)
    assert lines[0] == "Article 5-style"
    assert wrap("Short", 12.5, 120, 2) == ["Short"]
    assert " ".join(wrap(text, 12.5, 2000, 2)) == text


def test_bold_and_accented_text_measure_wider_than_nothing() -> None:
    assert text_width("Türkiye", 10) == text_width("Turkiye", 10)
    assert text_width("Hungary", 10, bold=True) > text_width("Hungary", 10)
    assert text_width("日本", 10) == 20  # unknown characters count a full em
