"""HTTP and broker entry points of engagement."""
