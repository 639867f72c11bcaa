"""The dataset file: its schema, validation with file:line messages, import and export."""
