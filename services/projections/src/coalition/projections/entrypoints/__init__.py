"""HTTP and broker entry points of projections."""
