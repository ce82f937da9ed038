"""Acquire: sources, feeds and sitemaps discovered, pages fetched safely, folders loaded, bytes decoded, raw kept."""
