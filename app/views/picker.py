"""The compare page with fewer than two options: a picker. It shows the option already chosen
(if any) as kept and offers every other one, each with its one-line summary and veto status,
in a plain GET form that keeps the weights, hypotheses and day shown.

Pure: no FastAPI, no database."""

from dataclasses import dataclass

from app.analysis.index import Index, vetoes
from app.state import MAX_COMPARE, MIN_COMPARE, CompareState
from app.views.verdict import join


@dataclass(frozen=True)
class PickerOption:
    slug: str
    title: str
    summary: str
    status: str  # veto status under the page's hypotheses: clear / uncertain / blocked / barred
    href: str


@dataclass(frozen=True)
class ComparePicker:
    kept: PickerOption | None  # the one option already chosen
    choices: tuple[PickerOption, ...]  # every other option, in dataset order
    hidden: tuple[tuple[str, str], ...]  # `w`, `assume`, `at`: sent again with the ticks
    carried: str  # what of them the reader set, in words ("your weights and hypotheses"), or ""
    fewest: int  # options still to tick, at least
    most: int  # options that may still be ticked
    sizes: tuple[int, int]  # the fewest and most options a comparison shows
    drop_kept: str | None  # the picker's address without the kept option, weights kept


def compare_picker(index: Index, state: CompareState) -> ComparePicker:
    status = {slug: v.status for slug, v in vetoes(index, state.assume).items()}

    def item(slug: str) -> PickerOption:
        o = index.options[slug]
        return PickerOption(slug, o.title, o.summary, status[slug], f"/options/{slug}")

    rest = state.with_options(())
    query = rest.query()
    return ComparePicker(
        kept=item(state.o[0]) if state.o else None,
        choices=tuple(item(slug) for slug in index.options if slug not in state.o),
        hidden=tuple(rest.pairs()),
        carried=join([w for w, on in (("weights", state.w), ("hypotheses", state.assume)) if on]),
        fewest=MIN_COMPARE - len(state.o),
        most=MAX_COMPARE - len(state.o),
        sizes=(MIN_COMPARE, MAX_COMPARE),
        drop_kept=("/compare" + (f"?{query}" if query else "")) if state.o else None,
    )
