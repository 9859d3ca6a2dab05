"""HTTP and broker entry points of research."""
