"""PNG charts and preview images draw the dataset's own letters and arrows (#19.5): Pillow's
bundled font wrote "Türkiye" as "Turkiye" and "→" as "->"."""

import io

from PIL import Image, ImageChops

from app.charts import bars, svg
from app.charts.png import font_file, printable
from app.charts.raster import svg_to_png
from app.config import DEFAULT_DATASET
from app.dataset.check import load_dataset


def test_the_png_font_is_installed() -> None:
    assert font_file() is not None and font_file(bold=True) is not None, (
        "DejaVu Sans is missing: `make install` installs the Debian package fonts-dejavu-core"
    )


def drawn_texts() -> list[str]:
    """Every text of the default dataset that a chart or preview image draws."""
    ds = load_dataset(DEFAULT_DATASET)
    return [
        ds.dossier.title,
        ds.dossier.question,
        *(o.title for o in ds.options),
        *(s.name for s in ds.stakeholders),
        *(b.title for b in ds.bodies),
        *(c.title for c in ds.conditions),
        *(c.title for c in ds.criteria),
        *(label for c in ds.criteria for label in c.scale.values()),
    ]


def test_every_character_charts_draw_is_drawn_as_itself() -> None:
    chars = sorted({ch for text in drawn_texts() for ch in text})
    replaced = [ch for ch in chars if printable(ch) != ch]
    assert replaced == []
    # The rest of the file too (notes say "Türkiye"), short of the Chinese of some sources'
    # titles, which no chart draws.
    text = DEFAULT_DATASET.read_text(encoding="utf-8")
    rest = sorted({ch for ch in text if ch.isprintable() and ord(ch) < 0x2E80})
    assert "ü" in rest
    assert [ch for ch in rest if printable(ch) != ch] == []
    # Axis titles end with an arrow; statuses and positions use their own signs.
    assert printable("Türkiye → NATO · −− ✓ ⊘ –") == "Türkiye → NATO · −− ✓ ⊘ –"


def png_of(text: str) -> Image.Image:
    chart = bars.bars("Scores", [svg.BarRow(text, 3)])
    return Image.open(io.BytesIO(svg_to_png(chart.svg)))


def test_a_chart_png_draws_accents_and_arrows_not_their_ascii_spelling() -> None:
    # The same chart with the ASCII spelling must look different: the glyphs are drawn.
    assert ImageChops.difference(png_of("Türkiye → NATO"), png_of("Turkiye -> NATO")).getbbox()
