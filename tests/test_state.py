"""The one parser: parse(serialise(state)) == state, and serialising is canonical."""

from urllib.parse import parse_qsl

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.dataset.hypotheses import Hypothesis
from app.state import (
    BadParam,
    CompareState,
    ExploreState,
    Vocab,
    parse_compare,
    parse_explore,
)

VOCAB = Vocab(
    categories=("alliance", "force", "treaty"),
    statuses=("proposed", "in-force", "rejected"),
    attributes={"binding": ("true", "false"), "us": ("required", "optional", "none")},
    criteria={"feasibility": 3, "deterrence": 4, "escalation-risk": 2},
    stakeholders=("hu", "ua", "us"),
    options=("a5", "nato", "force", "un", "eu", "bilateral", "neutral"),
)

subset = lambda xs: st.lists(st.sampled_from(xs), unique=True).map(lambda v: tuple(sorted(v)))  # noqa: E731
pairs_of = lambda keys, values: st.dictionaries(st.sampled_from(keys), values).map(  # noqa: E731
    lambda d: tuple(sorted(d.items()))
)

hypotheses_of = lambda positions: pairs_of(VOCAB.stakeholders, positions).map(  # noqa: E731
    lambda d: tuple(Hypothesis(k, v) for k, v in d)
)

explore_states = st.builds(
    ExploreState,
    q=st.text(alphabet="abc xyz-éü&=,:", max_size=20).map(lambda s: " ".join(s.split())),
    category=subset(VOCAB.categories),
    status=subset(VOCAB.statuses),
    attrs=st.sampled_from(list(VOCAB.attributes)).flatmap(
        lambda k: st.sampled_from(VOCAB.attributes[k]).map(lambda v: ((k, v),))
    )
    | st.just(()),
    mins=pairs_of(list(VOCAB.criteria), st.integers(1, 5)),
    max_hurdle=st.none() | st.integers(1, 5),
    stances=pairs_of(
        VOCAB.stakeholders, st.sampled_from(["support", "oppose", "not-oppose", "unknown"])
    ),
    veto=st.none() | st.sampled_from(["clear", "uncertain", "blocked"]),
    sort=st.none() | st.sampled_from(["-title", "veto", "feasibility", "-deterrence"]),
    o=st.lists(st.sampled_from(VOCAB.options), unique=True, max_size=4).map(tuple),
    assume=hypotheses_of(st.sampled_from([-2, -1, 0, 1, 2, None])),
)


@given(explore_states)
def test_explore_state_round_trips(state: ExploreState) -> None:
    assert parse_explore(parse_qsl(state.query()), VOCAB) == state


@pytest.mark.slow  # half a second or more: `make test` runs it, `make check` leaves it out
@given(explore_states, st.randoms())
def test_explore_serialisation_is_canonical(state: ExploreState, rnd) -> None:  # type: ignore[no-untyped-def]
    # Shuffled parameters and empty form fields describe the same state and give the same URL.
    items = parse_qsl(state.query()) + [("q", ""), ("max_hurdle", "")] * (not state.q)
    rnd.shuffle(items)
    assert parse_explore(items, VOCAB).query() == state.query()


compare_states = st.builds(
    lambda o, w, assume: CompareState(o=tuple(o), w=w, assume=assume, defaults=VOCAB.criteria),
    st.lists(st.sampled_from(VOCAB.options), unique=True, min_size=2, max_size=6),
    pairs_of(list(VOCAB.criteria), st.integers(0, 5)).map(
        lambda ws: tuple((k, v) for k, v in ws if VOCAB.criteria[k] != v)
    ),
    hypotheses_of(st.sampled_from([-2, 0, 2, None])),
)


@given(compare_states)
def test_compare_state_round_trips(state: CompareState) -> None:
    assert parse_compare(parse_qsl(state.query()), VOCAB) == state


def test_default_weights_are_left_out() -> None:
    state = parse_compare([("o", "a5,nato"), ("w", "feasibility:3,deterrence:1")], VOCAB)
    assert state.query() == "o=a5,nato&w=deterrence:1"
    assert state.weights() == {"feasibility": 3, "deterrence": 1, "escalation-risk": 2}


def test_option_order_is_kept_for_compare_but_lists_are_sorted_for_filters() -> None:
    assert parse_compare([("o", "un,a5")], VOCAB).o == ("un", "a5")
    assert parse_explore([("category", "treaty"), ("category", "alliance")], VOCAB).category == (
        "alliance",
        "treaty",
    )


@pytest.mark.parametrize(
    ("items", "param", "fragment"),
    [
        ([("color", "red")], "color", "is not a parameter"),
        ([("category", "aliance")], "category", "did you mean alliance"),
        ([("min.feasibility", "9")], "min.feasibility", "from 1 to 5"),
        ([("min.feasibility", "x")], "min.feasibility", "from 1 to 5"),
        ([("min.nope", "3")], "min.nope", "unknown criterion"),
        ([("attr.us", "maybe")], "attr.us", "unknown value"),
        ([("attr.colour", "red")], "attr.colour", "unknown attribute"),
        ([("stance.hu", "love")], "stance.hu", "unknown value"),
        ([("stance.xx", "support")], "stance.xx", "unknown stakeholder"),
        ([("veto", "maybe")], "veto", "unknown value"),
        ([("sort", "price")], "sort", "unknown sort field"),
        ([("sort", "title"), ("sort", "-title")], "sort", "only once"),
        ([("q", "x" * 201)], "q", "longer than 200"),
        ([("assume", "hu")], "assume", "stakeholder:position"),
        ([("assume", "hu:5")], "assume", "unknown position"),
        ([("assume", "hu:yes")], "assume", "unknown position"),
        ([("assume", "hu:")], "assume", "unknown position"),
        ([("assume", "Hu!:1")], "assume", "unknown stakeholder"),
        ([("assume", "hu:1,hu:-1")], "assume", "more than once"),
        ([("o", "a5,a5")], "o", "more than once"),
    ],
)
def test_bad_explore_parameters_name_the_parameter(
    items: list[tuple[str, str]], param: str, fragment: str
) -> None:
    with pytest.raises(BadParam) as exc:
        parse_explore(items, VOCAB)
    assert exc.value.param == param
    assert fragment in exc.value.message


def test_hypotheses_are_parsed_once_into_typed_positions() -> None:
    state = parse_explore([("assume", "us:unknown,hu:-2")], VOCAB)
    assert state.assume == (Hypothesis("hu", -2), Hypothesis("us", None))
    assert state.query() == "assume=hu:-2,us:unknown"


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("o=a5", "choose 2 to 6 options"),
        ("o=a5,nato,force,un,eu,bilateral,neutral", "7 given"),
        ("o=a5,nat", "did you mean nato"),
        ("o=a5,nato&w=feasibility:6", "from 0 to 5"),
        ("o=a5,nato&w=price:3", "unknown criterion"),
        ("o=a5,nato&w=feasibility", "criterion:weight"),
    ],
)
def test_bad_compare_parameters(query: str, fragment: str) -> None:
    with pytest.raises(BadParam) as exc:
        parse_compare(parse_qsl(query), VOCAB)
    assert fragment in exc.value.message
