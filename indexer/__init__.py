"""Parse SEC EDGAR filings of every era into fielded records, index and search them.

The packages are the layers, each importing only those below it: `edgar` (files → Filing),
`query` (the query language and filters, pure), `store` (generations, side store), `backend`
(the engines), `search` (the engine-neutral core), `build`, `fetch`, and the `cli` on top.
"""
