"""View models: one typed object per page, built once, below web/ and api/. The HTML page
renders it, the JSON twin serialises it and the CSV twin flattens it."""
