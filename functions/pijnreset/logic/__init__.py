"""Pure domain logic: no AWS, no I/O. Unit-tested without any mock."""
