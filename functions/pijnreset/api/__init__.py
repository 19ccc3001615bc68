"""What every HTTP handler shares: the resolver, request guards and error responses."""
