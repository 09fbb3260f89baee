"""Benchmarks: each query against the database's own raw SQL floor, in the same run.

    make bench                       # SQLite, then PostgreSQL if it answers
    DATABASE_URL=postgres://… .venv/bin/python -m bench

Ratios, not seconds, are the result: these machines are shared and noisy.
"""

import os
import statistics
import subprocess
import sys
import time


def timed_pair(first, second, repeat=31):
    """Medians of two functions timed in alternation, so that a shared machine's changing
    load falls on both sides alike."""
    first()
    second()  # warm caches on both sides before measuring
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for function, kept in ((first, samples[0]), (second, samples[1])):
            start = time.perf_counter()
            function()
            kept.append(time.perf_counter() - start)
    return statistics.median(samples[0]), statistics.median(samples[1])


def run_one():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doanket.settings")
    os.environ.setdefault("DEBUG", "1")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench import households_bench, households_import_bench, reporting_bench, units_bench

    call_command("migrate", verbosity=0)
    print(f"\n== {connection.vendor} ({connection.settings_dict['NAME']})")
    cases = units_bench.cases() + reporting_bench.cases() + households_bench.cases()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics after the bulk loads, for both sides
    only = os.getenv("BENCH_ONLY", "")
    for name, orm, floor in cases:
        if only and only not in name:
            continue
        floor_time, orm_time = timed_pair(floor, orm)
        print(f"{name:<55} floor {floor_time * 1000:8.2f} ms  ×{orm_time / floor_time:5.2f}")
    if not only or only in "households" or "household" in only:
        households_bench.report(timed_pair)
    if not only or "import" in only:
        households_import_bench.run()


def main():
    if os.getenv("BENCH_CHILD"):
        run_one()
        return
    targets = [("sqlite", f"sqlite:///{os.path.abspath('var/bench.sqlite3')}")]
    pg = "postgres://postgres@127.0.0.1:5432/doanket_bench"
    probe = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "select 1"],
        capture_output=True,
        check=False,
    )
    if probe.returncode == 0:
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", "create database doanket_bench"],
            capture_output=True,
            check=False,
        )
        targets.append(("postgresql", pg))
    else:
        print("PostgreSQL does not answer on 127.0.0.1:5432; only SQLite is measured.")
    for _label, url in targets:
        env = {**os.environ, "BENCH_CHILD": "1", "DATABASE_URL": url}
        subprocess.run([sys.executable, "-m", "bench"], env=env, check=True)


if __name__ == "__main__":
    main()
