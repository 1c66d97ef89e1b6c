"""Time every analysis of the network lessons on the ``large`` preset's forum (goal: each
under 60 s), and compare key players with the top-degree accounts on fragmentation.

The forum part of the ``large`` recipe (100,000 members, about 1 M reply and message edges)
is generated once into ``--forum`` (default: a temporary folder). Each step runs as the
lessons run it, with the library's defaults: ``backend="auto"`` picks igraph for graphs of
more than 1,000 nodes, and betweenness is estimated from 500 pivots above 5,000 nodes.

    python benchmarks/bench_network_lessons.py                # the large preset's forum
    python benchmarks/bench_network_lessons.py --quick        # the course preset's (2,000)
"""

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd

from vidlab.network import (
    communities,
    fragmentation,
    kpp_neg,
    kpp_pos,
    load_forum,
    message_graph,
    modularity,
    node_measures,
    reply_graph,
    simulate_disruption,
    time_slices,
    to_undirected,
)
from vidlab.network.aliases import (
    alias_candidates,
    choose_threshold,
    evaluate_aliases,
    link_aliases,
)
from vidlab.network.roles import evaluate_roles, role_features
from vidlab.synth.dataset import load_recipe, part_rng
from vidlab.synth.forums import make_forum

GOAL_S = 60.0


def timed(label, results, function, *args, **kwargs):
    start = time.perf_counter()
    value = function(*args, **kwargs)
    seconds = time.perf_counter() - start
    results.append((label, seconds))
    print(f"| {label:<44s} | {seconds:7.1f} | {'yes' if seconds < GOAL_S else 'NO'} |",
          flush=True)
    return value


def forum_folder(preset, folder):
    config = dict(load_recipe(preset)["parts"]["forum"])
    config.pop("generator")
    if not (folder / "posts.csv").is_file():
        start = time.perf_counter()
        truth = make_forum(folder, config, part_rng(0, "forum"))
        truth["accounts"].to_csv(folder / "truth_accounts.csv", index=False)
        print(f"generated the {preset} forum ({config['n_members']:,} members) in "
              f"{time.perf_counter() - start:.1f} s")
    return folder


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the course preset's forum")
    parser.add_argument("--forum", type=Path, help="folder to keep the generated forum in")
    args = parser.parse_args(argv)
    preset = "course" if args.quick else "large"
    with tempfile.TemporaryDirectory() as scratch:
        folder = forum_folder(preset, args.forum or Path(scratch) / "forum")
        run(folder)


def run(folder):
    results = []
    print("| step (as in the lessons) | seconds | < 60 s |\n|---|---:|---|")
    forum = timed("load the forum tables", results, load_forum, folder)
    truth = pd.read_csv(folder / "truth_accounts.csv", dtype={"community": int})
    on_forum = {name: table[table["platform"] == "forum"] for name, table in forum.items()
                if "platform" in table}
    replies = timed("01 reply graph (undirected)", results,
                    lambda: to_undirected(reply_graph(on_forum["posts"])))
    timed("01 private-message graph", results,
          lambda: to_undirected(message_graph(on_forum["messages"])))
    timed("01 monthly time slices", results, time_slices, on_forum["posts"])
    measures = timed("02 node measures (degree, betweenness, ...)", results, node_measures,
                     replies, seed=0)
    key_players = timed("02 KPP-Neg k=5", results, kpp_neg, replies, 5, seed=0)
    timed("02 KPP-Pos k=3, 1 step", results, kpp_pos, replies, 3, seed=0)
    found = timed("03 Louvain communities", results, communities, replies, seed=0)
    timed("03 disruption, 5 strategies, k <= 10", results, simulate_disruption, replies,
          k_max=10, seed=0)
    features = timed("04 role features", results, role_features, forum["accounts"],
                     forum["posts"], forum["messages"], forum["shares"], forum["threads"])
    report, _ = timed("04 role classifier (train and test)", results, evaluate_roles,
                      features, truth, seed=0, groups="person_id")
    candidates = timed("04 alias candidates", results, alias_candidates, forum["accounts"],
                       forum["posts"], forum["shares"], forum["messages"])
    threshold, _ = timed("04 alias threshold (precision >= 0.8)", results, choose_threshold,
                         candidates, truth, min_precision=0.8)
    links = timed("04 alias links", results, link_aliases, candidates, threshold=threshold)

    slowest = max(results, key=lambda item: item[1])
    print(f"\n{replies.number_of_nodes():,} accounts in the reply graph, "
          f"{replies.number_of_edges():,} ties; slowest step: {slowest[0]} "
          f"({slowest[1]:.1f} s); every step under {GOAL_S:.0f} s: "
          f"{all(seconds < GOAL_S for _, seconds in results)}")
    print(f"modularity {modularity(replies, found):.3f}; role macro-F1 "
          f"{report.attrs['macro_f1']:.3f}; aliases at threshold {threshold}: "
          f"{evaluate_aliases(links, truth)}")
    print("\n| k | key players F | top-degree F | ratio |\n|---:|---:|---:|---:|")
    for k in (5, 10):
        chosen = key_players if k == 5 else kpp_neg(replies, k, seed=0)
        top = measures.nlargest(k, "degree")["node"].tolist()
        by_degree = fragmentation(replies, top)
        print(f"| {k} | {chosen.score:.4f} | {by_degree:.4f} | "
              f"{chosen.score / by_degree if by_degree else float('inf'):.2f}x |")


if __name__ == "__main__":
    main()
