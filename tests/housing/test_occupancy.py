"""The arithmetic of places: counting people by day and choosing places."""

import datetime

from housing import occupancy

D = datetime.date


def test_peak_counts_people_present_on_the_same_day_and_says_when():
    stays = [(D(2027, 1, 1), D(2027, 1, 10)), (D(2027, 1, 5), None), (D(2027, 1, 11), None)]
    assert occupancy.peak(stays, D(2027, 1, 1)) == (2, D(2027, 1, 5))
    # The first stay's last night is the 10th: on the 11th it has left.
    assert occupancy.peak(stays, D(2027, 1, 11), D(2027, 1, 11)) == (2, D(2027, 1, 11))
    assert occupancy.peak(stays, D(2026, 1, 1), D(2026, 12, 31)) == (0, D(2026, 1, 1))


def test_an_open_stay_counts_for_ever():
    assert occupancy.peak([(D(2027, 1, 1), None)], D(2040, 1, 1))[0] == 1


def test_daily_counts():
    stays = [(D(2027, 1, 2), D(2027, 1, 3)), (D(2027, 1, 3), None)]
    assert occupancy.daily_counts(stays, D(2027, 1, 1), 5) == [0, 1, 2, 1, 1]


def test_a_person_keeps_one_place_when_one_is_free_throughout():
    busy = {1: [(D(2027, 1, 1), None)]}
    assert occupancy.assign_places(busy, range(1, 3), D(2027, 2, 1), None) == [
        (2, D(2027, 2, 1), None)
    ]


def test_a_person_changes_place_when_no_single_place_is_free_for_the_whole_stay():
    # Two places: A on place 1 until the 10th, B on place 2 from the 11th. Someone from
    # the 5th to the 15th fits every day (two people at most) but on no single place.
    busy = {1: [(D(2027, 1, 1), D(2027, 1, 10))], 2: [(D(2027, 1, 11), D(2027, 1, 20))]}
    stretches = occupancy.assign_places(busy, range(1, 3), D(2027, 1, 5), D(2027, 1, 15))
    assert stretches == [(2, D(2027, 1, 5), D(2027, 1, 10)), (1, D(2027, 1, 11), D(2027, 1, 15))]


def test_no_place_on_a_full_day_gives_none():
    busy = {1: [(D(2027, 1, 1), None)]}
    assert occupancy.assign_places(busy, range(1, 2), D(2027, 1, 3), None) is None
