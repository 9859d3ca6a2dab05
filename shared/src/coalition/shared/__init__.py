"""Coalition's shared kernel: what every service needs once, and nothing service-specific."""
