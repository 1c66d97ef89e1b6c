"""Where were the pictures taken? Cluster GPS positions into places and name their city.

Positions are clustered with scikit-learn's DBSCAN on the sphere (haversine metric, radians,
ball tree): two pictures share a place when a chain of pictures, each within ``eps_m`` metres of
the next, joins them. Each place is named after the nearest city of the synthetic gazetteer
(:func:`vidlab.synth.world.load_cities`), with the distance, so that "Giza, 0.3 km" and
"Cairo, 4.1 km" are told apart. :func:`plot_places` draws a simple map with no map tiles and
no download: positions, a graticule and the gazetteer's cities.

>>> round(float(haversine_km(30.04, 31.24, 30.01, 31.21)), 2)  # Cairo to Giza
4.41
"""

import numpy as np
import pandas as pd

from vidlab.checks import require_columns
from vidlab.exceptions import InvalidParameterError
from vidlab.metadata._common import (
    align_paths,
    check_number,
    float_column,
    pair_scores,
    require_matches,
    text_column,
)

__all__ = [
    "EARTH_RADIUS_M",
    "PLACE_COLUMNS",
    "haversine_km",
    "cluster_places",
    "summarize_places",
    "evaluate_places",
    "plot_places",
]

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)
PLACE_COLUMNS = ["path", "latitude", "longitude", "place", "city", "country", "city_km"]


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in kilometres between points given in decimal degrees.

    >>> round(float(haversine_km(0, 0, 0, 1)), 1)
    111.2
    """
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(v, dtype=float))
                              for v in (lat1, lon1, lat2, lon2))
    a = (np.sin((lat2 - lat1) / 2) ** 2
         + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_M / 1000 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def _gazetteer(cities):
    if cities is None:
        from vidlab.synth.world import load_cities

        cities = load_cities()
    require_columns(cities, ["city", "latitude", "longitude"], "the gazetteer", "cities")
    return cities.reset_index(drop=True)


def _nearest_city(lat, lon, cities):
    """Return (city, country, km) arrays for points in degrees."""
    if len(lat) == 0:
        return np.array([], dtype=object), np.array([], dtype=object), np.array([], float)
    from sklearn.metrics.pairwise import haversine_distances

    points = np.radians(np.column_stack([lat, lon]))
    towns = np.radians(cities[["latitude", "longitude"]].to_numpy(dtype=float))
    distance = haversine_distances(points, towns) * EARTH_RADIUS_M / 1000
    best = distance.argmin(axis=1)
    country = (cities["country"].astype(str).to_numpy() if "country" in cities.columns
               else np.full(len(cities), ""))
    return (cities["city"].astype(str).to_numpy()[best], country[best],
            distance[np.arange(len(best)), best])


def _centre(lat, lon):
    """Mean position on the sphere, in degrees."""
    phi, lam = np.radians(lat), np.radians(lon)
    x, y, z = (np.cos(phi) * np.cos(lam)).mean(), (np.cos(phi) * np.sin(lam)).mean(), \
        np.sin(phi).mean()
    return float(np.degrees(np.arctan2(z, np.hypot(x, y)))), float(np.degrees(np.arctan2(y, x)))


def cluster_places(metadata, eps_m=1000.0, min_samples=1, cities=None):
    """Cluster the GPS positions of the files into places named after the nearest city.

    Parameters
    ----------
    metadata : DataFrame
        The table of :func:`vidlab.metadata.read_metadata` (``path, gps_latitude,
        gps_longitude``).
    eps_m : float
        Neighbourhood radius in metres (default 1000): positions closer than this are in the
        same place.
    min_samples : int
        DBSCAN's core size (default 1: every position belongs to a place; with 2 or more,
        isolated positions are left as noise, ``place`` "").
    cities : DataFrame, optional
        The gazetteer (``city, country, latitude, longitude``); default
        :func:`vidlab.synth.world.load_cities`.

    Returns
    -------
    DataFrame
        One row per file with a valid position (latitude in [-90, 90], longitude in
        [-180, 180], not exactly 0, 0): ``path, latitude, longitude, place`` ("P01", "P02"...
        numbered by size, then position), ``city, country, city_km``: the city nearest to the
        place's centre and its distance in km (for noise, nearest to the point itself).
        ``attrs["n_without_gps"]`` counts the files left out.

    Examples
    --------
    >>> import pandas as pd
    >>> meta = pd.DataFrame({"path": ["a", "b", "c"], "gps_latitude": [30.040, 30.041, 30.010],
    ...                      "gps_longitude": [31.240, 31.241, 31.210]})
    >>> cluster_places(meta, eps_m=1000)[["place", "city"]].values.tolist()
    [['P01', 'Cairo'], ['P01', 'Cairo'], ['P02', 'Giza']]
    """
    from sklearn.cluster import DBSCAN

    function = "cluster_places"
    require_columns(metadata, ["path", "gps_latitude", "gps_longitude"], function, "metadata")
    eps_m = check_number(eps_m, "eps_m", function, inclusive=False)
    if isinstance(min_samples, bool) or not isinstance(min_samples, int | np.integer) \
            or min_samples < 1:
        raise InvalidParameterError(
            f"The 'min_samples' parameter of {function} must be an int >= 1. "
            f"Got {min_samples!r} instead."
        )
    cities = _gazetteer(cities)
    lat = float_column(metadata, "gps_latitude")
    lon = float_column(metadata, "gps_longitude")
    valid = (np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
             & ~((lat == 0) & (lon == 0)))
    paths = np.array([str(p) for p in metadata["path"].tolist()], dtype=object)[valid]
    lat, lon = lat[valid], lon[valid]
    places = pd.DataFrame({"path": paths, "latitude": lat, "longitude": lon})
    if len(places):
        model = DBSCAN(eps=eps_m / EARTH_RADIUS_M, min_samples=int(min_samples),
                       metric="haversine", algorithm="ball_tree")
        labels = model.fit_predict(np.radians(np.column_stack([lat, lon])))
    else:
        labels = np.array([], dtype=int)
    city, country, km = _nearest_city(lat, lon, cities)
    names = np.full(len(places), "", dtype=object)
    found = [label for label in np.unique(labels) if label >= 0]
    info = []
    for label in found:
        mask = labels == label
        clat, clon = _centre(lat[mask], lon[mask])
        info.append((-int(mask.sum()), clat, clon, label))
    info.sort()
    width = max(2, len(str(len(info))))
    for number, (_, clat, clon, label) in enumerate(info, start=1):
        mask = labels == label
        names[mask] = f"P{number:0{width}d}"
        c_city, c_country, c_km = _nearest_city(np.array([clat]), np.array([clon]), cities)
        city[mask], country[mask], km[mask] = c_city[0], c_country[0], c_km[0]
    places["place"] = names.astype(str)
    places["city"] = city.astype(str) if len(places) else []
    places["country"] = country.astype(str) if len(places) else []
    places["city_km"] = np.round(km.astype(float), 2)
    places = places[PLACE_COLUMNS].reset_index(drop=True)
    places.attrs["n_without_gps"] = int((~valid).sum())
    return places


def summarize_places(places):
    """Return one row per place: ``place, n_files, latitude, longitude`` (centre),
    ``radius_m`` (farthest file from the centre), ``city, country, city_km``; noise ("")
    is left out.

    Examples
    --------
    >>> import pandas as pd
    >>> meta = pd.DataFrame({"path": ["a", "b"], "gps_latitude": [30.040, 30.042],
    ...                      "gps_longitude": [31.240, 31.240]})
    >>> summarize_places(cluster_places(meta))[["place", "n_files", "radius_m", "city"]
    ...     ].values.tolist()
    [['P01', 2, 111.0, 'Cairo']]
    """
    require_columns(places, ["place", "latitude", "longitude", "city", "city_km"],
                    "summarize_places", "places")
    rows = []
    for place, part in places[places["place"] != ""].groupby("place", sort=True):
        clat, clon = _centre(part["latitude"].to_numpy(), part["longitude"].to_numpy())
        radius = haversine_km(clat, clon, part["latitude"], part["longitude"]).max() * 1000
        rows.append({"place": place, "n_files": int(len(part)), "latitude": round(clat, 5),
                     "longitude": round(clon, 5), "radius_m": float(round(radius)),
                     "city": part["city"].iloc[0],
                     "country": part["country"].iloc[0] if "country" in part else "",
                     "city_km": float(part["city_km"].iloc[0])})
    return pd.DataFrame(rows, columns=["place", "n_files", "latitude", "longitude", "radius_m",
                                       "city", "country", "city_km"])


def evaluate_places(places, truth, locations=None, root=None):
    """Score places against the true location (room) and city of each picture.

    Pairwise precision/recall/F1 and adjusted Rand index of ``place`` against ``location_id``
    (noise counts as a place of its own), and ``city_accuracy``: the share of files whose named
    city is their true city.

    Parameters
    ----------
    places : DataFrame
        The table of :func:`cluster_places`.
    truth : DataFrame
        Ground truth ``images`` with ``path`` (relative to the world part folder) and
        ``location_id``, and ``city`` unless ``locations`` is given.
    locations : DataFrame, optional
        Ground truth ``locations`` (``location_id, city``) to look the city up.
    root : path-like, optional
        The world part folder, to make the paths of ``places`` relative; without it a path
        matches a truth path it ends with.

    Returns
    -------
    dict
        ``n_files, n_places, n_locations, precision, recall, f1, adjusted_rand,
        city_accuracy`` (and the pair counts).

    Examples
    --------
    >>> import pandas as pd
    >>> places = pd.DataFrame({"path": ["a", "b", "c"], "place": ["P01", "P01", "P02"],
    ...                        "city": ["Cairo", "Cairo", "Cairo"]})
    >>> truth = pd.DataFrame({"path": ["a", "b", "c"], "location_id": ["L1", "L1", "L2"],
    ...                       "city": ["Cairo", "Cairo", "Giza"]})
    >>> result = evaluate_places(places, truth)
    >>> result["precision"], result["recall"], round(result["city_accuracy"], 3)
    (1.0, 1.0, 0.667)
    """
    function = "evaluate_places"
    require_columns(places, ["path", "place", "city"], function, "places")
    require_columns(truth, ["path", "location_id"], function, "truth")
    truth = truth.copy()
    truth["path"] = truth["path"].astype(str)
    truth["location_id"] = text_column(truth, "location_id")
    if locations is not None:
        require_columns(locations, ["location_id", "city"], function, "locations")
        lookup = dict(zip(text_column(locations, "location_id"), text_column(locations, "city"),
                          strict=True))
        truth["city"] = [lookup.get(loc, "") for loc in truth["location_id"]]
    elif "city" not in truth.columns:
        raise InvalidParameterError(
            f"The 'truth' parameter of {function} must have a 'city' column, or pass "
            "'locations' (the ground-truth locations table) to look it up."
        )
    truth = truth[truth["location_id"] != ""].drop_duplicates("path")
    matched = align_paths(places["path"].astype(str).tolist(), truth["path"].tolist(), root)
    require_matches(matched, function, len(truth))
    found = {}
    for (_, row), match in zip(places.iterrows(), matched, strict=True):
        if match is not None and match not in found:
            found[match] = (row["place"] or f"\0noise:{row['path']}", str(row["city"]))
    truth = truth[truth["path"].isin(found)]
    predicted = [found[p][0] for p in truth["path"]]
    result = pair_scores(predicted, truth["location_id"].tolist())
    named = [found[p][1] for p in truth["path"]]
    accuracy = (float(np.mean([a == b for a, b in zip(named, text_column(truth, "city"),
                                                      strict=True)])) if len(truth) else 0.0)
    return {"n_files": result.pop("n_files"), "n_places": len(set(predicted)),
            "n_locations": int(truth["location_id"].nunique()), **result,
            "city_accuracy": accuracy}


def _region_bounds(region, places, cities, function):
    """Return (lon_min, lon_max, lat_min, lat_max) for ``region``."""
    def around(lat, lon, pad):
        lat, lon = np.asarray(lat, float), np.asarray(lon, float)
        return (lon.min() - pad, lon.max() + pad, lat.min() - pad, lat.max() + pad)

    if region is None:
        if len(places):
            span = max(np.ptp(places["longitude"]), np.ptp(places["latitude"]), 0.05)
            return around(places["latitude"], places["longitude"], 0.15 * span + 0.05)
        return (-180.0, 180.0, -70.0, 80.0)
    if isinstance(region, tuple | list) and len(region) == 4:
        return tuple(float(v) for v in region)
    if isinstance(region, str):
        for column, table in (("place", places), ("city", cities), ("country", cities)):
            if column in table.columns:
                part = table[table[column].astype(str).str.lower() == region.lower()]
                if len(part):
                    pad = 0.05 if column == "place" else (0.15 if column == "city" else 1.0)
                    return around(part["latitude"], part["longitude"], pad)
    raise InvalidParameterError(
        f"The 'region' parameter of {function} must be None, (lon_min, lon_max, lat_min, "
        f"lat_max), a place label, a gazetteer city or a country code. Got {region!r} instead."
    )


def plot_places(places, ax=None, region=None, cities=None, title=None):
    """Draw a simple map: the files' positions coloured by place, gazetteer cities as labelled
    dots and a graticule (no tiles, nothing downloaded). In a view wider than 20 degrees only
    the cities that name a place are labelled.

    Parameters
    ----------
    places : DataFrame
        The table of :func:`cluster_places`.
    ax : matplotlib Axes, optional
        Where to draw (a new figure otherwise).
    region : None, tuple, or str
        What to show: None (all positions), ``(lon_min, lon_max, lat_min, lat_max)``, or a place
        label ("P01"), gazetteer city ("Cairo") or country code ("EG") to zoom on.
    cities : DataFrame, optional
        The gazetteer; default :func:`vidlab.synth.world.load_cities`.
    title : str, optional
        Defaults to "GPS positions by place".

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> meta = pd.DataFrame({"path": ["a", "b"], "gps_latitude": [30.04, 30.01],
    ...                      "gps_longitude": [31.24, 31.21]})
    >>> ax = plot_places(cluster_places(meta), region="EG")
    >>> sorted(t.get_text() for t in ax.texts)[:3], ax.get_legend() is not None
    (['Alexandria', 'Aswan', 'Cairo'], True)
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    function = "plot_places"
    require_columns(places, ["latitude", "longitude", "place"], function, "places")
    cities = _gazetteer(cities)
    lon_min, lon_max, lat_min, lat_max = _region_bounds(region, places, cities, function)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 6))
    inside = cities[cities["longitude"].between(lon_min, lon_max)
                    & cities["latitude"].between(lat_min, lat_max)]
    ax.scatter(inside["longitude"], inside["latitude"], s=18, color="dimgray", marker="o",
               zorder=2, label="gazetteer city")
    named = set(places["city"].astype(str)) if "city" in places.columns else set()
    if max(lon_max - lon_min, lat_max - lat_min) > 20:  # a wide view: label only the
        inside_labels = inside[inside["city"].astype(str).isin(named)]  # places' cities
    else:
        inside_labels = inside
    for _, town in inside_labels.iterrows():
        ax.annotate(town["city"], (town["longitude"], town["latitude"]), xytext=(4, 3),
                    textcoords="offset points", fontsize="small", color="dimgray")
    in_view = places[places["longitude"].between(lon_min, lon_max)
                     & places["latitude"].between(lat_min, lat_max)]
    labels = sorted(p for p in places["place"].astype(str).unique() if p)
    colour_of = {label: index for index, label in enumerate(labels)}  # same colours zoomed
    places = in_view
    colours = plt.get_cmap("tab20")
    for label in labels:
        part = places[places["place"] == label]
        if part.empty:
            continue
        index = colour_of[label]
        name = f"{label}: {part['city'].iloc[0]}" if "city" in part.columns else label
        ax.scatter(part["longitude"], part["latitude"], s=30, color=colours(index % 20),
                   edgecolors="black", linewidths=0.4, zorder=3, label=f"{name} ({len(part)})")
    noise = places[places["place"].astype(str) == ""]
    if len(noise):
        ax.scatter(noise["longitude"], noise["latitude"], s=24, marker="x", color="black",
                   zorder=3, label=f"no place (isolated, {len(noise)})")
    ax.set_xlim(lon_min, lon_max)
    ax.set_ylim(lat_min, lat_max)
    middle = np.radians((lat_min + lat_max) / 2)
    ax.set_aspect(1 / max(np.cos(middle), 0.1))  # a degree of longitude is shorter away
    ax.xaxis.set_major_locator(MaxNLocator(6))     # from the equator
    ax.yaxis.set_major_locator(MaxNLocator(6))
    ax.grid(True, color="lightgray", linewidth=0.6, zorder=0)
    ax.set_xlabel("longitude (degrees)")
    ax.set_ylabel("latitude (degrees)")
    ax.set_title(title or "GPS positions by place")
    ax.legend(loc="best", fontsize="small")
    return ax
