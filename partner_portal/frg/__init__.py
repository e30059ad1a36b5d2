"""FRG (Frivilliga resursgruppen): volunteers, their availability, and call-outs."""
