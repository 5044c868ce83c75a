"""The `indexer` command line: a thin layer over the library."""

from __future__ import annotations

import contextlib
import faulthandler
import json
import signal
import sys

import click

from indexer.backend import BACKENDS, DEFAULT_BACKEND
from indexer.query.fields import CHOICE, FIELDS, FLAG_OF
from indexer.store import generations as indexdir

EXIT_BUSY = 3  # another build holds the index directory
EXIT_NO_INDEX = 4  # nothing built yet

index_dir_option = click.option(
    "--index-dir",
    type=click.Path(file_okay=False),
    default=indexdir.default_index_dir,
    show_default=f"${indexdir.ENV_VAR} or {indexdir.DEFAULT_DIR}/",
    help="Index directory.",
)


class CliError(click.ClickException):
    """A user-facing error with a hint and its own exit code."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


@click.group()
@click.version_option(package_name="edgar-search")
def main() -> None:
    """Parse SEC EDGAR filings of every era and search them offline."""
    # `kill -USR1 <pid>` prints every thread's stack to stderr: what a stuck run is doing
    with contextlib.suppress(AttributeError, OSError, ValueError):  # no real stderr
        faulthandler.register(signal.SIGUSR1, file=sys.__stderr__, all_threads=True)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
def parse(paths: tuple[str, ...]) -> None:
    """Print one JSON record per filing found under PATHS (JSON lines)."""
    from indexer.edgar.model import NotAFiling, ParseError
    from indexer.edgar.parse import parse_path
    from indexer.edgar.sources import walk

    for src in walk(paths):
        try:
            filings = parse_path(src.path)
        except (NotAFiling, ParseError) as e:
            kind = "skipped" if isinstance(e, NotAFiling) else "failed"
            click.echo(f"{kind}: {src.path}: {e}", err=True)
            continue
        for f in filings:
            click.echo(json.dumps(f.to_record(), ensure_ascii=False))


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@index_dir_option
@click.option("--jobs", "-j", type=click.IntRange(1, 256), help="Parser processes [all cores].")
@click.option("--prune", is_flag=True, help="Drop filings whose files are gone.")
@click.option("--rebuild", is_flag=True, help="Re-read everything into a fresh index.")
@click.option(
    "--backend",
    type=click.Choice(BACKENDS),
    default=DEFAULT_BACKEND,
    show_default=True,
    help="Search engine to write (a generation of another backend is rebuilt whole).",
)
@click.option(
    "--checkpoint",
    "minutes",
    type=click.FloatRange(0, 24 * 60),
    default=10.0,
    show_default=True,
    metavar="MINUTES",
    help="Commit what is built at least this often; a killed build resumes from it.",
)
@click.option(
    "--serve-checkpoints", is_flag=True, help="Serve each checkpoint (default: complete builds)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def build(paths, index_dir, jobs, prune, rebuild, backend, minutes, serve_checkpoints, as_json):
    """Index the filings under PATHS (files or folders) into the index directory."""
    from indexer.indexing.builder import BuildFailed, quiet_gc
    from indexer.indexing.builder import build as run_build

    quiet_gc()  # this process only builds: its garbage collector can run seldom too
    try:
        report = run_build(
            list(paths),
            index_dir,
            jobs,
            prune,
            rebuild,
            sys.stderr.isatty(),
            backend,
            minutes,
            serve_checkpoints,
        )
    except indexdir.IndexBusy as e:
        raise CliError(str(e), EXIT_BUSY) from None
    except BuildFailed as e:
        raise CliError(str(e), 1) from None
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2))
    else:
        print_report(report)


def print_report(report) -> None:
    """Print a build summary for people."""
    r = report
    click.echo(
        f"{r.files_seen} files seen, {r.files_unchanged} unchanged, {r.files_parsed} read; "
        f"{r.filings_added} filings added, {r.filings_updated} updated, "
        f"{r.filings_removed} removed, {r.duplicates_merged} duplicates merged; "
        f"{r.filings_total} filings in {r.index_dir}"
    )
    lost = "indexed without all their text"
    for label, rows in (("skipped", r.skipped), ("failed", r.failed), (lost, r.text_lost)):
        if rows:
            click.echo(f"{len(rows)} {label}:")
            for path, reason in rows:
                click.echo(f"  {path}: {reason}")
    if r.resumed_from or r.checkpoints:
        resumed = f"resumed from {r.resumed_from}; " if r.resumed_from else ""
        click.echo(f"{resumed}{r.checkpoints} checkpoints committed ({r.checkpoint_s:.1f} s)")
    click.echo(f"{r.elapsed_s:.1f} s, {r.bytes_read / 2**20:.1f} MB read, {r.mb_per_s:.2f} MB/s")


@main.command()
@index_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def stats(index_dir, as_json) -> None:
    """Count the index's filings by form, year and company."""
    from indexer.search.stats import index_stats

    try:
        s = index_stats(index_dir)
    except indexdir.NoIndex as e:
        raise CliError(str(e), EXIT_NO_INDEX) from None
    if as_json:
        click.echo(json.dumps(s, indent=2))
        return
    click.echo(f"{s['filings']} filings in {s['index_dir']} ({s['index_bytes'] / 2**20:.1f} MB)")
    d, mb = s["disk"], 2**20
    click.echo(
        f"disk ({d['backend']}): engine {d['engine_bytes'] / mb:.1f} MB, side store "
        f"{d['side_store_bytes'] / mb:.1f} MB, {d['bytes_per_text_char']} bytes per text "
        f"character; index directory {d['index_dir_bytes'] / mb:.1f} MB (every generation kept)"
    )
    for title, key in (("form", "by_form"), ("year", "by_year"), ("company", "by_company")):
        click.echo(f"\nby {title}:")
        for k, v in s[key].items():
            click.echo(f"  {v:6d}  {k}")


# ---------------------------------------------------------------- search

EXIT_BAD_QUERY = 2  # the query or an option cannot be searched as given


def filter_options(command):
    """Add an option for every filter of the fields registry (indexer/query/fields.py)."""
    for f in reversed(FIELDS):  # click lists options in the order they are applied, last first
        if f.kind == CHOICE:
            option = click.option(f.flag, f.attr, type=click.Choice(f.choices), help=f.help)
        else:
            option = click.option(f.flag, f.attr, multiple=f.multiple, help=f.help)
        command = option(command)
    return command


def cli_filters(options: dict):
    """Return the Filters the filter options set; a CHOICE option is True for its first choice."""
    from indexer.query.filters import Filters

    values = {}
    for f in FIELDS:
        value = options[f.attr]
        if f.kind == CHOICE:
            values[f.attr] = value == f.choices[0]
        elif value:
            values[f.attr] = value
    return Filters(**values)


@main.command("search")
@click.argument("query", required=False, default="")
@filter_options
@click.option(
    "--sort",
    type=click.Choice(["relevance", "newest", "oldest", "period", "company"]),
    default="relevance",
    show_default=True,
)
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@click.option("--per-page", type=int, default=10, show_default=True, help="Hits per page (≤ 100).")
@click.option(
    "--time-limit",
    type=click.FloatRange(0, 30, min_open=True),
    default=10.0,
    show_default=True,
    help="Seconds the search may take; past it, results are partial and say so.",
)
@index_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def search_command(query, index_dir, sort, page, per_page, time_limit, as_json, **filters):
    """Search the index: QUERY uses the syntax in README, "Search syntax"."""
    from indexer.query.filters import QueryError
    from indexer.search.core import SearchRequest, search

    try:  # a bad option is reported before the index is opened (and when there is none)
        filters = cli_filters(filters).validate()
        request = SearchRequest(query, filters, sort, page, per_page, time_limit=time_limit)
        result = search(index_dir, request)
    except indexdir.NoIndex as e:
        raise CliError(str(e), EXIT_NO_INDEX) from None
    except QueryError as e:
        raise CliError(query_error_message(e, query), EXIT_BAD_QUERY) from None
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        print_result(result.to_json(), color=sys.stdout.isatty())


def query_error_message(e, query: str) -> str:
    """Return a query error with the query and a caret under the problem, and a hint."""
    from indexer.query.repair import suggest_fix

    option = FLAG_OF.get(e.param, "--" + e.param.replace("_", "-"))
    lines = [e.message if e.param == "q" else f"{option}: {e.message}"]
    if e.param == "q" and e.position is not None and len(query) <= 200:
        lines += [f"  {query}", "  " + " " * min(e.position, len(query)) + "^"]
    if e.param == "q" and (fix := suggest_fix(query)) and fix != query:
        lines.append(f"did you mean: {fix}")
    lines.append("hint: see README, Search syntax")
    return "\n".join(lines)


def terminal_snippet(html_text: str, color: bool) -> str:
    """Turn a snippet's <mark>…</mark> into bold (or [brackets]) and unescape the rest."""
    import html

    out = []
    for i, part in enumerate(html_text.split("<mark>")):
        word, _, rest = part.partition("</mark>") if i else ("", "", part)
        if i:
            word = html.unescape(word)
            out.append(click.style(word, bold=True) if color else f"[{word}]")
        out.append(html.unescape(rest))
    return "".join(out)


def print_result(r: dict, color: bool) -> None:
    """Print a search result for people."""
    q = r["query"]
    first = (r["page"] - 1) * r["per_page"] + 1
    shown = f"{first}-{first + len(r['hits']) - 1} of " if r["hits"] else ""
    what = f" for {q['echo']}" if q["echo"] else ""
    click.echo(f"{shown}{r['total']} filings{what} (page {r['page']} of {r['pages']}, {r['sort']})")
    if r["timed_out"]:
        click.echo("search timed out: results are partial")
    for w in q["warnings"]:
        click.echo(f"note: {w}")
    suggestion = r["suggestion"] or {}
    if suggestion.get("q"):
        click.echo(f"did you mean: {suggestion['q']}")
    for c in suggestion.get("companies", []):
        click.echo(f"did you mean the company: {c['label']}")
    for n, hit in enumerate(r["hits"], first):
        print_hit(n, hit, color)
    print_facets(r["facets"])


def print_hit(n: int, hit: dict, color: bool) -> None:
    """Print one hit: who, what, when, the snippets and the documents that matched."""
    dates = f"filed {hit['filed'] or '?'}" + (f", period {hit['period']}" if hit["period"] else "")
    title = f"{n}. {hit['company'] or '(no company)'}: {hit['form'] or '?'} {dates}"
    click.echo("\n" + (click.style(title, bold=True) if color else title))
    cik = f"  CIK {hit['cik']}" if hit["cik"] else ""
    click.echo(f"   {hit['accession'] or hit['id']}{cik}")
    if hit["items"]:
        items = [f"{i['normalized'] or i['code']} {i['title'] or ''}" for i in hit["items"]]
        click.echo(f"   items: {'; '.join(items)}")
    for s in hit["snippets"]:
        click.echo(f"   {terminal_snippet(s, color)}")
    docs = [d["type"] or d["filename"] or "?" for d in hit["matched_documents"]]
    if docs:
        click.echo(f"   matched in: {', '.join(docs)}")


def print_facets(facets: dict) -> None:
    """Print the top values of the main facets on one line each."""
    lines = []
    for name in ("form", "year", "company"):
        f = facets.get(name)
        if f and f["values"]:
            values = ", ".join(f"{v['value']} ({v['count']})" for v in f["values"][:6])
            lines.append(f"by {f['label'].lower()}: {values}")
    if lines:
        click.echo("\n" + "\n".join(lines))


# ---------------------------------------------------------------- fetch


@main.command("fetch")
@click.option("--cik", "ciks", multiple=True, help="Filer CIK (its submissions JSON).")
@click.option("--ticker", "tickers", multiple=True, help="Ticker, by SEC's company_tickers.json.")
@click.option("--form", "forms", multiple=True, help="Form (S-3 includes S-3/A); -FORM excludes.")
@click.option("--filed-from", help="Filed on or after (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--filed-to", help="Filed on or before.")
@click.option(
    "--into",
    type=click.Path(file_okay=False),
    required=True,
    help="Download folder (sec-edgar-downloader's layout).",
)
@click.option("--since-last", is_flag=True, help="Only what is new since the previous fetch.")
@click.option("--user-agent", help="Your name and contact e-mail [$EDGAR_USER_AGENT].")
@click.option(
    "--rate",
    type=click.FloatRange(0, 10, min_open=True),
    default=10.0,
    show_default=True,
    help="Requests per second, all workers together (SEC allows at most 10).",
)
@click.option("--workers", type=click.IntRange(1, 16), default=4, show_default=True)
@click.option("--build", "then_build", is_flag=True, help="Then index the folder (indexer build).")
@index_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def fetch_command(then_build, index_dir, as_json, **options) -> None:
    """Download filings from EDGAR into a folder that `indexer build` reads."""
    from indexer.fetch import BadUserAgent, FetchOptions, SelectionError, fetch

    try:
        report = fetch(FetchOptions(**options, progress=sys.stderr.isatty()))
    except (BadUserAgent, SelectionError) as e:
        raise CliError(str(e), EXIT_BAD_QUERY) from None
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2))
    else:
        print_fetch(report)
    if then_build:
        ctx = click.get_current_context()  # build's own defaults (backend ...) for the rest
        ctx.invoke(build, paths=(options["into"],), index_dir=index_dir, as_json=as_json)
    if report.failed:
        sys.exit(1)


def print_fetch(r) -> None:
    """Print a fetch summary for people."""
    click.echo(
        f"{r.listed} filings selected: {r.fetched} fetched ({r.bytes / 2**20:.1f} MB), "
        f"{r.skipped} already complete, {len(r.failed)} failed"
    )
    for what, reason in r.failed:
        click.echo(f"  failed: {what}: {reason}")
    click.echo(
        f"{r.requests} requests ({r.retries} retries, {r.not_modified} not modified) in "
        f"{r.elapsed_s:.1f} s, {r.requests_per_s:.1f} requests/s"
    )


# ---------------------------------------------------------------- verify

EXIT_VERIFY_FAILED = 5  # the serving generation does not open or disagrees with its records


@main.command("verify")
@index_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def verify_command(index_dir, as_json) -> None:
    """Check that the serving index opens, agrees with its side store, and answers a search."""
    from indexer.indexing.verify import verify

    try:
        report = verify(index_dir)
    except indexdir.NoIndex as e:
        raise CliError(str(e), EXIT_NO_INDEX) from None
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        print_verify(report)
    if not report.ok:
        sys.exit(EXIT_VERIFY_FAILED)


def print_verify(report) -> None:
    """Print a verification report for people: one line per check, then the verdict."""
    click.echo(f"{report.index_dir}: generation {report.generation}")
    for c in report.checks:
        click.echo(f"  {'ok  ' if c.ok else 'FAIL'}  {c.name}: {c.detail}")
    failed = sum(not c.ok for c in report.checks)
    click.echo("verified" if report.ok else f"verification FAILED ({failed} checks)")


if __name__ == "__main__":
    main()
