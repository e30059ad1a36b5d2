"""The offline crisis pack of a planning room: one PDF (and one HTML file) to print, or to keep
on a phone, for the outage the room plans for (issue 19)."""
