"""Data access: one small class per AWS resource. The only place that knows table keys."""
