"""`build-site`: content/ in, a static site out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .build import BuildOptions, build
from .errors import BuildError


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="build-site",
        description="Build the Lofi Player static site from a content folder.",
    )
    parser.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content/)")
    parser.add_argument("--out", type=Path, default=Path("dist"), help="output folder, replaced whole (default: dist/)")
    parser.add_argument(
        "--config", type=Path, default=None, help="site settings in TOML (default: CONTENT/site.toml)"
    )
    parser.add_argument("--retrain", action="store_true", help="train the model even if the cached one matches")
    parser.add_argument("--quiet", action="store_true", help="print errors only")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.config is not None and not args.config.is_file():
        print(f"error: {args.config}: no such config file", file=sys.stderr)
        return 2
    if not args.content.is_dir():
        print(f"error: {args.content}: no such content folder", file=sys.stderr)
        return 2
    options = BuildOptions(
        content=args.content, out=args.out, config=args.config, retrain=args.retrain, quiet=args.quiet
    )
    try:
        build(options)
    except BuildError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(f"Build failed: {len(error.problems)} problem(s); {args.out} was left as it was.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"Build interrupted; {args.out} was left as it was.", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
