"""Prefect flows: they wire plain batch functions from tasks/ and hold no logic of their own."""
