"""EDGAR files → Filing records: a pipeline of small pure steps; never imports an engine."""
