"""The comparison's scores chart on its own: whole criterion names, a bounded size."""

from app.charts.grouped import Group, grouped
from app.charts.svg import BarRow

LONG = "Durability: survives a change of government in every guarantor and in Ukraine itself"


def test_criterion_names_wrap_whole_and_many_criteria_are_counted() -> None:
    cells = (BarRow(LONG, 3, 2, 4, "Moderate"), BarRow(LONG, None))
    chart = grouped(["One", "Two"], [Group(LONG, True, cells)])
    text = chart.svg
    assert "…" not in text.split("lower is better")[0]  # the name is never cut
    for word in LONG.split():
        assert word in text
    assert "not assessed" in text and "lower is better" in text
    many = grouped(["One", "Two"], [Group(f"Criterion {i}", False, cells) for i in range(45)])
    assert "Criterion 28<" in many.svg and "Criterion 29<" not in many.svg
    assert "and 16 more criteria, in the table" in many.svg
    assert len(many.tables[0].rows) == 45  # the table lists every one
