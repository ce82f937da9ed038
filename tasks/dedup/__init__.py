"""Dedup: exact and near duplicates (MinHash), boilerplate learned per outlet, stories across outlets and runs."""
