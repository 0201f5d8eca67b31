"""Management commands: python manage.py init | seed | createsuperuser | bench.

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
    from chalicelib.services.demo import seed as load_demo_data

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


def bench(_: argparse.Namespace) -> int:
    from benchmarks.run import main

    return main()


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
    sub.add_parser("bench", help="DynamoDB calls per request against the budgets").set_defaults(
        run=bench
    )
    return commands


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if os.environ.get("AWS_ENDPOINT_URL"):
        from chalicelib.local.emulator import use_emulator_credentials

        use_emulator_credentials()
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
