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
    from app.analysis.index import MEMO_JSON_BYTES, live_memo

    memo = live_memo()
    assert memo.max_weight == MEMO_JSON_BYTES
