"""Projections: the read models staff and the CRM look at, rebuilt from the log at will."""
