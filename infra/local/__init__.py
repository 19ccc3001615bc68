"""The embedded local stack: the whole funnel on moto, on one laptop, with no AWS account."""
