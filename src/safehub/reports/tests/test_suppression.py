from safehub.reports.suppression import count_text, secondary, table_text, value_text


def test_primary_suppression_hides_one_to_four_and_shows_zero():
    assert [count_text(n) for n in (0, 1, 4, 5, 1234)] == ["0", "*", "*", "5", "1,234"]


def test_secondary_suppression_hides_the_next_smallest_cell():
    # police 3 would be total 40 - 12 - 25 without the secondary suppression of health (12)
    assert table_text([3, 12, 25], 40) == (["*", "*", "25"], "40")


def test_two_small_cells_need_no_secondary():
    assert secondary([2, 3, 30], 35) == ([True, True, False], False)


def test_with_only_zero_cells_left_the_total_is_hidden():
    assert table_text([3, 0, 0], 3) == (["*", "0", "0"], "*")
    assert table_text([3, 0], 9) == (["*", "0"], "*")


def test_nothing_small_nothing_hidden():
    assert table_text([5, 6], 11) == (["5", "6"], "11")


def test_rates_and_percentages_follow_their_counts():
    assert value_text("count", 3, 3, None) == ("*", True)
    assert value_text("percent", 50.0, 3, 6) == ("*", True)  # suppressed numerator
    assert value_text("percent", 62.5, 5, 8) == ("–", True)  # denominator under 10
    assert value_text("percent", 50.0, 5, 10) == ("50.0%", False)
    assert value_text("rate", 0.6, 3, 50_000) == ("*", True)
    assert value_text("rate", 41.2, 206, 50_000) == ("41.2", False)
    assert value_text("percent", None, 0, 0) == ("–", False)
