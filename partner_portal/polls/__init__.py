"""Date polls: the coordinator proposes times, the invited organisations answer."""
