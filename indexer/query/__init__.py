"""The query language, the filters and the form groups: pure data, no engine."""
