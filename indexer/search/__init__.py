"""The engine-neutral search core: requests, results, listings, facets, snippets, suggestions."""
