"""HTML routes: parse (dependency) -> queries -> analysis -> render."""
