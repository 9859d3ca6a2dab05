"""Benchmarks of Coalition: event-store throughput on PostgreSQL against a raw INSERT baseline
and the `eventsourcing` library, and end-to-end latency through all five services.

Run with `make bench` (or `python -m benchmarks.run`); the results go to benchmarks/results.md.
"""
