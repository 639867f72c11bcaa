"""The /api/v1 JSON interface over the same state, queries and analysis as the pages."""
