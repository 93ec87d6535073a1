"""FAISS side of `npm run bench:index`: the same bank and queries through
IndexBinaryMultiHash(256, 16, 16) with nflip=1, the index Meta's HMA runs for PDQ.

Only a benchmark comparison: FAISS is never a dependency of Khien. Run by bench/index.ts with
/usr/bin/python3 and Debian's python3-faiss; prints one JSON object on stdout and writes the
match lists to OUT so the caller can check them against its own.

Usage: index-faiss.py BANK QUERIES RADIUS OUT
  BANK, QUERIES: raw 32-byte hashes back to back (bench/index.ts's packed words, little-endian);
  RADIUS: largest distance matched (FAISS's range_search is strict, so it gets RADIUS + 1);
  OUT: little-endian uint32 words: per query its match count, then the matched bank positions.
"""
import json
import resource
import sys
import time

import faiss
import numpy as np


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def percentile(sorted_ms, f):
    return sorted_ms[int(f * (len(sorted_ms) - 1))]


def main():
    bank_path, queries_path, radius, out_path = sys.argv[1:5]
    radius = int(radius)
    bank = np.fromfile(bank_path, dtype=np.uint8).reshape(-1, 32)
    queries = np.fromfile(queries_path, dtype=np.uint8).reshape(-1, 32)
    faiss.omp_set_num_threads(1)

    before = rss_bytes()
    t0 = time.perf_counter()
    index = faiss.IndexBinaryMultiHash(256, 16, 16)
    index.nflip = 1
    index.add(bank)
    build_s = time.perf_counter() - t0
    index_bytes = rss_bytes() - before

    for q in queries[:50]:
        index.range_search(q.reshape(1, 32), radius + 1)
    times = []
    found = []
    for q in queries:
        t = time.perf_counter()
        lims, _dist, labels = index.range_search(q.reshape(1, 32), radius + 1)
        times.append((time.perf_counter() - t) * 1000)
        found.append(np.sort(labels))
    total_1 = sum(times) / 1000

    faiss.omp_set_num_threads(2)
    t = time.perf_counter()
    index.range_search(queries, radius + 1)
    total_2 = time.perf_counter() - t

    with open(out_path, "wb") as f:
        for labels in found:
            np.array([len(labels)], dtype="<u4").tofile(f)
            labels.astype("<u4").tofile(f)
    times.sort()
    print(json.dumps({
        "faiss": faiss.__version__,
        "build_s": build_s,
        "bytes_per_hash": index_bytes / len(bank),
        "p50_ms": percentile(times, 0.5),
        "p99_ms": percentile(times, 0.99),
        "qps_1": len(queries) / total_1,
        "qps_2": len(queries) / total_2,
    }))


if __name__ == "__main__":
    main()
