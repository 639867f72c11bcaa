"""The HTML pages' view models (app.pages): what templates would otherwise look up in the
site index arrives resolved, names next to slugs, citations with their link health."""

import datetime as dt
from pathlib import Path

import pytest

from app.analysis.index import build_index, vetoes
from app.config import DEFAULT_DATASET
from app.dataset.check import load_dataset
from app.dataset.records import LinkStatus, RevisionInfo
from app.pages import explore, option, parts, source
from app.serving.site import build_site
from app.state import parse_explore
from app.views.verdict import Named

FLOOD = Path(__file__).parents[1] / "data" / "flood-defences.yaml"
CHECKED = dt.datetime(2024, 7, 1, tzinfo=dt.UTC)


def link(*, ok: bool, archive: str | None = None) -> LinkStatus:
    return LinkStatus(ok, 200 if ok else 404, None, None, archive, CHECKED)


def test_citations_carry_publisher_year_and_link_health() -> None:
    index = build_index(load_dataset(FLOOD))
    roll, compact, emergency = (
        index.sources[s] for s in ("council-roll", "compact", "emergency-order")
    )
    assert roll.url and compact.url and emergency.url
    links = {
        roll.url: link(ok=False, archive="https://web.archive.org/x"),
        compact.url: link(ok=False),
        emergency.url: link(ok=True),
    }
    cited = parts.citations(index, links)
    assert set(cited) == set(index.sources)
    assert cited["council-roll"] == parts.CitedSource(
        roll.publisher, roll.date.year, True, "https://web.archive.org/x"
    )
    assert cited["compact"].dead and cited["compact"].archive_url is None
    assert not cited["emergency-order"].dead
    assert not cited["gazette"].dead  # no address, so never checked


def test_decision_path_names_every_stakeholder_and_each_condition_once() -> None:
    index = build_index(load_dataset(FLOOD))
    path = option.decision_path(index, vetoes(index)["harbour-levy"])
    assert [n.name for n in path.steps[1].uncertain] == [index.stakeholders["mayor"].name]
    assert path.steps[0].supporters == (
        Named("north", index.stakeholders["north"].name),
        Named("south", index.stakeholders["south"].name),
    )
    barred = option.decision_path(index, vetoes(index)["river-diversion"])
    (end,) = barred.conditions
    assert end.condition.slug == "flood-emergency"
    assert end.where == "hold a planning inquiry (the Planning inquiry)"


def test_blockers_come_with_names_and_stances() -> None:
    index = build_index(load_dataset(DEFAULT_DATASET))
    analysis = next(a for a in vetoes(index).values() if a.blockers)
    path = option.decision_path(index, analysis)
    assert [(who.slug, who.name) for group, _ in path.blockers for who in group] == [
        (b.stakeholder, index.stakeholders[b.stakeholder].name) for b in analysis.blockers
    ]
    stance_of = {b.stakeholder: b.stance for b in analysis.blockers}
    assert all(stance_of[who.slug] == st for group, st in path.blockers for who in group)


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
def test_blockers_of_one_joint_statement_share_one_quote() -> None:
    """Five governments that opposed through one joint statement: quoted once, not five times."""
    index = build_index(load_dataset(DEFAULT_DATASET))
    path = option.decision_path(index, vetoes(index)["neutrality-with-guarantors"])
    joint = [(group, st) for group, st in path.blockers if len(group) > 1]
    assert joint and all(st.via for _, st in joint)
    summaries = [st.summary for _, st in path.blockers]
    assert len(summaries) == len(set(summaries))


def test_explore_page_resolves_hypotheses_and_ticked_options() -> None:
    index = build_index(load_dataset(FLOOD))
    site = build_site(RevisionInfo(3, "h", CHECKED, None), index)
    state = parse_explore(
        [("assume", "flood-emergency:lifted,mayor:1"), ("o", "sea-wall,tidal-barrier")], site.vocab
    )
    page = explore.build(index, site.vocab, state)
    assert page.assumed == (
        explore.Assumed(index.conditions["flood-emergency"].title, "lifted"),
        explore.Assumed(index.stakeholders["mayor"].name, "1"),
    )
    assert page.ticked == (index.options["sea-wall"].title, index.options["tidal-barrier"].title)
    assert page.filters.stakeholders == tuple(
        s for s in index.ds.stakeholders if any(who == s.slug for who, _ in index.history)
    )
    assert site.meta == parts.PageMeta(
        index.ds.dossier.title,
        index.ds.dossier.question,
        index.ds.dossier.summary,
        index.ds.dossier.as_of,
        index.ds.dossier.licence,
        3,
        None,
        earliest=index.earliest,  # the date control's minimum
    )
    day = index.earliest
    assert day is not None
    assert site.at(day).meta.at == day  # the banner "As it stood on ..."


def test_a_source_page_lists_each_joint_statement_once() -> None:
    index = build_index(load_dataset(FLOOD))
    page = source.build(index, {}, "gazette")
    kinds = [(line.claim.kind, line.statement is not None) for line in page.lines]
    assert kinds == [
        ("assessment", False),
        ("assessment", False),
        ("stance", True),
        ("stance", False),
    ]
    letter = page.lines[2]
    assert letter.statement is not None and letter.statement.via == "a joint letter"
    assert letter.signatories == (
        Named("conservatives", "Conservative group"),
        Named("liberals", "Liberal group"),
    )
    assert page.signatories == 2 and len(index.cited_by["gazette"]) == 5
