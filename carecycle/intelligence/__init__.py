"""Customer intelligence: value, lifetime value, renewal."""
