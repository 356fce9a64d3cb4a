"""Load benchmarks of the served portal (see README.md). Not part of the deployed image."""
