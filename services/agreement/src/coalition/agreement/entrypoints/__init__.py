"""HTTP and broker entry points of agreement."""
