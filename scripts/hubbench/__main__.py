"""Command line: `python -m hubbench [--quick] [--only fanout,ceiling,write,memory] ...`."""

from __future__ import annotations

import argparse
from pathlib import Path

from hubbench.run import SECTIONS, Bench, Options

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="small numbers and short windows, for a smoke run"
    )
    parser.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help=f"comma-separated sections to run (default: all of {','.join(SECTIONS)})",
    )
    parser.add_argument(
        "--postgres",
        default=DEFAULT_POSTGRES,
        metavar="URL",
        help="PostgreSQL server for the write path; a throwaway database is created on it "
        "and dropped after. 'none' skips it (default: %(default)s)",
    )
    parser.add_argument(
        "--ws",
        default="websockets-sansio,websockets",
        help="uvicorn WebSocket implementations to compare in the hub fan-out (default: %(default)s)",
    )
    parser.add_argument(
        "--client-procs",
        type=int,
        default=3,
        help="client processes for the connections (default: 3)",
    )
    parser.add_argument(
        "--receivers", type=int, help="fan-out receivers (default 500; --quick 100)"
    )
    parser.add_argument("--senders", type=int, help="write-path senders (default 200; --quick 40)")
    parser.add_argument("--channels", type=int, help="write-path channels (default 20; --quick 4)")
    parser.add_argument(
        "--connections", type=int, help="idle connections for memory (default 5000; --quick 500)"
    )
    parser.add_argument(
        "--measure", type=float, help="seconds per measuring window (default 5; --quick 2)"
    )
    parser.add_argument(
        "--warmup", type=float, help="seconds of load before each window (default 2; --quick 1)"
    )
    parser.add_argument(
        "--window",
        type=int,
        default=64,
        help="fan-out sender: messages not yet echoed back before it waits (default: %(default)s)",
    )
    parser.add_argument(
        "--text-bytes", type=int, default=200, help="message text size (default: %(default)s)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("var/bench"),
        help="output directory (default: %(default)s)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the bench databases in the run directory"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="py-spy the server during each fan-out and write window; stacks and a summary "
        "go to the run directory (needs: .venv/bin/pip install py-spy)",
    )
    args = parser.parse_args(argv)

    only = tuple(part.strip() for part in args.only.split(",") if part.strip())
    unknown = [part for part in only if part not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s) {unknown}; choose from {','.join(SECTIONS)}")
    quick = args.quick

    def pick(value: float | None, full: float, small: float) -> float:
        return value if value is not None else (small if quick else full)

    return Options(
        only=only,
        quick=quick,
        postgres=None if args.postgres.lower() in ("", "none", "off") else args.postgres,
        ws=tuple(part.strip() for part in args.ws.split(",") if part.strip()),
        client_procs=max(args.client_procs, 1),
        receivers=int(pick(args.receivers, 500, 100)),
        senders=int(pick(args.senders, 200, 40)),
        channels=int(pick(args.channels, 20, 4)),
        connections=int(pick(args.connections, 5000, 500)),
        warmup=pick(args.warmup, 2.0, 1.0),
        measure=pick(args.measure, 5.0, 2.0),
        window=args.window,
        text_bytes=args.text_bytes,
        out_dir=args.out,
        keep=args.keep,
        profile=args.profile,
    )


def main(argv: list[str] | None = None) -> None:
    Bench(parse_args(argv)).run()


if __name__ == "__main__":
    main()
