"""Content as data: the files under ``templates/`` loaded into validated pydantic models."""
