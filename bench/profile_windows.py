"""Sorts perf samples taken during a bench run into where the CPU went, per delivery, for the engine and the raw loop.

Only the samples inside measured runs count: of each pair of runs the bench makes (a warm-up and the measured one),
the second, from the second round on. Samples are 999 a second per busy core, so one is about a millisecond of CPU.
"""
import collections
import sys

# First match wins: a sample belongs to the first bucket whose marker appears in its stack (leaf first).
BUCKETS = [
    ("SQLite (library, Microsoft.Data.Sqlite, EF, the engine's statements)",
     ["Microsoft.Data.Sqlite", "SQLitePCL", "libe_sqlite3", "EntityFrameworkCore", "OutcomeWriter", "DeliveryStore"]),
    ("network system calls (both ends)", ["__x64_sys_sendto", "__x64_sys_recvfrom"]),
    ("threads spinning for work (idle)", ["__x64_sys_sched_yield", "__sched_yield"]),
    ("file writes and fsync", ["__x64_sys_pwrite", "__x64_sys_fsync", "__x64_sys_pread"]),
    ("JIT", ["libclrjit"]),
    ("receiver (Kestrel)", ["Kestrel", "AspNetCore", "Receiver"]),
    ("HttpClient", ["System.Net.Http"]),
    ("the engine's own code", ["DeliveryDispatcher", "WebhookSender", "WebhookBody", "WebhookSignature"]),
]


def windows(bench_output):
    runs = collections.defaultdict(list)
    for line in open(bench_output):
        if line.startswith("window "):
            _, kind, start, end, count = line.split()
            runs[kind].append((int(start) / 1e9, int(end) / 1e9, int(count)))
    return {kind: [run for i, run in enumerate(found) if i % 2 == 1 and i >= 3] for kind, found in runs.items()}


def stacks(samples_file):
    time, frames = None, []
    for line in open(samples_file, errors="replace"):
        if not line.strip():
            continue
        if line.startswith("\t"):
            frames.append(line.strip())
            continue
        if time is not None:
            yield time, frames
        time, frames = float(line.split()[1].rstrip(":")), []
    if time is not None:
        yield time, frames


def bucket(frames):
    text = " ".join(frames)
    for name, markers in BUCKETS:
        if any(marker in text for marker in markers):
            return name
    return "the rest (GC, sockets, crypto, runtime)"


def main(bench_output, samples_file):
    runs = windows(bench_output)
    counts = {kind: collections.Counter() for kind in runs}
    for time, frames in stacks(samples_file):
        for kind, found in runs.items():
            if any(start <= time <= end for start, end, _ in found):
                counts[kind][bucket(frames)] += 1
    deliveries = {kind: sum(count for _, _, count in found) or 1 for kind, found in runs.items()}
    kinds = sorted(runs)
    names = [name for name, _ in BUCKETS] + ["the rest (GC, sockets, crypto, runtime)"]
    print("| µs of CPU per delivery (perf samples) | " + " | ".join(kinds) + " |")
    print("|---|" + "---|" * len(kinds))
    for name in ["all"] + names:
        cells = []
        for kind in kinds:
            samples = sum(counts[kind].values()) if name == "all" else counts[kind][name]
            cells.append(f"{samples * 1001 / deliveries[kind]:.1f}")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
