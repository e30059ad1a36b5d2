"""Reads for FRG, by concern: the group and its members (members), availability (availability),
call-outs (callouts) and what is held about a volunteer (held). Columns into frozen rows; no
module here imports a service."""
