"""The answers of notebooks/60_trends/02_reporting_artefacts.ipynb against the ground truth of
the ``trend_statistics`` generator (:mod:`vidlab.synth.trends`).

The lesson's answers come from the data with the analysis library; this check recomputes the
data-driven part independently and asserts that what the lesson finds is what the generator
put in: the largest jump is a true artefact, the hotline step is a proactive search, the
industry fall has the right kind, the world growth is near the true growth, and the countries
flagged are mostly those with true artefacts.
"""

import numpy as np
import pandas as pd

from vidlab.trends import detect_steps


def _yearly(dataset):
    return pd.read_csv(dataset.path("trends") / "yearly.csv", keep_default_na=False)


def _months_apart(a, b):
    return abs((int(a[:4]) - int(b[:4])) * 12 + int(a[5:7]) - int(b[5:7]))


def check_trends_answers(answers, dataset):
    """Assert each ``artefacts.*`` answer in ``answers`` against ``dataset``'s ground truth."""
    assert sorted(answers) == sorted(f"artefacts.{name}" for name in (
        "jump_country", "jump_verdict", "search_country", "step_kind", "growth_reports",
        "artefact_countries"))
    yearly = _yearly(dataset).sort_values(["country", "year"])
    monthly = pd.read_csv(dataset.path("trends") / "monthly.csv", keep_default_na=False)
    events = dataset.ground_truth("trends_events")
    truth = dataset.ground_truth("trends_truth")
    artefacts = events[events["is_artefact"]]

    # 1-2. the largest rise per inhabitant is an artefact that raises reports, and is judged so
    rate = yearly["reports_total"] / yearly["population"]
    rise = rate / rate.groupby(yearly["country"]).shift(1)
    jump = yearly.loc[rise.idxmax()]
    assert answers["artefacts.jump_country"] == jump["country"]
    cause = events[(events["country"] == jump["country"]) & (events["effect"] > 1)
                   & events["start"].str[:4].astype(int).between(jump["year"] - 1, jump["year"])]
    assert len(cause) == 1 and cause["is_artefact"].item(), cause
    assert answers["artefacts.jump_verdict"] == "reporting artefact"

    # 3. the largest hotline step up: a hotline that started proactive search
    searches = artefacts[(artefacts["kind"] == "proactive_search")
                         & (artefacts["country"] == answers["artefacts.search_country"])]
    assert len(searches) == 1, answers["artefacts.search_country"]

    # 4. the largest fall of industry reports: a true industry artefact of the answered kind
    falls = pd.concat([detect_steps(rows["month"], rows["reports_industry"]).assign(country=c)
                       for c, rows in monthly.groupby("country")], ignore_index=True)
    fall = falls.loc[falls["size"].idxmin()]
    cause = artefacts[(artefacts["country"] == fall["country"])
                      & (artefacts["source"] == "industry")]
    cause = cause[[_months_apart(start, fall["month"]) <= 2 for start in cause["start"]]]
    assert cause["kind"].tolist() == [answers["artefacts.step_kind"]], (fall, cause)

    # 5. the world growth 2013-2019: from the data, and near the true growth
    observed = yearly[yearly["year"].between(2013, 2019)].groupby("year")["reports_total"].sum()
    growth = np.expm1(np.polyfit(observed.index, np.log(observed.to_numpy()), 1)[0])
    assert abs(answers["artefacts.growth_reports"] - growth) < 0.002
    expected = truth[(truth["indicator"] == "reports_total")
                     & truth["year"].between(2013, 2019)].groupby("year")["true_value"].sum()
    true_growth = np.expm1(np.polyfit(expected.index, np.log(expected.to_numpy()), 1)[0])
    assert abs(answers["artefacts.growth_reports"] - true_growth) < 0.05

    # 6. the countries with a flagged artefact are mostly those with a true artefact
    flagged = set(answers["artefacts.artefact_countries"])
    assert answers["artefacts.artefact_countries"] == sorted(flagged)
    true_countries = set(artefacts["country"])
    assert len(flagged & true_countries) / len(flagged | true_countries) >= 0.6
