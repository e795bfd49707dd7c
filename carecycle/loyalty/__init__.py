"""Loyalty: the points ledger, earning rules, rewards and referrals."""
