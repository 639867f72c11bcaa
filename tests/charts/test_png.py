"""PNG preview cards: size, determinism, text that stays on the canvas, shapes not colours."""

import io
import itertools

from PIL import Image, ImageChops, ImageDraw

from app.charts import png
from app.charts.png import HEIGHT, MARGIN, RIGHT, WIDTH, Card, RankedOption
from app.charts.svg import BarRow

SCORES = (
    BarRow("Political feasibility", 1, 1, 2),
    BarRow("Legal hurdles", 5, lower_is_better=True),
    BarRow("Deterrence credibility", 5, 4, 5),
    BarRow("Escalation risk", 3, 2, 4, lower_is_better=True),
    BarRow("Speed of implementation", 2),
    BarRow("Durability: survives a change of government", 4, 2, 5),
    BarRow("Burden on the guarantors", None),
)
LONG = (
    "Article 5-style guarantee without NATO membership for Ukraine, as proposed by the Italian "
    "government in 2024 and discussed again at every summit since then"
)


def card(**kw: object) -> dict:
    base = {
        "dossier_title": "Which security guarantee could protect Ukraine?",
        "option_title": "Full NATO membership",
        "status": "blocked",
        "verdict": "Blocked: Hungary and Slovakia (NATO unanimity)",
        "scores": SCORES,
        "footer": "Policy Option Explorer · as of 8 January 2026 · revision 12",
    }
    return {**base, **kw}


def ranking(n: int) -> tuple[RankedOption, ...]:
    statuses = ["blocked", "uncertain", "clear", "barred"]
    return tuple(
        RankedOption(f"Option number {i + 1}", 5 - i * 0.5, statuses[i % 4], i + 1)
        for i in range(n)
    )


def comparison(**kw: object) -> dict:
    base = {
        "dossier_title": "Which security guarantee could protect Ukraine?",
        "heading": "Four options, weighted by feasibility",
        "rows": ranking(4),
        "footer": "Policy Option Explorer · as of 8 January 2026",
    }
    return {**base, **kw}


def image(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def boxes(layout: Card) -> list[tuple[float, float, float, float]]:
    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    return [
        draw.textbbox((t.x, t.y), t.text, font=png.font(t.size), stroke_width=int(t.bold))
        for t in layout.texts
    ]


def test_cards_are_1200_by_630_pngs() -> None:
    for data in (png.OptionCard(**card()).png(), png.ComparisonCard(**comparison()).png()):
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        img = image(data)
        assert (img.format, img.size) == ("PNG", (1200, 630))


def test_same_input_same_bytes() -> None:
    assert png.OptionCard(**card()).png() == png.OptionCard(**card()).png()
    assert png.ComparisonCard(**comparison()).png() == png.ComparisonCard(**comparison()).png()
    assert png.OptionCard(**card()).png() != png.OptionCard(**card(status="clear")).png()
    # Equal cards are equal keys, so a cache per revision can hold them.
    assert hash(png.OptionCard(**card())) == hash(png.OptionCard(**card()))


def test_option_card_says_verdict_status_and_scores() -> None:
    words = [t.text for t in png.OptionCard(**card()).layout().texts]
    assert words[:2] == ["Which security guarantee could protect Ukraine?", "Full NATO membership"]
    assert "Blocked" in words
    # The status word stands above the verdict, so the verdict does not repeat it.
    assert "Hungary and Slovakia (NATO unanimity)" in words
    assert "Political feasibility" in words
    # DejaVu Sans (with every letter of the dataset) is wider than Pillow's own font was.
    assert any(w.startswith("Legal hurdles (lower is") for w in words)
    assert "+ 2 more criteria" in words  # seven criteria: five shown, two counted
    assert words[-1] == "Policy Option Explorer · as of 8 January 2026 · revision 12"


def test_long_text_is_wrapped_and_ellipsised_inside_the_canvas() -> None:
    cards: list[png.OptionCard | png.ComparisonCard] = [
        png.OptionCard(**card(dossier_title=LONG, option_title=LONG, verdict=LONG + " " + LONG)),
        png.ComparisonCard(
            **comparison(heading=LONG, rows=(RankedOption(LONG, 3.3, "uncertain", 1), *ranking(3)))
        ),
    ]
    for layout in (c.layout() for c in cards):
        texts = layout.texts
        assert sum(1 for t in texts if t.size >= 44) == 2  # the title takes two lines at most
        assert any(t.text.endswith("…") for t in texts if t.size >= 44)
        for left, top, right, bottom in boxes(layout):
            assert left >= MARGIN - 1 and right <= RIGHT, "text runs into the margin"
            assert top >= 0 and bottom <= HEIGHT
        for a, b in itertools.combinations(boxes(layout), 2):
            overlap = min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])
            assert not overlap, f"text boxes {a} and {b} overlap"


def test_nothing_is_drawn_in_the_side_margins() -> None:
    data = png.OptionCard(**card(option_title=LONG, verdict=LONG)).png()
    img = image(data).convert("RGB")
    white = ((255, 255), (255, 255), (255, 255))
    # Below the coloured band at the top, both side margins stay blank.
    assert img.crop((RIGHT + 2, 20, WIDTH, HEIGHT)).getextrema() == white
    assert img.crop((0, 20, MARGIN - 2, HEIGHT)).getextrema() == white
    assert img.crop((MARGIN, 20, RIGHT, HEIGHT)).getextrema() != white


def _mark_mask(status: str) -> Image.Image:
    img = image(png.OptionCard(**card(status=status, verdict="", scores=(), footer="")).png())
    layout = png.OptionCard(**card(status=status, verdict="", scores=(), footer="")).layout()
    (mark,) = [op for op in layout.ops if isinstance(op, png.Mark)]
    r = mark.r * 1.3
    region = img.convert("L").crop((mark.cx - r, mark.cy - r, mark.cx + r, mark.cy + r))
    return region.point(lambda v: 255 if v < 200 else 0)  # what is inked, whatever the colour


def test_each_status_has_its_own_shape_not_just_a_colour() -> None:
    masks = {s: _mark_mask(s) for s in ("clear", "uncertain", "blocked", "barred")}
    for a, b in itertools.combinations(masks, 2):
        diff = ImageChops.difference(masks[a], masks[b]).histogram()[255]
        assert diff > 100, f"{a} and {b} differ by colour alone"


def test_comparison_card_lists_the_ranking_with_scores_and_statuses() -> None:
    rows = (*ranking(3), RankedOption("Not scored", None, "clear"))
    words = [t.text for t in png.ComparisonCard(**comparison(rows=rows)).layout().texts]
    assert (
        words.index("Option number 1") < words.index("Option number 2") < words.index("Not scored")
    )
    assert {"1", "2", "3", "-"} <= set(words)
    assert {"5.0", "4.5", "4.0"} <= set(words)
    assert {"Blocked", "Uncertain", "Clear"} <= set(words)


def test_comparison_card_counts_rows_that_do_not_fit() -> None:
    words = [t.text for t in png.ComparisonCard(**comparison(rows=ranking(12))).layout().texts]
    shown = [w for w in words if w.startswith("Option number")]
    assert len(shown) + int(words[-2].split()[1]) == 12
    assert words[-2].endswith("more options")


def test_characters_the_font_lacks_are_spelled_out() -> None:
    # DejaVu Sans draws accents, dashes, quotes and the euro sign; it has no Chinese.
    assert (
        png.printable("Türkiye – “Zelensky’s” plan, €5 日本")
        == "Türkiye – “Zelensky’s” plan, €5 ??"
    )
    words = [t.text for t in png.OptionCard(**card(option_title="Türkiye – plan")).layout().texts]
    assert "Türkiye – plan" in words
