"""The trend methods on the ``trend_statistics`` generator's data recover its true
parameters: growth within the confidence intervals, and most events told apart."""

import numpy as np
import pytest

from vidlab.seed import make_rng
from vidlab.synth.trends import make_trend_statistics
from vidlab.trends import aggregate, classify_changes, fit_trend, load_trends


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("trends") / "trends"
    truth = make_trend_statistics(folder, {}, make_rng(0))
    return load_trends(folder), truth


def test_growth_of_quiet_countries_is_within_the_intervals(world):
    data, truth = world
    parameters = truth["parameters"].set_index(["country", "indicator"])["growth"]
    quiet = sorted(set(data.yearly["country"]) - set(truth["events"]["country"]))
    covered = total = 0
    for country in quiet:
        rows = data.yearly[data.yearly["country"] == country]
        for indicator in ("reports_hotline", "reports_industry", "media_added"):
            fit = fit_trend(rows["year"], rows[indicator], method="poisson")
            covered += fit.growth_low <= np.expm1(parameters[country, indicator]) <= fit.growth_high
            total += 1
    assert total >= 24 and covered / total >= 0.85


def test_global_growth_of_reports_matches_the_truth(world):
    data, truth = world
    expected = truth["truth"][truth["truth"]["indicator"] == "reports_total"]
    expected = expected.groupby("year")["true_value"].sum()
    true_growth = fit_trend(expected.index, expected.to_numpy()).growth
    world_total = aggregate(data.yearly, by="global")
    fit = fit_trend(world_total["year"], world_total["reports_total"], method="theil_sen")
    assert fit.growth_low <= true_growth <= fit.growth_high
    assert 0.1 <= fit.growth <= 0.25  # the "~10-25 % a year"


def test_most_events_are_told_apart(world):
    """Per event: a change found within 15 months of its start; artefacts called reporting
    artefacts, real changes called real; few changes found where nothing happened."""
    data, truth = world
    events = truth["events"]
    right = found_rows = unexplained = 0
    for country in sorted(data.yearly["country"].unique()):
        table = classify_changes(data.yearly, country, data.monthly)
        times = np.array([int(m[:4]) + (int(m[5:]) - 1) / 12 if m else y
                          for y, m in zip(table["year"], table["month"], strict=True)])
        mine = events[events["country"] == country]
        starts = np.array([int(s[:4]) + (int(s[5:]) - 1) / 12 for s in mine["start"]])
        for event, start in zip(mine.itertuples(), starts, strict=True):
            near = np.flatnonzero(np.abs(times - start) <= 1.25)
            if len(near):
                found_rows += 1
                verdict = table["verdict"].iloc[near[0]]
                right += verdict == ("reporting artefact" if event.is_artefact else "real change")
        unexplained += sum(len(starts) == 0 or np.abs(starts - time).min() > 1.5
                           for time in times)
    assert found_rows >= 0.9 * len(events)
    assert right >= 0.75 * len(events)
    assert unexplained <= 6
