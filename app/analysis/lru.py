"""A small thread-safe LRU map for derived data that is costly to build and cheap to keep."""

import datetime as dt
import sys
import threading
import types
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


# Objects shared by the whole process, never owned by a cached value: not counted, not walked.
_SHARED = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType)
_LEAVES = (str, bytes, bytearray, int, float, complex, bool, type(None), dt.date, dt.datetime)


def deep_size(value: object) -> int:
    """Bytes `value` holds in this process: its objects and everything they reach, each once
    (sys.getsizeof). The one weight of every cache's byte bound, measured once, when a value
    is built (some 60 ms for the default dataset's index, which takes longer to build). What a
    value shares with others (the dataset an index reads) counts in each: a bound errs low."""
    seen: set[int] = set()
    total = 0
    stack = [value]
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, _SHARED):
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj)
        if isinstance(obj, _LEAVES):
            continue
        if isinstance(obj, dict):
            stack.extend(obj.keys())
            stack.extend(obj.values())
        elif isinstance(obj, list | tuple | set | frozenset):
            stack.extend(obj)
        else:
            attrs = getattr(obj, "__dict__", None)
            if attrs is not None:
                stack.append(attrs)
            for cls in type(obj).__mro__:
                for name in getattr(cls, "__slots__", ()):
                    if isinstance(name, str) and hasattr(obj, name):
                        stack.append(getattr(obj, name))
    return total
