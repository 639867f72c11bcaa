"""Pure analysis: no FastAPI, no Session. Filtering, scores, sensitivity, vetoes, diffs."""
