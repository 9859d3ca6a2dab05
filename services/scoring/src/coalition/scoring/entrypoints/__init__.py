"""HTTP and broker entry points of scoring."""
