"""Policy Option Explorer: compare policy options on scores, legal hurdles, stances and vetoes."""
