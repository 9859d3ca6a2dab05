"""Scoring's adapters: its tables and their queries."""
