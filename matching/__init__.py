"""Identity matching: deterministic rules, connected components and Splink (pure DataFrame functions)."""
