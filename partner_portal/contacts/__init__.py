"""The crisis contact directory: each organisation's 24/7 path and its people's crisis roles,
confirmed every six months (issue 19)."""
