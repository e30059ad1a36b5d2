"""Attachments: files partners and the coordinator upload into a room, checked while they are
read, stored under generated names outside ``static/``, and served only through an access check.
"""
