"""Connectors to campaigns' CRMs: configuration, and one client per CRM API."""
