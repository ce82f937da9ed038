"""Dates and times in text, resolved against the publication date."""
