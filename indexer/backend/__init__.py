"""Search engines behind one contract; only this package touches an engine."""
