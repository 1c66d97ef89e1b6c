"""The ``trend_statistics`` generator: yearly and monthly statistics of a specialist field.

A working group that meets yearly to identify trends reads statistics such as reports
received by hotlines, referrals from industry, media added to a reference database, victims
and offenders identified. Such numbers mix **real change** with **reporting artefacts**:
a hotline that starts searching proactively, a pandemic spike, many duplicate reports
bundled into one, an encryption roll-out that hides reports. :func:`make_trend_statistics`
invents such statistics for a built-in table of 30 countries (:data:`COUNTRIES`: ISO code,
name, region, approximate 2020 population and internet-user share: public, non-personal
figures) and saves every true parameter, so that a study can test whether a method recovers
them.

* **Reports** come from three sources, ``hotline``, ``industry`` (platform referrals to a
  US-style hotline, most of the reports) and ``police``. Each (country, source) series grows
  exponentially (log growth about 0.1-0.25 a year: faster where internet use grows fast),
  month by month. The global sum of ``reports_total`` is calibrated to about 21.8 million
  in 2020 and 36.2 million in 2023 (shaped on NCMEC CyberTipline figures).
* **Independent indicators** (``victims_identified``, ``offenders_identified``,
  ``series_new``, ``media_added``) grow on their own; the cumulative global sum of victims
  identified is about 10,000 over 2010-2017 and 30,000 over 2010-2022 (shaped on
  INTERPOL's figures). Offenders are 40-80 % of victims, new series 30-70 %, media about
  80 per victim.
* **Events** (ground truth ``events``), at most two per country, at least three years apart:
  ``proactive_search`` (hotline reports x2-x4 from a month on), ``pandemic_spike`` (every
  source x1.3-x1.6 from 2020-03 for 12-18 months), ``report_bundling`` (industry reports
  / 2-3 from a month on), ``encryption_rollout`` (industry reports x0.3-x0.6 from a month on
  and share_e2ee +0.2-0.35) are *artefacts*: reports move, victims do not. ``real_increase``
  and ``real_decrease`` change the annual log growth of every source *and* of every
  independent indicator of the country by +0.15-0.35 or -0.2-0.35 from January of their
  year on (``effect`` is then the factor per year, ``exp(change)``).
* **Shares**: ``share_e2ee`` (end-to-end-encrypted services) and ``share_self_generated``
  rise along logistic curves; the platform mix (social, messaging, file hosting, forum,
  other) drifts towards messaging.
* **Noise**: counts are Poisson-lognormal (overdispersed): a lognormal factor of spread
  ``noise`` per (country, series, year) and per month, then a Poisson draw.

Files in ``out_dir``: ``countries.csv`` (country, name, region, population),
``yearly.csv`` (:data:`YEARLY_COLUMNS`), ``monthly.csv`` (:data:`MONTHLY_COLUMNS`; the months
of a year sum to the yearly counts) and ``parameters.json`` (configuration, calibration, per
country and indicator the level, growth and change, the share curves and the events).
Generation takes well under a second.

>>> import pathlib, tempfile
>>> import pandas as pd
>>> from vidlab.seed import make_rng
>>> out = pathlib.Path(tempfile.mkdtemp()) / "trends"
>>> truth = make_trend_statistics(out, {"n_countries": 10}, make_rng(0))
>>> sorted(truth), sorted(path.name for path in out.iterdir())
(['events', 'parameters', 'truth'], ['countries.csv', 'monthly.csv', 'parameters.json', \
'yearly.csv'])
>>> yearly = pd.read_csv(out / "yearly.csv", keep_default_na=False)
>>> len(yearly), sorted(set(yearly["region"]))
(170, ['Africa', 'Americas', 'Asia', 'Europe', 'Oceania'])
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd

from vidlab.checks import check_int, check_number, parameter_error
from vidlab.synth.registry import merge_config, register_generator

__all__ = [
    "ARTEFACT_KINDS",
    "COUNTRIES",
    "DEFAULTS",
    "DEFAULT_EVENTS",
    "EVENT_KINDS",
    "INDEPENDENT",
    "INDICATORS",
    "MONTHLY_COLUMNS",
    "PLATFORMS",
    "REGIONS",
    "SOURCES",
    "YEARLY_COLUMNS",
    "make_trend_statistics",
]

#: (ISO alpha-2 code, name, region, population 2020, share of internet users 2020): rounded
#: public figures.
COUNTRIES = (
    ("AR", "Argentina", "Americas", 45_380_000, 0.86),
    ("AU", "Australia", "Oceania", 25_690_000, 0.90),
    ("BR", "Brazil", "Americas", 212_560_000, 0.81),
    ("CA", "Canada", "Americas", 38_010_000, 0.92),
    ("CO", "Colombia", "Americas", 50_880_000, 0.70),
    ("DE", "Germany", "Europe", 83_240_000, 0.90),
    ("EG", "Egypt", "Africa", 102_330_000, 0.72),
    ("ES", "Spain", "Europe", 47_350_000, 0.94),
    ("FJ", "Fiji", "Oceania", 896_000, 0.69),
    ("FR", "France", "Europe", 67_390_000, 0.85),
    ("GB", "United Kingdom", "Europe", 67_220_000, 0.95),
    ("GH", "Ghana", "Africa", 31_070_000, 0.58),
    ("ID", "Indonesia", "Asia", 273_520_000, 0.54),
    ("IN", "India", "Asia", 1_380_000_000, 0.43),
    ("IT", "Italy", "Europe", 59_550_000, 0.70),
    ("JP", "Japan", "Asia", 125_840_000, 0.90),
    ("KE", "Kenya", "Africa", 53_770_000, 0.29),
    ("KR", "South Korea", "Asia", 51_780_000, 0.97),
    ("MX", "Mexico", "Americas", 128_930_000, 0.72),
    ("NG", "Nigeria", "Africa", 206_140_000, 0.36),
    ("NL", "Netherlands", "Europe", 17_440_000, 0.91),
    ("NZ", "New Zealand", "Oceania", 5_090_000, 0.92),
    ("PH", "Philippines", "Asia", 109_580_000, 0.50),
    ("PK", "Pakistan", "Asia", 220_890_000, 0.25),
    ("PL", "Poland", "Europe", 37_950_000, 0.83),
    ("SE", "Sweden", "Europe", 10_350_000, 0.94),
    ("TH", "Thailand", "Asia", 69_800_000, 0.78),
    ("US", "United States", "Americas", 331_000_000, 0.91),
    ("VN", "Vietnam", "Asia", 97_340_000, 0.70),
    ("ZA", "South Africa", "Africa", 59_310_000, 0.70),
)
REGIONS = ("Africa", "Americas", "Asia", "Europe", "Oceania")
#: Annual log growth of the population by region.
POPULATION_GROWTH = {"Africa": 0.025, "Americas": 0.008, "Asia": 0.009, "Europe": 0.001,
                     "Oceania": 0.012}
INTERNET_SLOPE = 0.25  # logit of the internet-user share grows by this much a year
SOURCES = ("hotline", "industry", "police")
INDEPENDENT = ("media_added", "series_new", "victims_identified", "offenders_identified")
#: The modelled series: one level and growth per (country, indicator) in ``parameters``.
INDICATORS = tuple(f"reports_{source}" for source in SOURCES) + INDEPENDENT
PLATFORMS = ("social", "messaging", "file_hosting", "forum", "other")
YEARLY_COLUMNS = (["country", "region", "year", "population", "internet_users",
                   "reports_total"] + [f"reports_{source}" for source in SOURCES]
                  + list(INDEPENDENT) + ["share_e2ee", "share_self_generated"]
                  + [f"platform_{platform}" for platform in PLATFORMS])
MONTHLY_COLUMNS = ["country", "region", "month", "reports_total"] + [
    f"reports_{source}" for source in SOURCES]
EVENT_KINDS = ("proactive_search", "pandemic_spike", "report_bundling", "encryption_rollout",
               "real_increase", "real_decrease")
#: Reporting artefacts: reports move, the underlying exploitation does not.
ARTEFACT_KINDS = EVENT_KINDS[:4]
#: kind -> (source, indicator it moves first, effect range: a factor, or for real changes the
#: change of the annual log growth).
EVENT_SPECS = {
    "proactive_search": ("hotline", "reports_hotline", (2.0, 4.0)),
    "pandemic_spike": ("all", "reports_total", (1.3, 1.6)),
    "report_bundling": ("industry", "reports_industry", (1 / 3, 1 / 2)),
    "encryption_rollout": ("industry", "reports_industry", (0.3, 0.6)),
    "real_increase": ("all", "reports_total", (0.1, 0.2)),
    "real_decrease": ("all", "reports_total", (-0.25, -0.12)),
}
#: Events for 30 countries; fewer countries scale these down (at least one of each kind).
DEFAULT_EVENTS = {"proactive_search": 3, "pandemic_spike": 5, "report_bundling": 3,
                  "encryption_rollout": 3, "real_increase": 3, "real_decrease": 2}
#: ``n_events`` None: :data:`DEFAULT_EVENTS` scaled to ``n_countries``; or a mapping of kind
#: to count (missing kinds: 0).
DEFAULTS = {"first_year": 2010, "last_year": 2026, "n_countries": 30, "noise": 0.05,
            "n_events": None}
REPORT_TARGETS = {2020: 21_800_000, 2023: 36_200_000}  # global reports_total
VICTIM_TARGETS = ((2010, 2017, 10_000), (2010, 2022, 30_000))  # cumulative victims
PANDEMIC_START = (2020, 3)
EVENT_GAP = 3  # years between two events of one country
E2EE_JUMP = (0.2, 0.35)
RATIOS = {"offenders_identified": (0.4, 0.8), "series_new": (0.3, 0.7)}
MEDIA_PER_VICTIM = 80.0


# --- configuration -----------------------------------------------------------------------------


def _check_config(config):
    values = merge_config(config, DEFAULTS, "trend_statistics")
    for key, low, high in (("first_year", 2000, 2015), ("last_year", 2024, 2035),
                           ("n_countries", len(REGIONS), len(COUNTRIES))):
        values[key] = check_int(values[key], key, "trend_statistics", low, high)
    values["noise"] = check_number(values["noise"], "noise", "trend_statistics", 0, 0.5)
    values["n_events"] = _check_events(values["n_events"], values["n_countries"])
    return values


def _check_events(n_events, n_countries):
    if n_events is None:
        return {kind: max(1, round(count * n_countries / len(COUNTRIES)))
                for kind, count in DEFAULT_EVENTS.items()}
    if not isinstance(n_events, dict) or not set(n_events) <= set(EVENT_KINDS):
        raise parameter_error("n_events", "trend_statistics",
                              f"None or a mapping of {', '.join(EVENT_KINDS)} to counts",
                              n_events)
    counts = {kind: n_events.get(kind, 0) for kind in EVENT_KINDS}
    for count in counts.values():
        if isinstance(count, bool) or not isinstance(count, int | np.integer) or not (
                0 <= count <= n_countries):
            raise parameter_error("n_events", "trend_statistics",
                                  f"counts in [0, {n_countries}] (n_countries)", n_events)
    real = counts["real_increase"] + counts["real_decrease"]
    if real > n_countries or sum(counts.values()) > 2 * n_countries:
        raise parameter_error("n_events", "trend_statistics",
                              "at most 2 events per country and 1 real change per country "
                              f"({n_countries} countries)", n_events)
    return {kind: int(count) for kind, count in counts.items()}


# --- the model ---------------------------------------------------------------------------------


def _log_trend(t, growth, change_t, change):
    """Log of a series at times ``t`` (years since the first year): ``growth`` a year, plus
    ``change`` a year from ``change_t`` on (rows: series, columns: times)."""
    t = np.asarray(t, dtype=float)[None, :]
    return growth[:, None] * t + change[:, None] * np.maximum(t - change_t[:, None], 0.0)


def _countries(rng, n):
    """Indices into :data:`COUNTRIES`: every region, then a seeded choice of the others."""
    if n == len(COUNTRIES):
        return np.arange(n)
    regions = np.array([row[2] for row in COUNTRIES])
    first = [int(rng.choice(np.flatnonzero(regions == region))) for region in REGIONS]
    others = np.setdiff1d(np.arange(len(COUNTRIES)), first)
    return np.sort(np.concatenate([first, rng.choice(others, n - len(first), replace=False)]))


def _event_years(kind, first, last):
    if kind == "pandemic_spike":
        return [PANDEMIC_START[0]]
    if kind.startswith("real_"):
        return list(range(first + 3, last - 3))
    return list(range(first + 2, last - 1))


def _assign_events(rng, values, n):
    """``[(country index, kind, (start year, month), (end year, month) | None, effect)]`` with
    at most two events per country, of distinct kinds, one real change, years apart."""
    first, last = values["first_year"], values["last_year"]
    order = [kind for kind in EVENT_KINDS[::-1] for _ in range(values["n_events"][kind])]
    years = {country: [] for country in range(n)}
    kinds = {country: set() for country in range(n)}
    events = []
    for kind in order:  # real changes first: one per country
        real = kind.startswith("real_")
        candidates = _event_years(kind, first, last)

        def allowed(country, candidates=candidates):
            return [year for year in candidates
                    if all(abs(year - other) >= EVENT_GAP for other in years[country])]

        fits = [country for country in range(n)
                if len(years[country]) < 2 and kind not in kinds[country]
                and not (real and any(k.startswith("real_") for k in kinds[country]))
                and allowed(country)]
        if not fits:
            raise parameter_error("n_events", "trend_statistics",
                                  f"events that fit {n} countries (at most two per country, "
                                  f"{EVENT_GAP} years apart)", values["n_events"])
        weights = np.array([1.0 if not years[country] else 0.35 for country in fits])
        country = int(rng.choice(fits, p=weights / weights.sum()))
        year = int(rng.choice(allowed(country)))
        effect = float(rng.uniform(*EVENT_SPECS[kind][2]))
        end = None
        if kind == "pandemic_spike":
            month = PANDEMIC_START[1]
            last_month = year * 12 + month - 1 + int(rng.integers(12, 19)) - 1
            end = (last_month // 12, last_month % 12 + 1)
        else:
            month = 1 if real else int(rng.integers(1, 13))
        years[country].append(year)
        kinds[country].add(kind)
        events.append((country, kind, (year, month), end, effect))
    return events


def _month_factors(events, n, n_months, first):
    """Multiplicative artefact factors of shape (country, source, month)."""
    factors = np.ones((n, len(SOURCES), n_months))
    for country, kind, start, end, effect in events:
        if kind.startswith("real_"):
            continue
        begin = (start[0] - first) * 12 + start[1] - 1
        stop = n_months if end is None else (end[0] - first) * 12 + end[1]
        source = EVENT_SPECS[kind][0]
        rows = slice(None) if source == "all" else SOURCES.index(source)
        factors[country, rows, max(begin, 0):max(stop, 0)] *= effect
    return factors


def _changes(events, n, first):
    """Per country: the time (years since ``first``) of its real change (inf: none) and the
    change of the annual log growth."""
    change_t, change = np.full(n, np.inf), np.zeros(n)
    for country, kind, start, _, effect in events:
        if kind.startswith("real_"):
            change_t[country], change[country] = start[0] - first, effect
    return change_t, change


def _internet_share(share_2020, years):
    logit = np.log(share_2020 / (1 - share_2020))[:, None] + INTERNET_SLOPE * (years - 2020)
    return 1 / (1 + np.exp(-logit))


def _internet_users(table, first):
    """Internet users of each country in ``first`` and their annual log growth over the
    following ten years (internet-user share only: population growth is small)."""
    share = _internet_share(table["internet"].to_numpy(), np.array([first, first + 10]))
    users = table["population_2020"].to_numpy()[:, None] * share
    return users[:, 0], np.log(users[:, 1] / users[:, 0]) / 10


def _reports(rng, table, years, change_t, change, factors):
    """Monthly expected reports (without artefacts) and the calibrated parameters."""
    n, first = len(table), int(years[0])
    n_months = 12 * len(years)
    month_t = (np.arange(n_months) + 0.5) / 12
    users, user_growth = _internet_users(table, first)
    growth = 0.12 + 0.25 * user_growth + rng.normal(0, 0.03, n)
    propensity = rng.lognormal(0.0, 0.6, n)
    industry = rng.uniform(0.65, 0.92, n)
    hotline = (1 - industry) * rng.uniform(0.3, 0.7, n)
    mix = np.column_stack([hotline, industry, 1 - industry - hotline])
    log_level = np.log(users * propensity)[:, None] + np.log(mix)  # (country, source)
    source_growth = growth[:, None] + rng.normal(0, 0.02, (n, len(SOURCES)))
    flat = {"growth": source_growth.ravel(), "change_t": np.repeat(change_t, len(SOURCES)),
            "change": np.repeat(change, len(SOURCES))}

    def expected(tilt):
        trend = _log_trend(month_t, flat["growth"] + tilt, flat["change_t"], flat["change"])
        return np.exp(log_level.ravel()[:, None] + trend).reshape(n, len(SOURCES), n_months)

    def totals(tilt):  # global reports with artefacts in the target years
        monthly = (expected(tilt) * factors).sum(axis=(0, 1)).reshape(len(years), 12).sum(1)
        return {year: monthly[year - first] for year in REPORT_TARGETS}

    (year_a, target_a), (year_b, target_b) = REPORT_TARGETS.items()
    tilt = 0.0
    for _ in range(6):
        found = totals(tilt)
        tilt += np.log(target_b / target_a * found[year_a] / found[year_b]) / (year_b - year_a)
    scale = target_a / totals(tilt)[year_a]
    monthly = expected(tilt) * scale
    params = {"growth": source_growth + tilt, "level": monthly[:, :, :12].sum(axis=2),
              "propensity": propensity, "mix": mix, "tilt": tilt, "scale": scale}
    return monthly, params


def _independent(rng, table, years, change_t, change):
    """Yearly expected independent indicators (country, indicator, year) and parameters."""
    n, first = len(table), int(years[0])
    t = years - first
    users, user_growth = _internet_users(table, first)
    capacity = rng.lognormal(0.0, 0.7, n)
    victim_growth = 0.12 + 0.3 * user_growth + rng.normal(0, 0.05, n)
    log_victims = np.log(users * capacity)

    def victims_sum(tilt, low, high):
        span = np.arange(low, high + 1) - first
        trend = _log_trend(span, victim_growth + tilt, change_t, change)
        return np.exp(log_victims[:, None] + trend).sum()

    ((low_a, high_a, target_a), (low_b, high_b, target_b)) = VICTIM_TARGETS
    tilt = 0.0
    for _ in range(30):  # the ratio of the two sums grows with the tilt: fixed-point steps
        ratio = victims_sum(tilt, low_b, high_b) / victims_sum(tilt, low_a, high_a)
        tilt -= np.log(ratio / (target_b / target_a)) / (high_b - high_a)
    log_victims += np.log(target_a / victims_sum(tilt, low_a, high_a))
    growth = {"victims_identified": victim_growth + tilt}
    log_level = {"victims_identified": log_victims}
    for name in ("offenders_identified", "series_new", "media_added"):
        if name == "media_added":
            ratio = rng.lognormal(np.log(MEDIA_PER_VICTIM), 0.3, n)
        else:
            ratio = rng.uniform(*RATIOS[name], n)
        log_level[name] = log_victims + np.log(ratio)
        growth[name] = growth["victims_identified"] + rng.normal(0, 0.02, n)
    values = np.stack([np.exp(log_level[name][:, None]
                              + _log_trend(t, growth[name], change_t, change))
                       for name in INDEPENDENT], axis=1)
    return values, {"growth": np.column_stack([growth[name] for name in INDEPENDENT]),
                    "level": values[:, :, 0], "capacity": capacity, "tilt": tilt}


def _noisy_counts(rng, expected, noise, monthly=False):
    """Poisson-lognormal counts around ``expected`` (the lognormal factors have mean 1): one
    factor per value and, for ``monthly`` values, one more per year shared by its 12 months."""
    spread = rng.normal(-noise**2 / 2, noise, expected.shape)
    if monthly:
        shape = expected.shape[:-1] + (expected.shape[-1] // 12,)
        spread += np.repeat(rng.normal(-noise**2 / 2, noise, shape), 12, axis=-1)
    return rng.poisson(expected * np.exp(spread))


def _logistic(rng, n, t, mid, cap, scale):
    mids = mid[0] + rng.normal(0, mid[1], n)
    caps = rng.uniform(*cap, n)
    return caps[:, None] / (1 + np.exp(-(t[None, :] - mids[:, None]) / scale)), mids, caps


def _shares(rng, n, years, events, first):
    """share_e2ee, share_self_generated (country, year) and platform shares (country, year,
    platform), with their parameters."""
    e2ee, e2ee_mid, e2ee_cap = _logistic(rng, n, years.astype(float), (2021.0, 1.5),
                                         (0.5, 0.8), 2.5)
    jumps = {}
    for country, kind, start, _, _ in events:
        if kind == "encryption_rollout":
            jump = float(rng.uniform(*E2EE_JUMP))
            month_index = np.arange(12 * len(years))
            after = month_index >= (start[0] - first) * 12 + start[1] - 1
            e2ee[country] += jump * after.reshape(len(years), 12).mean(axis=1)
            jumps[country] = jump
    self_generated, sg_mid, sg_cap = _logistic(rng, n, years.astype(float), (2019.0, 1.5),
                                               (0.55, 0.85), 2.0)
    e2ee = np.clip(e2ee + rng.normal(0, 0.005, e2ee.shape), 0, 1)
    self_generated = np.clip(self_generated + rng.normal(0, 0.01, e2ee.shape), 0, 1)
    base = np.array([0.0, -1.0, 0.3, -1.0, -1.5])
    slope = np.array([0.0, 0.12, -0.08, -0.06, 0.0])
    offset = rng.normal(0, 0.3, (n, len(PLATFORMS)))
    logits = (base + offset)[:, None, :] + slope * (years - first)[None, :, None]
    logits += rng.normal(0, 0.05, logits.shape)
    platforms = np.exp(logits)
    platforms /= platforms.sum(axis=2, keepdims=True)
    platforms = np.round(platforms, 4)
    largest = platforms.argmax(axis=2)[..., None]
    fix = 1 - platforms.sum(axis=2, keepdims=True)
    np.put_along_axis(platforms, largest,
                      np.take_along_axis(platforms, largest, axis=2) + fix, axis=2)
    params = {"e2ee_mid": e2ee_mid, "e2ee_cap": e2ee_cap, "e2ee_jump": jumps,
              "self_generated_mid": sg_mid, "self_generated_cap": sg_cap,
              "platform_offset": offset}
    return np.round(e2ee, 4), np.round(self_generated, 4), np.round(platforms, 4), params


# --- tables ------------------------------------------------------------------------------------


def _month_text(year, month):
    return f"{year:04d}-{month:02d}"


def _events_table(events, table):
    rows = []
    for country, kind, start, end, effect in sorted(
            events, key=lambda e: (e[2], table["country"].iat[e[0]], e[1])):
        source, indicator, _ = EVENT_SPECS[kind]
        rows.append({"country": table["country"].iat[country], "kind": kind,
                     "is_artefact": kind in ARTEFACT_KINDS, "source": source,
                     "indicator": indicator, "start": _month_text(*start),
                     "end": "" if end is None else _month_text(*end),
                     "effect": round(float(np.exp(effect)) if kind.startswith("real_")
                                     else effect, 4)})
    frame = pd.DataFrame(rows, columns=["country", "kind", "is_artefact", "source",
                                        "indicator", "start", "end", "effect"])
    frame.insert(0, "event_id", [f"E{i:02d}" for i in range(1, len(frame) + 1)])
    return frame


def _parameters_table(table, reports, independent, change_t, change, first):
    rows = []
    for i, country in enumerate(table["country"]):
        change_year = "" if np.isinf(change_t[i]) else str(int(change_t[i]) + first)
        for j, indicator in enumerate(INDICATORS):
            params = reports if j < len(SOURCES) else independent
            k = j if j < len(SOURCES) else j - len(SOURCES)
            growth = float(params["growth"][i, k])
            rows.append({"country": country, "indicator": indicator,
                         "level": round(float(params["level"][i, k]), 2),
                         "growth": round(growth, 4), "change_year": change_year,
                         "growth_after": round(growth + float(change[i]), 4)})
    return pd.DataFrame(rows)


def _json_parameters(values, table, reports, independent, shares, change_t, change, events):
    first = values["first_year"]
    countries = {}
    for i, country in enumerate(table["country"]):
        countries[country] = {
            "report_propensity": round(float(reports["propensity"][i]), 6),
            "source_mix": dict(zip(SOURCES, np.round(reports["mix"][i], 6).tolist(),
                                   strict=True)),
            "identification_capacity": round(float(independent["capacity"][i]), 6),
            "change_year": None if np.isinf(change_t[i]) else int(change_t[i]) + first,
            "growth_change": round(float(change[i]), 6),
            "share_e2ee": {"mid": round(float(shares["e2ee_mid"][i]), 4),
                           "cap": round(float(shares["e2ee_cap"][i]), 4),
                           "rollout_jump": round(shares["e2ee_jump"].get(i, 0.0), 4)},
            "share_self_generated": {"mid": round(float(shares["self_generated_mid"][i]), 4),
                                     "cap": round(float(shares["self_generated_cap"][i]), 4)},
            "platform_offset": dict(zip(PLATFORMS, np.round(shares["platform_offset"][i], 4)
                                        .tolist(), strict=True)),
            "indicators": {},
        }
        for j, indicator in enumerate(INDICATORS):
            params = reports if j < len(SOURCES) else independent
            k = j if j < len(SOURCES) else j - len(SOURCES)
            growth = float(params["growth"][i, k])
            countries[country]["indicators"][indicator] = {
                "level": round(float(params["level"][i, k]), 2), "growth": round(growth, 6),
                "growth_after": round(growth + float(change[i]), 6)}
    return {"config": {key: values[key] for key in DEFAULTS},
            "calibration": {"report_targets": {str(k): v for k, v in REPORT_TARGETS.items()},
                            "report_growth_tilt": round(float(reports["tilt"]), 6),
                            "report_scale": round(float(reports["scale"]), 6),
                            "victim_targets": [list(target) for target in VICTIM_TARGETS],
                            "victim_growth_tilt": round(float(independent["tilt"]), 6)},
            "countries": countries, "events": events.to_dict(orient="records")}


# --- the generator -----------------------------------------------------------------------------


@register_generator("trend_statistics")
def make_trend_statistics(out_dir, config, rng):
    """Write yearly and monthly trend statistics under ``out_dir``; return the ground truth.

    Parameters
    ----------
    out_dir : path-like
        The folder to write (created).
    config : dict
        ``first_year`` (2010; in [2000, 2015]), ``last_year`` (2026; in [2024, 2035]),
        ``n_countries`` (30; fewer take a seeded subset of :data:`COUNTRIES` that keeps every
        region), ``noise`` (0.05: lognormal spread of counts per year and per month, in
        [0, 0.5]) and ``n_events`` (None: :data:`DEFAULT_EVENTS` scaled to ``n_countries``;
        or a mapping of event kind to count). See :data:`DEFAULTS`.
    rng : numpy.random.Generator
        The only source of randomness.

    Returns
    -------
    dict
        ``events`` (event_id, country, kind, is_artefact, source, indicator, start, end:
        "YYYY-MM", last month affected, "" for lasting, effect), ``truth`` (country, year,
        indicator, true_value: expected without artefacts and noise, observed) and
        ``parameters`` (country, indicator, level: expected value in ``first_year``,
        growth: annual log growth, change_year: "" if none, growth_after).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import pandas as pd
    >>> from vidlab.seed import make_rng
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "trends"
    >>> truth = make_trend_statistics(out, {}, make_rng(0))
    >>> yearly = pd.read_csv(out / "yearly.csv", keep_default_na=False)
    >>> totals = yearly.groupby("year")["reports_total"].sum()
    >>> [int(totals[year]) // 100_000 for year in (2020, 2023)]  # hundred thousands
    [217, 352]
    >>> sorted(set(truth["events"]["kind"]))[:3]
    ['encryption_rollout', 'pandemic_spike', 'proactive_search']
    """
    values = _check_config(config)
    first, last = values["first_year"], values["last_year"]
    years = np.arange(first, last + 1)
    chosen = _countries(rng, values["n_countries"])
    table = pd.DataFrame(
        [COUNTRIES[i] for i in chosen],
        columns=["country", "name", "region", "population_2020", "internet"])
    n, n_months = len(table), 12 * len(years)
    drawn = _assign_events(rng, values, n)
    change_t, change = _changes(drawn, n, first)
    factors = _month_factors(drawn, n, n_months, first)
    expected, reports = _reports(rng, table, years, change_t, change, factors)
    independent_expected, independent = _independent(rng, table, years, change_t, change)
    observed_monthly = _noisy_counts(rng, expected * factors, values["noise"], monthly=True)
    observed_independent = _noisy_counts(rng, independent_expected, values["noise"])
    e2ee, self_generated, platforms, share_params = _shares(rng, n, years, drawn, first)

    growth = np.array([POPULATION_GROWTH[region] for region in table["region"]])
    population = np.round(table["population_2020"].to_numpy()[:, None]
                          * np.exp(growth[:, None] * (years - 2020))).astype(np.int64)
    users = np.round(population * _internet_share(table["internet"].to_numpy(), years))

    country = np.repeat(table["country"].to_numpy(), len(years))
    region = np.repeat(table["region"].to_numpy(), len(years))
    yearly_sources = observed_monthly.reshape(n, len(SOURCES), len(years), 12).sum(axis=3)
    yearly = pd.DataFrame({"country": country, "region": region,
                           "year": np.tile(years, n), "population": population.ravel(),
                           "internet_users": users.astype(np.int64).ravel(),
                           "reports_total": yearly_sources.sum(axis=1).ravel()})
    for k, source in enumerate(SOURCES):
        yearly[f"reports_{source}"] = yearly_sources[:, k].ravel()
    for k, name in enumerate(INDEPENDENT):
        yearly[name] = observed_independent[:, k].ravel()
    yearly["share_e2ee"] = e2ee.ravel()
    yearly["share_self_generated"] = self_generated.ravel()
    for k, platform in enumerate(PLATFORMS):
        yearly[f"platform_{platform}"] = platforms[:, :, k].ravel()

    months = [_month_text(year, month) for year in years for month in range(1, 13)]
    monthly = pd.DataFrame({"country": np.repeat(table["country"].to_numpy(), n_months),
                            "region": np.repeat(table["region"].to_numpy(), n_months),
                            "month": np.tile(months, n),
                            "reports_total": observed_monthly.sum(axis=1).ravel()})
    for k, source in enumerate(SOURCES):
        monthly[f"reports_{source}"] = observed_monthly[:, k].ravel()

    true_sources = expected.reshape(n, len(SOURCES), len(years), 12).sum(axis=3)
    true_values = np.concatenate([true_sources.sum(axis=1, keepdims=True), true_sources,
                                  independent_expected], axis=1)
    names = ["reports_total", *(f"reports_{s}" for s in SOURCES), *INDEPENDENT]
    truth = pd.DataFrame({
        "country": np.repeat(table["country"].to_numpy(), len(names) * len(years)),
        "year": np.tile(years, n * len(names)),
        "indicator": np.tile(np.repeat(names, len(years)), n),
        "true_value": np.round(true_values, 2).ravel(),
        "observed": yearly[names].to_numpy().reshape(n, len(years), len(names))
        .transpose(0, 2, 1).ravel()})

    events = _events_table(drawn, table)
    parameters = _parameters_table(table, reports, independent, change_t, change, first)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    countries = table.rename(columns={"population_2020": "population"})[
        ["country", "name", "region", "population"]]
    for name, frame in (("countries", countries), ("yearly", yearly[YEARLY_COLUMNS]),
                        ("monthly", monthly[MONTHLY_COLUMNS])):
        (out_dir / f"{name}.csv").write_bytes(
            frame.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    document = _json_parameters(values, table, reports, independent, share_params, change_t,
                                change, events)
    (out_dir / "parameters.json").write_bytes(
        (json.dumps(document, indent=2, sort_keys=True) + "\n").encode("utf-8"))
    return {"events": events, "truth": truth, "parameters": parameters}
