"""Settings classes, selected by the MARKETPLACE_ENV environment variable."""
