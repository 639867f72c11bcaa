"""Running the app: the command line, the server, backups, the link checker, metrics."""
