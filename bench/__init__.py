"""`make bench`: chidao's speed next to a hand-written baseline measured in the same run."""
