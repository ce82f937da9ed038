"""The `akhbar` command line. `akhbar ingest --from PATH --warehouse FILE` runs the Prefect flow
in-process (an ephemeral Prefect API; no server needed)."""
from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from functools import partial
from pathlib import Path

from tasks.acquire.load import DEFAULT_BATCH_SIZE, DEFAULT_MAX_BYTES
from tasks.acquire.sources import SourcesError, load_sources, select_sources

FROM_TAKES = "--from takes a sources.toml, a folder of .txt/.html/.htm[.gz] files, or a .warc/.warc.gz file or URL"


def _size(text: str) -> int:
    """A byte size: 20000000, 20MB, 512KB, 1GiB."""
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    t = text.strip().lower().removesuffix("ib").removesuffix("b")
    try:
        if t and t[-1] in units:
            return int(float(t[:-1]) * units[t[-1]])
        return int(t)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (try 20MB)") from None


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (YYYY-MM-DD)") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="akhbar", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    ingest = sub.add_parser("ingest", help="load articles into the warehouse")
    ingest.add_argument("--from", dest="source", default="sources.toml",
                        help="a sources.toml, a folder of .txt/.html/.htm[.gz] files, or a .warc/.warc.gz file or"
                             " http(s) URL (default: %(default)s)")
    ingest.add_argument("--sources", type=lambda t: [n.strip() for n in t.split(",") if n.strip()],
                        help="comma-separated source names from sources.toml (default: every enabled source)")
    ingest.add_argument("--since", type=_day, help="only articles published on or after this day (YYYY-MM-DD)")
    ingest.add_argument("--until", type=_day, help="only articles published before this day (YYYY-MM-DD)")
    ingest.add_argument("--refetch", action="store_true", help="fetch known pages again (conditional GET)")
    ingest.add_argument("--warehouse", default="data/warehouse.duckdb",
                        help="DuckDB file (default: %(default)s), or a DuckLake: 'ducklake:postgres:host=H port=P dbname=D user=U'")
    ingest.add_argument("--lake-data", help="a DuckLake's Parquet folder (default: $AKHBAR_LAKE_DATA)")
    ingest.add_argument("--dask-workers", type=int, default=0,
                        help="folder batches at once on a local Dask cluster of this many processes (default: none)")
    ingest.add_argument("--dask-address", help="with --dask-workers: a running Dask scheduler (tcp://host:8786) instead")
    ingest.add_argument("--source-name", help="name recorded as `source` (default: the folder's name)")
    ingest.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="inputs per batch and task (default: %(default)s)")
    ingest.add_argument("--workers", type=int, default=None,
                        help="processes for decoding, extraction and enrichment (default: $AKHBAR_WORKERS, else the CPU count; 1: in-process)")
    ingest.add_argument("--max-bytes", type=_size, default=DEFAULT_MAX_BYTES, help="size cap per input (default: 20MB)")
    status = sub.add_parser("sources", help="each source's latest health, last success and the figures that moved")
    status.add_argument("--from", dest="source", default="sources.toml", help="a sources.toml (default: %(default)s)")
    status.add_argument("--sources", type=lambda t: [n.strip() for n in t.split(",") if n.strip()],
                        help="comma-separated source names (default: every source of the file, enabled or not)")
    status.add_argument("--warehouse", default="data/warehouse.duckdb", help="DuckDB file or DuckLake (default: %(default)s)")
    status.add_argument("--json", action="store_true", help="JSON for scripts: a list with one object per source")
    export = sub.add_parser("export", help="stored pages to archive tools")
    export.add_argument("format", choices=["warc"], help="warc: WARC 1.1 response records (.warc.gz: gzip per record)")
    export.add_argument("out", help="the file to write, e.g. pages.warc.gz")
    export.add_argument("--since", type=_day, help="articles published on or after this day (pages without one: fetched)")
    export.add_argument("--until", type=_day, help="articles published before this day")
    export.add_argument("--sources", type=lambda t: [n.strip() for n in t.split(",") if n.strip()],
                        help="comma-separated source names (default: every source)")
    export.add_argument("--warehouse", default="data/warehouse.duckdb", help="DuckDB file or DuckLake (default: %(default)s)")
    explore = sub.add_parser("explore", help="a read-only web app over the warehouse: stories, entities, events, quotes")
    explore.add_argument("--warehouse", default="data/warehouse.duckdb",
                         help="DuckDB file, or ducklake:postgres:<libpq connection string> (default: %(default)s)")
    explore.add_argument("--lake-data", default=None, help="a DuckLake's data folder (default: $AKHBAR_LAKE_DATA)")
    explore.add_argument("--port", type=int, default=int(os.environ.get("AKHBAR_EXPLORE_PORT", "8420")),
                         help="port on 127.0.0.1 (default: $AKHBAR_EXPLORE_PORT, else 8420)")
    evaluate = sub.add_parser("eval", help="score the pipeline on labelled data")
    evaluate.add_argument("what", choices=["dedup", "stories", "ner", "dates", "events"], help="what to score")
    evaluate.add_argument("file", help='dedup, stories: JSON {"documents": [{"id", "text", "published", "outlet"?}], '
                                       '"duplicate_groups" | "stories": [[id, ...]]}; ner: a `token tag` file (BIO); '
                                       'dates: JSON {"cases": [{"text", "anchor", "value", "granularity"}]}; '
                                       'events: gold in the shape of ../shared/gold/seeds.json')
    evaluate.add_argument("--json", action="store_true", help="print JSON only")
    return parser


def run_eval(args) -> int:
    # Each scorer imports only what it needs: ner and dates need no warehouse.
    if args.what == "ner":
        from evaluation.ner import NerInputError as InputError
        from evaluation.ner import eval_ner as score
    elif args.what == "dates":
        from evaluation.dates import DatesInputError as InputError
        from evaluation.dates import eval_dates as score
    elif args.what == "events":
        from evaluation.events import EventsInputError as InputError
        from evaluation.events import eval_events as score
    else:
        from evaluation.grouping import EvalInputError as InputError
        from evaluation.grouping import eval_dedup, eval_stories
        score = eval_dedup if args.what == "dedup" else eval_stories
    try:
        result = score(args.file)
    except InputError as exc:
        print(f"akhbar eval: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:20s} {value}")
    return 0


def run_sources_status(args) -> int:
    from akhbar.sources_status import StatusError, as_json, as_table, read_latest, statuses

    try:
        chosen = load_sources(args.source)
        if args.sources:
            chosen = select_sources(chosen, args.sources)
        entries = statuses(chosen, read_latest(args.warehouse, [s.name for s in chosen]))
    except (SourcesError, StatusError) as exc:
        print(f"akhbar sources: {exc}", file=sys.stderr)
        return 2
    print(as_json(entries) if args.json else as_table(entries))
    return 0


def run_export(args) -> int:
    from datetime import datetime, time, timezone

    from tasks.run.export_warc import export_warc
    from tasks.run.tally import Window
    from tasks.warehouse.lake import is_lake_setting
    from tasks.warehouse.setting import open_warehouse

    if not is_lake_setting(args.warehouse) and not Path(args.warehouse).is_file():
        print(f"akhbar export: no warehouse at {args.warehouse}", file=sys.stderr)
        return 2
    if args.since and args.until and args.since >= args.until:
        print("akhbar export: --since must be before --until", file=sys.stderr)
        return 2
    if not args.out.endswith((".warc", ".warc.gz")):
        print(f"akhbar export: {args.out}: the file name ends in .warc or .warc.gz", file=sys.stderr)
        return 2
    utc = lambda d: None if d is None else datetime.combine(d, time.min, tzinfo=timezone.utc)  # noqa: E731
    done = export_warc(open_warehouse(args.warehouse), args.out, Window(utc(args.since), utc(args.until)), args.sources)
    print(f"akhbar export: {done.records} pages to {args.out} ({done.bytes} bytes before compression; "
          f"{done.skipped} stored documents without an http(s) URL left out)")
    return 0


def run_explore(args) -> int:
    from tasks.warehouse.lake import is_lake_setting
    from tasks.warehouse.setting import open_warehouse

    if not is_lake_setting(args.warehouse) and not Path(args.warehouse).is_file():
        print(f"akhbar explore: no warehouse at {args.warehouse} (`make run` makes one from the seeds)", file=sys.stderr)
        return 2
    try:
        warehouse = open_warehouse(args.warehouse, args.lake_data)
    except ValueError as exc:
        print(f"akhbar explore: {exc}", file=sys.stderr)
        return 2
    import uvicorn

    from akhbar.explore.app import create_app

    print(f"akhbar explore: http://127.0.0.1:{args.port}/ over {warehouse} (read-only; Ctrl-C stops)", flush=True)
    uvicorn.run(create_app(warehouse), host="127.0.0.1", port=args.port, log_level="warning")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Machines here have no internet: Prefect's telemetry would only log failures.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # The in-process API server starts in 20 s on a quiet machine's default: on a loaded one (both cores busy)
    # it took longer and the run ended before any work ("Timed out while attempting to connect to ephemeral
    # Prefect API server", one run in three in tests/run/test_crash_recovery.py under the full suite).
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    if args.command == "eval":
        return run_eval(args)
    if args.command == "sources":
        return run_sources_status(args)
    if args.command == "export":
        return run_export(args)
    if args.command == "explore":
        return run_explore(args)
    if args.command == "ingest":
        from tasks.acquire.warc import is_archive_name, is_remote

        remote_archive = is_remote(args.source) and is_archive_name(args.source)
        if not remote_archive and not Path(args.source).exists():
            print(f"akhbar: --from {args.source}: no such folder or file ({FROM_TAKES})", file=sys.stderr)
            return 2
        if not Path(args.source).is_dir() and not is_archive_name(args.source):
            try:  # fail fast, with the line at fault, before Prefect starts
                select_sources(load_sources(args.source), args.sources)
            except SourcesError as exc:
                print(f"akhbar: {args.source}: {exc}", file=sys.stderr)
                return 2
        if args.since and args.until and args.since >= args.until:
            print("akhbar: --since must be before --until", file=sys.stderr)
            return 2
        if args.batch_size < 1:
            print("akhbar: --batch-size must be at least 1", file=sys.stderr)
            return 2
        if args.workers is not None and args.workers < 1:
            print("akhbar: --workers must be at least 1", file=sys.stderr)
            return 2
        if args.dask_workers < 0:
            print("akhbar: --dask-workers must be 0 or more", file=sys.stderr)
            return 2
        from flows.ingest import ingest, ingest_on_dask  # Prefect is slow to import: only when needed

        run = partial(ingest_on_dask, args.dask_workers, args.dask_address) if args.dask_workers else ingest
        run(
            source=args.source,
            warehouse=args.warehouse,
            sources=args.sources,
            since=args.since,
            until=args.until,
            refetch=args.refetch,
            source_name=args.source_name,
            batch_size=args.batch_size,
            max_bytes=args.max_bytes,
            workers=args.workers,
            lake_data=args.lake_data,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
