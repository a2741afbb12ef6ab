import pytest

from contest.domain.statistics import AgencyFigures, AgencyNode, rank_agencies, roll_up, score_band


@pytest.mark.parametrize(
    ("correct", "total", "band"),
    [
        (20, 20, "all"),
        (15, 20, "high"),
        (14, 20, "middle"),
        (5, 20, "middle"),
        (4, 20, "low"),
        (0, 20, "none"),
    ],
)
def test_score_bands(correct, total, band):
    assert score_band(correct, total) == band


def test_roll_up_counts_communes_in_their_district_and_province():
    nodes = [
        AgencyNode(1, None, AgencyFigures(participants=1, headcount=10)),  # province
        AgencyNode(2, 1, AgencyFigures(participants=5, headcount=100)),  # district
        AgencyNode(3, 2, AgencyFigures(participants=7, entries=9, headcount=20)),  # commune
        AgencyNode(4, 2, AgencyFigures(participants=2, headcount=20)),  # commune
    ]
    totals = roll_up(nodes)
    assert totals[2].participants == 14 and totals[2].headcount == 140
    assert totals[1].participants == 15 and totals[3].entries == 9
    assert totals[2].participation_rate == pytest.approx(0.1)


def test_roll_up_survives_a_cycle():
    nodes = [
        AgencyNode(1, 2, AgencyFigures(participants=1)),
        AgencyNode(2, 1, AgencyFigures(participants=1)),
    ]
    assert roll_up(nodes)[1].participants == 2


def test_rank_agencies_by_each_measure():
    figures = {
        1: AgencyFigures(participants=50, headcount=100, score_sum=900),
        2: AgencyFigures(participants=30, headcount=30, score_sum=600),
        3: AgencyFigures(participants=50, headcount=0, score_sum=500),
    }
    assert rank_agencies(figures, "participants") == [(1, 1, 50), (1, 3, 50), (3, 2, 30)]
    assert [a for _r, a, _v in rank_agencies(figures, "participation_rate")] == [2, 1]
    assert [a for _r, a, _v in rank_agencies(figures, "average_score")] == [2, 1, 3]
