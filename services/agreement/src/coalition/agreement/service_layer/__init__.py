"""Use cases of agreement."""
