"""Management commands: python manage.py init | seed | createsuperuser | import-django | bench.

Every command honours STAGE (default ``local``) and AWS_ENDPOINT_URL.
"""

from __future__ import annotations

import argparse
import os
import sys


def init(_: argparse.Namespace) -> int:
    from chalicelib.store.setup import create_bucket, create_tables

    created = create_tables()
    print(f"tables created: {', '.join(created) or 'none (all existed)'}")
    print(f"bucket {'created' if create_bucket() else 'already existed'}")
    return 0


def seed(_: argparse.Namespace) -> int:
    from chalicelib.local.demo import seed as load_demo_data

    print("demo data loaded" if load_demo_data() else "demo data already present")
    return 0


def createsuperuser(args: argparse.Namespace) -> int:
    from chalicelib.errors import InvalidInput
    from chalicelib.services.accounts import create_superuser

    try:
        user = create_superuser(args.username, args.email, args.password)
    except InvalidInput as error:
        for field, messages in error.errors.items():
            print(f"{field}: {' '.join(messages)}", file=sys.stderr)
        return 1
    print(f"superuser {user.username} created with id {user.id}")
    return 0


def import_django(args: argparse.Namespace) -> int:
    from pathlib import Path

    from botocore.exceptions import ClientError
    from pynamodb.exceptions import PynamoDBException

    from migration.dump import DumpError
    from migration.importer import run_import

    media_dir = Path(args.media_dir) if args.media_dir else None
    if media_dir is not None and not media_dir.is_dir():
        print(f"--media-dir {media_dir}: not a directory", file=sys.stderr)
        return 2
    try:
        run_import(Path(args.dump), media_dir, dry_run=args.dry_run, progress=not args.quiet)
    except FileNotFoundError as error:
        print(f"{args.dump}: {error.strerror}", file=sys.stderr)
        return 2
    except DumpError as error:
        print(f"import refused, nothing was written: {error}", file=sys.stderr)
        return 1
    except (ClientError, PynamoDBException) as error:
        print(
            f"storage error: {error} (do the stage's tables and bucket exist? `init` creates"
            " them locally; run the import again once fixed, it finishes what is missing)",
            file=sys.stderr,
        )
        return 1
    return 0


def bench(args: argparse.Namespace) -> int:
    from benchmarks.run import main

    return main([] if args.rounds is None else ["--rounds", str(args.rounds)])


def parser() -> argparse.ArgumentParser:
    commands = argparse.ArgumentParser(description=__doc__)
    sub = commands.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="create the tables and the bucket (idempotent)").set_defaults(
        run=init
    )
    sub.add_parser("seed", help="load demo data (once)").set_defaults(run=seed)
    superuser = sub.add_parser("createsuperuser", help="create a staff user")
    superuser.add_argument("--username", required=True)
    superuser.add_argument("--email", required=True)
    superuser.add_argument("--password", required=True)
    superuser.set_defaults(run=createsuperuser)
    importer = sub.add_parser(
        "import-django", help="import the data of the Django backend from a dumpdata file"
    )
    importer.add_argument("dump", help="JSON written by Django's `manage.py dumpdata`")
    importer.add_argument("--media-dir", help="Django's MEDIA_ROOT, to upload the images")
    importer.add_argument(
        "--dry-run", action="store_true", help="validate and show what would be imported"
    )
    importer.add_argument("--quiet", action="store_true", help="no progress bars")
    importer.set_defaults(run=import_django)
    budgets = sub.add_parser(
        "bench",
        help="DynamoDB calls per request, cold-start ratio and package size against budgets",
    )
    budgets.add_argument("--rounds", type=int, help="cold-start runs of each kind (default 30)")
    budgets.set_defaults(run=bench)
    return commands


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if os.environ.get("AWS_ENDPOINT_URL"):
        from chalicelib.local.emulator import use_emulator_credentials

        use_emulator_credentials()
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
