"""Pure domain of research: no I/O."""
