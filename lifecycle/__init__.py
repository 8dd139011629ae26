"""Domain lifecycle and erasure: `upt domain create|list|delete` and `upt forget`."""
