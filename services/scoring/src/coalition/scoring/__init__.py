"""Scoring: explainable partner assessment and coalition recommendation."""
