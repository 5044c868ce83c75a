"""The `indexer` command line: a thin layer over the library."""

from __future__ import annotations

import json
import sys

import click

from indexer import indexdir

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


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
def parse(paths: tuple[str, ...]) -> None:
    """Print one JSON record per filing found under PATHS (JSON lines)."""
    from indexer.model import NotAFiling, ParseError
    from indexer.parse import parse_path
    from indexer.sources import walk

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
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def build(paths, index_dir, jobs, prune, rebuild, as_json) -> None:
    """Index the filings under PATHS (files or folders) into the index directory."""
    from indexer.build import build as run_build

    try:
        report = run_build(
            list(paths), index_dir, jobs, prune, rebuild, progress=sys.stderr.isatty()
        )
    except indexdir.IndexBusy as e:
        raise CliError(str(e), EXIT_BUSY) from None
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
    for label, rows in (("skipped", r.skipped), ("failed", r.failed)):
        if rows:
            click.echo(f"{len(rows)} {label}:")
            for path, reason in rows:
                click.echo(f"  {path}: {reason}")
    click.echo(f"{r.elapsed_s:.1f} s, {r.bytes_read / 2**20:.1f} MB read, {r.mb_per_s:.2f} MB/s")


@main.command()
@index_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def stats(index_dir, as_json) -> None:
    """Count the index's filings by form, year and company."""
    from indexer.stats import index_stats

    try:
        s = index_stats(index_dir)
    except indexdir.NoIndex as e:
        raise CliError(str(e), EXIT_NO_INDEX) from None
    if as_json:
        click.echo(json.dumps(s, indent=2))
        return
    click.echo(f"{s['filings']} filings in {s['index_dir']} ({s['index_bytes'] / 2**20:.1f} MB)")
    for title, key in (("form", "by_form"), ("year", "by_year"), ("company", "by_company")):
        click.echo(f"\nby {title}:")
        for k, v in s[key].items():
            click.echo(f"  {v:6d}  {k}")


if __name__ == "__main__":
    main()
