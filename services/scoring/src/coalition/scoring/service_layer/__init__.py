"""Use cases of scoring."""
