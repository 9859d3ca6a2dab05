"""Who may do what: API keys and bearer tokens, scoped to campaigns and to read or write per
service, and the rate limit each key is held to."""
