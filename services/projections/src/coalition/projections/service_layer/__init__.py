"""Projecting events into read models, live and on rebuild."""
