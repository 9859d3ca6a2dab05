"""Pure domain of agreement: no I/O."""
