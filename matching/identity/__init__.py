"""Identity resolution as DataFrame functions: edges and their rules, the run's plan, manual links."""
