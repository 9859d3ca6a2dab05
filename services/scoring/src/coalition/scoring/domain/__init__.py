"""Pure domain of scoring: no I/O."""
