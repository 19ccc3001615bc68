"""Pydantic models of what the API accepts and returns and of what the table stores."""
