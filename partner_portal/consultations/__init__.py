"""Consultations (remisser): the coordinator asks organisations for one formal statement each
on a published plan version, and records the municipality's response to every statement and
comment in a compilation that prints and exports."""
