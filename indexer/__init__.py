"""Parse SEC EDGAR filings of every era into fielded records and index them with Whoosh."""
