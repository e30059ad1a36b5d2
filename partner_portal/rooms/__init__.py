"""Planning rooms: process templates, phases, and what each invited organisation owes."""
