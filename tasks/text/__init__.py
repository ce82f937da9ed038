"""Arabic text normalization and the keys every stage matches on (no imports of other stages)."""
