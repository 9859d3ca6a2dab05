"""Research talks to the outside here: CRMs."""
