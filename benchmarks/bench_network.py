"""Benchmark vidlab.network: networkx vs igraph backends, and key players vs top degree.

On a synthetic heavy-tailed graph (``nx.powerlaw_cluster_graph``, seeded; ~5k nodes):

1. exact betweenness, sampled betweenness (``--pivots`` sources), PageRank, core number
   and Louvain communities on both backends: seconds, the ratio networkx / igraph (higher
   = igraph faster; igraph's time includes converting the graph) and the largest
   difference between the two answers (modularity for communities, which differ by design);
2. KPP-Neg with ``k = --k`` (greedy + swaps): seconds, and the fragmentation F of the
   key-player set against the ``k`` highest-degree nodes, with their ratio, on a tree-like
   graph (m=1: many accounts hang on one contact, as on a forum) and a denser one (m=2);
   KPP-Pos (2 steps) reach against top degree likewise.

    python benchmarks/bench_network.py            # n=5000 everywhere: a few minutes
    python benchmarks/bench_network.py --quick    # networkx exact betweenness on 1,000 nodes

The machine's other load makes seconds noisy: read the ratios.
"""

import argparse
import time

import networkx as nx
import numpy as np

from vidlab.network.backends import has_igraph
from vidlab.network.keyplayers import fragmentation, kpp_neg, kpp_pos, reach
from vidlab.network.measures import (
    betweenness,
    communities,
    core_number,
    modularity,
    pagerank,
)


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def compare(name, G, function, difference, **kwargs):
    t_nx, a = timed(function, G, backend="networkx", **kwargs)
    t_ig, b = timed(function, G, backend="igraph", **kwargs)
    diff = difference(G, a, b)
    print(f"| {name} | {len(G):,} | {G.number_of_edges():,} | {t_nx:.3f} | {t_ig:.3f} | "
          f"{t_nx / t_ig:.1f}x | {diff} |", flush=True)


def max_abs(_, a, b):
    return f"max abs diff {float(np.abs(a - b).max()):.1e}"


def modularities(G, a, b):
    return f"Q {modularity(G, a):.4f} vs {modularity(G, b):.4f}"


def exact(_, a, b):
    return "identical" if a.equals(b) else f"{int((a != b).sum())} differ"


def backends(args):
    G = nx.powerlaw_cluster_graph(args.n, 2, 0.3, seed=args.seed)
    small = nx.powerlaw_cluster_graph(1000 if args.quick else args.n, 2, 0.3, seed=args.seed)
    print("\n| measure | nodes | edges | networkx s | igraph s | nx / igraph | agreement |")
    print("|---|---:|---:|---:|---:|---:|---|")
    compare("betweenness exact", small, betweenness, max_abs)
    compare(f"betweenness k={args.pivots}", G, betweenness, max_abs, k=args.pivots, seed=0)
    compare("pagerank", G, pagerank, max_abs)
    compare("core number", G, core_number, exact)
    compare("louvain", G, communities, modularities, seed=0)


def key_players(args):
    print(f"\n| graph | nodes | edges | KPP-Neg k={args.k} s | swaps | F key players | "
          "F top degree | ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    graphs = {}
    for m in (1, 2):
        G = nx.powerlaw_cluster_graph(args.n, m, 0.3, seed=args.seed)
        graphs[m] = G
        top = sorted(G, key=lambda v: (-G.degree(v), v))[: args.k]
        seconds, result = timed(kpp_neg, G, args.k, seed=0)
        f_top = fragmentation(G, top)
        ratio = f"{result.score / f_top:.2f}x" if f_top > 0 else "inf"
        print(f"| powerlaw m={m} | {len(G):,} | {G.number_of_edges():,} | {seconds:.2f} | "
              f"{result.n_swaps} | {result.score:.4f} | {f_top:.4f} | {ratio} |", flush=True)
    print(f"\n| graph | KPP-Pos k={args.k} steps=2 s | reach key players | reach top degree | "
          "ratio |")
    print("|---|---:|---:|---:|---:|")
    for m, G in graphs.items():
        top = sorted(G, key=lambda v: (-G.degree(v), v))[: args.k]
        seconds, result = timed(kpp_pos, G, args.k, steps=2, seed=0)
        r_top = reach(G, top, steps=2)
        print(f"| powerlaw m={m} | {seconds:.2f} | {result.score:.4f} | {r_top:.4f} | "
              f"{result.score / r_top:.2f}x |", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="exact networkx betweenness on 1,000 nodes (under a minute)")
    parser.add_argument("--n", type=int, default=5000, help="nodes (default 5000)")
    parser.add_argument("--k", type=int, default=10, help="key-player set size (default 10)")
    parser.add_argument("--pivots", type=int, default=200,
                        help="sources for sampled betweenness (default 200)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if has_igraph():
        backends(args)
    else:
        print("python-igraph is not installed: `pip install igraph` to compare backends")
    key_players(args)


if __name__ == "__main__":
    main()
