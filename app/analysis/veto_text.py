"""The English of a veto analysis: the conditions that bar a step, what can go on meanwhile,
and the one-paragraph reason for an option's status. Pure."""

from collections.abc import Sequence

from app.analysis.veto import Bar, Blocker, StepVeto
from app.analysis.votes import (
    Label,
    join_names,
    the,
)
from app.dataset.vocabulary import VetoStatus


def while_text(bars: Sequence[Bar]) -> str:
    """ "while martial law lasts (Constitution of Ukraine, Art. 157)": the condition and law."""
    titles = join_names(list(dict.fromkeys(b.title[:1].lower() + b.title[1:] for b in bars)))
    laws = list(dict.fromkeys(b.law for b in bars if b.law))
    return f"while {titles} lasts" + (f" ({'; '.join(laws)})" if laws else "")


def option_reason(
    status: VetoStatus,
    steps: Sequence[StepVeto],
    blockers: Sequence[Blocker],
    label: Label,
    bars: Sequence[Bar] = (),
) -> str:
    if status == "barred":
        where = join_names(list(dict.fromkeys(b.where for b in bars)))
        reason = f"Barred {while_text(bars)}: {where} cannot happen until it ends."
        if go_on := meanwhile(steps):
            reason += f" The steps before it are not barred and can go on meanwhile: {go_on}."
        return reason
    if not steps:
        return "Clear: the dataset lists no decision body that has to agree."
    if status == "clear":
        return "Clear: no step has a veto holder who opposes or whose position is unknown."
    first = next(s for s in steps if s.status == status)
    if status == "blocked" and blockers:
        who = join_names([label(b.stakeholder) for b in blockers])
        where = join_names([the(s.title, cap=False) for s in steps if s.blockers])
        return f"Blocked: {who} can veto it in {where}."
    word = "Blocked" if status == "blocked" else "Uncertain"
    return f"{word}: {first.reason}"


def meanwhile(steps: Sequence[StepVeto]) -> str:
    """What can go on while a later step is barred: the steps before the first barred one, e.g.
    "the European Council, the Council of the EU" while a constitutional amendment waits."""
    first = next((s.ordinal for s in steps if s.bars), None)
    if first is None:
        return ""
    return join_names([the(s.title, cap=False) for s in steps if s.ordinal < first])
