"""Agreement\x27s adapters: its own tables beside the event store."""
