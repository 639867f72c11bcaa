"""Every cache a process keeps is bounded by bytes as well as by count (memory under load)."""

from app.analysis.lru import Lru


def test_an_lru_drops_the_oldest_items_past_its_byte_bound() -> None:
    cache: Lru[str, bytes] = Lru(100, max_weight=1000, weigh=len)
    for key in "abcde":
        cache.get_or_build(key, lambda: b"x" * 300)
    assert len(cache) == 3 and cache.weight == 900
    assert "a" not in cache and "b" not in cache and "e" in cache


def test_an_lru_keeps_one_item_larger_than_its_bound() -> None:
    cache: Lru[str, bytes] = Lru(100, max_weight=10, weigh=len)
    cache.get_or_build("big", lambda: b"x" * 50)
    assert "big" in cache  # the value the caller asked for is still built once


def test_a_recently_used_item_outlives_older_ones() -> None:
    cache: Lru[str, bytes] = Lru(100, max_weight=600, weigh=len)
    for key in "ab":
        cache.get_or_build(key, lambda: b"x" * 300)
    cache.get_or_build("a", lambda: b"")  # a hit: "a" is now the newest
    cache.get_or_build("c", lambda: b"x" * 300)
    assert "a" in cache and "b" not in cache and cache.weight == 600


def test_the_live_index_bounds_its_comparisons_by_bytes() -> None:
    from app.analysis.index import MEMO_BYTES, live_memo

    memo = live_memo()
    assert memo.max_weight == MEMO_BYTES


# Pure functions memoised without a bound, because their arguments come from a small fixed set
# (a rank is 1 to 6, a fill is one of the palette's, a character is one of the dataset's, a
# font size one of the few the pictures use): each holds a few entries at most.
SMALL_DOMAINS = {
    "app.charts.ranks.short_ordinal",
    "app.charts.ranks.rank_fills",
    "app.charts.ranks._rank_legend",
    "app.charts.ranks._text_on",
    "app.charts.svg._attr",
    "app.charts.metrics._advance",
    "app.charts.png.font_file",
    "app.charts.png.font",
    "app.charts.png._missing_glyph",
    "app.charts.png._has_glyph",
    "app.config.get_settings",  # one: the process's settings
    "app.serving.render.environment",  # one per templates folder
}
# Memoised pure functions bounded by count, whose keys and values are short texts and numbers
# drawn from the dataset (labels, their widths, a state's query): a few MB at most.
SHORT_VALUES = 4096


def test_every_cache_in_the_app_is_bounded_by_bytes() -> None:
    """Every Lru a module keeps has a byte bound; no function memoises without one (but those of
    a small fixed domain); the app's own caches (pages, rendered parts, past days) are
    bounded by bytes. A cache bounded only by count let a few large values fill a process."""
    import dataclasses
    import importlib
    import pkgutil

    import app
    from app.main import create_app
    from app.serving.site import Site

    unbounded = []
    for info in pkgutil.walk_packages(app.__path__, "app."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            where = f"{info.name}.{name}"
            if isinstance(value, Lru) and not value.max_weight:
                unbounded.append(where)
            if not hasattr(value, "cache_info") or value.__module__ != info.name:
                continue
            maxsize = value.cache_parameters()["maxsize"]
            if where not in SMALL_DOMAINS and (maxsize is None or maxsize > SHORT_VALUES):
                unbounded.append(where)
    assert unbounded == []

    state = create_app().state
    assert state.page_cache.max_bytes > 0 and state.parts.max_weight > 0
    # The app owns what reading permanent links keeps: two apps never share it.
    links = state.permalinks
    assert all(c.max_weight > 0 for c in (links.datasets, links.indexes, links.snapshots))
    assert create_app().state.permalinks.snapshots is not links.snapshots
    past = next(f for f in dataclasses.fields(Site) if f.name == "past")
    assert past.default_factory is not dataclasses.MISSING
    assert past.default_factory().max_weight > 0


def test_a_values_bytes_count_what_it_reaches_once() -> None:
    from app.analysis.lru import deep_size

    text = "x" * 10_000
    assert deep_size([text]) > 10_000
    # The same text reached twice counts once; ten different texts count ten times.
    assert deep_size([text, text]) < deep_size([text]) + 100
    assert deep_size({"k": ["y" * 10_000 + str(i) for i in range(10)]}) > 100_000


def test_a_rendered_part_weighs_what_its_text_holds() -> None:
    """A part of typographic text (curly quotes, dashes) is held as a str of two bytes a
    letter: its weight for the parts' byte bound counts that, not the shorter UTF-8."""
    import sys

    from app.serving.zipped import Rendered

    part = Rendered.of("l’Ukraine — " * 2000)
    assert part.size >= sys.getsizeof(part.html) + len(part.raw) + len(part.deflated)
    assert part.size > 2 * len(part.html) + len(part.raw)
