"""Use cases of research."""
