"""Pure domain of engagement: no I/O."""
