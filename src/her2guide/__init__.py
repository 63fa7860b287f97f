"""her2guide."""
