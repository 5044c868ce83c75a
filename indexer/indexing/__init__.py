"""`indexer build`: parse files in parallel, write a new generation, verify it, swap it in."""
