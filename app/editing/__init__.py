"""Editors: accounts and sign-in, the one place that decides who may write, and proposals
with their review."""
