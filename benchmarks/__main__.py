"""``python -m benchmarks [NAME ...] [--list]``: run benchmarks and print ours vs baseline."""

from __future__ import annotations

import argparse
import sys
import time

from benchmarks.registry import discover, format_table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME", help="benchmarks to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)

    registry = discover()
    if args.list:
        width = max((len(n) for n in registry), default=0)
        for name, bench in sorted(registry.items()):
            print(f"{name.ljust(width)}  {bench.description}")
        return 0
    unknown = [n for n in args.names if n not in registry]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(sorted(registry))}",
              file=sys.stderr)
        return 2
    for name in args.names or sorted(registry):
        bench = registry[name]
        print(f"running {name}: {bench.description}", file=sys.stderr, flush=True)
        started = time.perf_counter()
        result = bench.run()
        print(format_table(name, result))
        print(f"  ({time.perf_counter() - started:.1f} s including media preparation)\n",
              flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
