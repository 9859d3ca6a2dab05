"""Tables of the read models."""
