"""The database: engine, tables, every SELECT, revisions and permanent links."""
