"""Fit the demand model (placeholder for the sample)."""
import sys

print("fitting with", sys.argv[1:])
