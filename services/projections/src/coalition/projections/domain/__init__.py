"""Pure domain of projections: what each event changes in a view. No I/O."""
