"""Data, never decisions: typed models, repositories and migrations for louwu."""
