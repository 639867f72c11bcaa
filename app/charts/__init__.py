"""Charts drawn on the server: SVG for pages, PNG for link previews. Pure: no FastAPI, no I/O."""
