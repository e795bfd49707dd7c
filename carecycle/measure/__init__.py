"""Measurement: KPIs, test against control, and reports."""
