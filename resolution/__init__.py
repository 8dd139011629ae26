"""Identity resolution runs on the Delta tables: resolve, manual merges and unmerges."""
