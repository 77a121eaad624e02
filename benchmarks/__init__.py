"""Benchmarks of Series Studio against the classic way of doing the same job.

Run ``python -m benchmarks`` (all), ``python -m benchmarks probe`` (some) or
``python -m benchmarks --list``. Media is generated on demand and cached in
``platformdirs.user_cache_dir("series-studio-bench")`` (``$STUDIO_BENCH_CACHE``).
"""
