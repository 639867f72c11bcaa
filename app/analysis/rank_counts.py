"""The counting behind rank chances (app.analysis.ranks): each option's weighted-score
distribution, and the exact number of rank shares each option takes over every combination of
scores. Runs on every weight change of a comparison, so it is written for speed:

- A distribution is a product of polynomials, one per ranged criterion (x to the power of each
  weighted utility it can take), multiplied as Python integers: each coefficient, a count of
  score combinations, sits in its own fixed-width run of bits, and one integer product does a
  whole convolution in C. A fixed score only shifts the result.
- With two to four options, the shares follow from a few sums, over one grid of the values
  all options take, of products of per-value counts, each sum a `map` over lists (see
  `_exact_small`); more options, or values spread thin, take the general count (`_exact_any`).

Pure: no FastAPI, no database, no I/O."""

import bisect
import functools
import itertools
import math
import sys
from collections.abc import Mapping, Sequence
from operator import add, mul, sub
from typing import Literal, NamedTuple

# One option's assessed criteria: (index of the criterion, lowest utility, highest utility),
# utility being the score, or 6 minus it where lower is better.
Cells = tuple[tuple[int, int, int], ...]

# memoryview formats by bytes per coefficient
_FORMATS: dict[int, Literal["B", "H", "I", "Q"]] = {1: "B", 2: "H", 4: "I", 8: "Q"}
_SPREAD = 8  # how much longer than the values taken a grid may be


# Made anew on every weight change: a named tuple, which costs a third of a frozen dataclass
# to make.
class Dist(NamedTuple):
    """One option's weighted score distribution, on a denominator shared by all options."""

    slug: str
    low: int  # its lowest value
    step: int  # the gap between the values of `dense`: the shared denominator over its own
    dense: tuple[int, ...]  # how many score combinations give low, low + step, ...; 0: none
    high: int  # its highest value: low + step * (len(dense) - 1)
    total: int  # how many score combinations there are: the sum of `dense`

    @property
    def values(self) -> tuple[int, ...]:
        """The values it can take, ascending."""
        return tuple(itertools.compress(range(self.low, self.high + 1, self.step), self.dense))

    @property
    def counts(self) -> tuple[int, ...]:
        """How many score combinations give each of `values`."""
        return tuple(filter(None, self.dense))


@functools.lru_cache(maxsize=512)
def _factor(shift: int, k: int) -> int:
    """1 + x + ... + x^(k-1), with x = 2^shift."""
    return ((1 << (shift * k)) - 1) // ((1 << shift) - 1)


def _coefficients(ranged: Sequence[tuple[int, int]], total: int) -> tuple[int, ...]:
    """The coefficients of the product over `ranged` of (1 + x^step + ... + x^(step*(k-1)))
    for each (step, k), from x^0 up to the highest power; none exceeds `total`. Each sits in
    `width` bytes of one integer, so that one multiplication of integers does a convolution."""
    width = max(1, (total.bit_length() + 7) // 8)
    if width in (3, 5, 6, 7):
        width = 4 if width == 3 else 8
    poly = 1
    for step, k in ranged:
        poly *= _factor(8 * width * step, k)
    terms = sum(step * (k - 1) for step, k in ranged) + 1
    raw = poly.to_bytes(terms * width, sys.byteorder)  # native: read back by memoryview
    if width in _FORMATS:
        return tuple(memoryview(raw).cast(_FORMATS[width]))
    return tuple(
        int.from_bytes(raw[i : i + width], sys.byteorder) for i in range(0, len(raw), width)
    )


def _shape(cells: Cells, weights: Sequence[int]) -> tuple[int, int, int, tuple[int, ...]]:
    """One option's weighted score numerator: (its denominator, its lowest value, how many
    combinations of scores there are, the count of each value from the lowest up)."""
    den = low = 0
    total = 1
    ranged = []
    for ci, lo, hi in cells:
        w = weights[ci]
        if w:
            den += w
            if lo == hi:
                low += w * lo
                continue
            low += w * lo if w > 0 else w * hi
            ranged.append((abs(w), hi - lo + 1))
            total *= hi - lo + 1
    return den, low, total, _coefficients(ranged, total) if ranged else (1,)


def distributions(
    slugs: Sequence[str], cells: Sequence[Cells], weights: Sequence[int]
) -> tuple[list[Dist], list[str]]:
    """Ranked options' score distributions on a common denominator, and the slugs of options
    that cannot be ranked (no assessed criterion carries weight). `weights[i]` is criterion i's."""
    shapes = []
    unranked = []
    for slug, own in zip(slugs, cells, strict=True):
        den, low, total, dense = _shape(own, weights)
        if den:
            shapes.append((slug, den, low, total, dense))
        else:
            unranked.append(slug)
    common = math.lcm(*(s[1] for s in shapes)) if shapes else 1
    dists = []
    for slug, den, low, total, dense in shapes:
        step = common // den
        low, high = low * step, (low + len(dense) - 1) * step
        if step < 0:  # weights adding up to less than 0 (never a reader's) turn it around
            low, high, step, dense = high, low, -step, dense[::-1]
        dists.append(Dist(slug, low, step, dense, high, total))
    return dists, unranked


def exact_work(dists: Sequence[Dist]) -> int:
    n = len(dists)
    return sum(len(d.dense) - d.dense.count(0) for d in dists) * max(n - 1, 1) * n * (n + 1) // 2


def exact(dists: Sequence[Dist]) -> tuple[list[list[int]], int]:
    """Each option's chance of each rank, counting every combination of scores: for each
    option, the numerators of its chances, over the one denominator returned with them."""
    if len(dists) <= 1:
        return [[1]] * len(dists), 1
    low = min(d.low for d in dists)
    grid = max(d.high for d in dists) - low + 1
    # Up to four options, on one grid of every value between the lowest and the highest, when
    # it is not much longer than the values they take (denominators with a large least common
    # multiple spread them out).
    if len(dists) <= 4 and grid <= _SPREAD * sum(len(d.dense) for d in dists):
        levels = []
        for d in dists:
            level = [0] * grid
            level[d.low - low : d.high - low + 1 : d.step] = d.dense
            levels.append(level)
        return _exact_small(levels, [d.total for d in dists])
    return _exact_any(dists)


def _exact_small(level: Sequence[list[int]], totals: Sequence[int]) -> tuple[list[list[int]], int]:
    """Two to four options (four: `_four`), given for each option j and each value v of one
    grid the count L_j(v) of its combinations of scores giving v, and their number T_j. Let
    H_j(v) be 2 * below + L_j(v), below being the count of j's combinations under v.

    Against one other option j, option i's first places, in halves of a place (a tie is half a
    first place), number P_ij = the sum over v of L_i(v) * H_j(v); and P_ij + P_ji = 2 T_i T_j.
    Against two, j and k, in sixths of a place (b: below v, l: level with v, a: above): first
    places are 6 bb + 3 (lb + bl) + 2 ll, which is (3 H_j H_k + L_j L_k) / 2 summed over v
    weighted by L_i; last places likewise with A = 2 T - H in place of H, whose sum expands
    into the first places' sums and P."""
    upto = [list(itertools.accumulate(lj)) for lj in level]
    half = [list(map(add, u, [0, *u[:-1]])) for u in upto]  # 2 * below + level
    t = totals
    if len(level) == 2:
        first = sum(map(mul, level[0], half[1]))
        both = 2 * t[0] * t[1]
        return [[first, both - first], [both - first, first]], both
    pairs = {}
    for i, j in itertools.combinations(range(len(level)), 2):
        pairs[i, j] = sum(map(mul, level[i], half[j]))
        pairs[j, i] = 2 * t[i] * t[j] - pairs[i, j]
    if len(level) == 4:
        return _four(level, half, t, pairs)
    ties = sum(map(mul, level[0], map(mul, level[1], level[2])))
    everything = 6 * t[0] * t[1] * t[2]
    out = []
    for i, j, k in ((0, 1, 2), (1, 0, 2), (2, 0, 1)):
        below = sum(map(mul, level[i], map(mul, half[j], half[k])))
        above = 4 * t[i] * t[j] * t[k] - 2 * t[k] * pairs[i, j] - 2 * t[j] * pairs[i, k] + below
        first, last = (3 * below + ties) // 2, (3 * above + ties) // 2
        out.append([first, everything - first - last, last])  # each option's add up to all
    return out, everything


def _four(
    level: Sequence[list[int]],
    half: Sequence[list[int]],
    t: Sequence[int],
    pairs: Mapping[tuple[int, int], int],
) -> tuple[list[list[int]], int]:
    """Four options, in 24ths of a place. Sharing tied ranks equally is breaking ties at
    random: option i, at value v, draws u uniformly from 0..1; another option j then beats it
    in A_j(v) + L_j(v) * (1 - u) of its combinations (A: above v) and loses in
    B_j(v) + L_j(v) * u (B: below). Its first places are the integral over u of the product of
    the three others' losses: 3 H_j H_k H_m + L_j L_k H_m + L_j H_k L_m + H_j L_k L_m, in 24ths;
    its last places the same with 2 T - H in place of H. The mean number of options above it,
    the sum over j of T_i T_j - P_ij / 2 times the other totals, and the total then give the
    middle two ranks."""
    whole = 24 * math.prod(t)
    above = [list(map(sub, itertools.repeat(2 * tj), hj)) for tj, hj in zip(t, half, strict=True)]
    out = []
    for i in range(4):
        j, k, m = (o for o in range(4) if o != i)
        first, last = (
            sum(map(mul, level[i], map(mul, h[j], map(mul, h[k], h[m])))) * 3
            + sum(map(mul, level[i], map(mul, level[j], map(mul, level[k], h[m]))))
            + sum(map(mul, level[i], map(mul, level[j], map(mul, h[k], level[m]))))
            + sum(map(mul, level[i], map(mul, h[j], map(mul, level[k], level[m]))))
            for h in (half, above)
        )
        # In 24ths: the ranks below first, counted with their distance from first.
        behind = sum(
            whole - 12 * pairs[i, o] * math.prod(t[x] for x in range(4) if x not in (i, o))
            for o in (j, k, m)
        )
        third = behind - 2 * last - whole + first
        out.append([first, whole - first - third - last, third, last])
    return out, whole


def _exact_any(dists: Sequence[Dist]) -> tuple[list[list[int]], int]:
    """For each option and each value v it reaches: the distribution of (how many others score
    above v, how many score v) is a product over the independent others; an option with g
    above and e level with it occupies ranks g+1 .. g+e+1, a share of 1/(e+1) each."""
    n = len(dists)
    share = math.lcm(*range(1, n + 1))  # integer shares of 1/(e+1)
    portions = [share // (e + 1) for e in range(n)]
    everything = math.prod(d.total for d in dists) * share
    base = n + 1  # grid cell (g, e) is keyed g * base + e: no tuples in the hot loop
    out = []
    # Runs once per weight change: the others' fields are read into locals, not looked up.
    fields = [
        (d.values, d.counts, (0, *itertools.accumulate(d.counts)), d.total, len(d.values))
        for d in dists
    ]
    for i, di in enumerate(dists):
        others = [f for j, f in enumerate(fields) if j != i]
        acc = [0] * n
        for v, count in zip(di.values, di.counts, strict=True):
            # An other wholly above (or below) v only scales the counts and shifts g: kept
            # aside, so the grid grows only for others that straddle v.
            scale, shift = count, 0
            straddle = []
            for values, counts, upto, total, size in others:
                k = bisect.bisect_left(values, v)
                level = counts[k] if k < size and values[k] == v else 0
                above = total - upto[k] - level
                if above == total:
                    scale *= total
                    shift += 1
                elif above + level == 0:
                    scale *= total
                else:
                    straddle.append((above, level, total - above - level))
            if not straddle:
                acc[shift] += scale * share
                continue
            # grid: number of combinations of the others with g above v and e equal to v.
            grid: dict[int, int] = {0: scale}
            for above, level, below in straddle:
                nxt: dict[int, int] = {}
                for cell, k in grid.items():
                    if above:
                        nxt[cell + base] = nxt.get(cell + base, 0) + k * above
                    if level:
                        nxt[cell + 1] = nxt.get(cell + 1, 0) + k * level
                    if below:
                        nxt[cell] = nxt.get(cell, 0) + k * below
                grid = nxt
            for cell, k in grid.items():
                g, e = divmod(cell, base)
                part = k * portions[e]
                for r in range(g + shift, g + shift + e + 1):
                    acc[r] += part
        out.append(acc)
    return out, everything
