"""Enrich: entities, roles, dates, quotes, agencies and events of an article, and their warehouse rows."""
