"""A small thread-safe LRU map for derived data that is costly to build and cheap to keep."""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Lru(Generic[K, V]):
    """At most `size` items and, with `weigh`, at most `max_weight` of their weights (bytes,
    say): a count alone lets a few large values fill a process."""

    def __init__(
        self, size: int, *, max_weight: int = 0, weigh: Callable[[V], int] | None = None
    ) -> None:
        self.size = size
        self.max_weight = max_weight
        self._weigh = weigh
        self._items: OrderedDict[K, V] = OrderedDict()
        self._weights: dict[K, int] = {}
        self.weight = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._items

    def get_or_build(self, key: K, build: Callable[[], V]) -> V:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = build()  # outside the lock: two threads may build the same value, both right
        weight = self._weigh(value) if self._weigh else 0  # once, when built
        with self._lock:
            self.weight += weight - self._weights.get(key, 0)
            self._items[key] = value
            self._weights[key] = weight
            self._items.move_to_end(key)
            while len(self._items) > self.size or (
                self.max_weight and self.weight > self.max_weight and len(self._items) > 1
            ):
                old, _ = self._items.popitem(last=False)
                self.weight -= self._weights.pop(old)
        return value
