"""Channel adapters: email, direct mail, calls, partner hand-off and outcomes."""
