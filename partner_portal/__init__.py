"""Partnerportalen: Botkyrka kommun's portal for crisis-preparedness planning with partners."""

__version__ = "0.1.0"
