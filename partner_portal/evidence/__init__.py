"""Participation evidence: what organisations did, recorded while they work.

The board's follow-up report is computed from these rows alone — nothing is typed in by hand.
"""
