"""Lambda entry points: thin, one job each, so that each function gets only the permissions it needs."""
