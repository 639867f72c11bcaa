"""Downloaded charts describe themselves (#19.5): each SVG and PNG carries its title, the
weights and hypotheses behind it, the source, the data date, the licence and the page's
address, as Our World in Data's downloads do. They carried none of it."""

import io
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from app.charts import png
from tests.helpers import in_order

S = "{http://www.w3.org/2000/svg}"
BASE = "http://127.0.0.1:8000"


def words(svg: bytes) -> list[str]:
    return ["".join(t.itertext()) for t in ET.fromstring(svg).iter(f"{S}text")]


def credits(texts: list[str], address: str) -> None:
    joined = "\n".join(texts)
    assert "Source: Policy Option Explorer, “Security guarantees for Ukraine”" in joined
    assert "Data: facts as of 5 July 2026, dataset revision 1 · Licence: CC BY 4.0" in joined
    assert address in texts


def test_every_chart_download_carries_title_source_date_licence_and_address(
    ukraine: TestClient,
) -> None:
    with ukraine as c:
        timeline = c.get("/options/nato-membership/timeline.svg")
        texts = words(timeline.content)
        assert texts[0] == "Veto status and stances over time: Full NATO membership"
        credits(texts, f"{BASE}/options/nato-membership")
        credits(
            words(c.get("/options/nato-membership/scores.svg").content),
            f"{BASE}/options/nato-membership",
        )
        overview = words(c.get("/charts/overview.svg?assume=hu:0").content)
        assert "Hypotheses: Hungary assumed neutral." in overview
        credits(overview, f"{BASE}/?assume=hu:0")
        query = "o=nato-membership,article-5-extension&w=deterrence:5"
        ranks = c.get(f"/compare/ranks.svg?{query}")
        texts = words(ranks.content)
        assert texts[0] == "Chance of each rank"
        assert "Weights: Deterrence credibility 5 (default 3)." in texts
        credits(texts, f"{BASE}/compare?{query}")
        # The PNG is a picture of the same captioned SVG.
        height = float(ET.fromstring(ranks.content).attrib["height"])
        png = c.get(f"/compare/ranks.png?{query}")
        assert Image.open(io.BytesIO(png.content)).size == (1800, round(height * 2))


def test_preview_cards_carry_data_date_licence_address_and_weights(
    ukraine: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The permalink's card left out "facts as of", the weights, the licence and the address.
    drawn: list[list[str]] = []
    render = png.render

    def spy(card: png.Card) -> bytes:
        drawn.append([t.text for t in card.texts])
        return render(card)

    monkeypatch.setattr(png, "render", spy)
    with ukraine as c:
        fields = {"o": "nato-membership,article-5-extension", "w": "deterrence:5", "assume": ""}
        made = c.post("/c", data=fields, follow_redirects=False)
        code = made.headers["location"].rsplit("/", 1)[-1]
        assert c.get(f"/c/{code}/preview.png").status_code == 200
        assert c.get("/options/nato-membership/preview.png").status_code == 200
    permalink, option = drawn
    assert "Weights: Deterrence credibility 5 (default 3)." in permalink
    assert f"{BASE}/c/{code}" in permalink
    assert any("facts as of 5 July 2026" in t and "licence CC BY 4.0" in t for t in permalink)
    assert f"{BASE}/options/nato-membership" in option
    assert any("facts as of 5 July 2026" in t and "licence CC BY 4.0" in t for t in option)


def test_the_embed_shows_the_ranking_before_the_long_title(ukraine: TestClient) -> None:
    # The embed's title ran all the compared options' names together above the data: on a
    # phone-sized frame only the title showed.
    with ukraine as c:
        fields = {"o": "nato-membership,article-5-extension", "w": "", "assume": ""}
        code = c.post("/c", data=fields, follow_redirects=False).headers["location"]
        html = c.get(f"/embed/c/{code.rsplit('/', 1)[-1]}").text
    assert in_order(html, "h1", 'table[class^="ranking"]', '[class="embed-title"]')
