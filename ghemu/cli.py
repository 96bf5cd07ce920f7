"""Command line: ``python -m ghemu serve``, and maintainer and inspection commands."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from ghemu.client import EmulatorClient, EmulatorHTTPError
from ghemu.config import (
    DEFAULT_BOT_TOKEN,
    DEFAULT_DOCS_REPO,
    DEFAULT_FORK_BOT_TOKEN,
    DEFAULT_MAINTAINER_TOKEN,
    DEFAULT_TAXONOMY_REPO,
    EmulatorConfig,
    check_time_scale,
    default_config,
)
from ghemu.faults import KINDS

DEFAULT_URL = os.environ.get("GHEMU_URL", "http://127.0.0.1:8765")


def _serve_config(args: argparse.Namespace) -> EmulatorConfig:
    if args.config:
        config = EmulatorConfig.from_dict(json.loads(Path(args.config).read_text()))
    else:
        config = default_config(
            args.data_dir,
            bot_login=args.bot_login,
            bot_token=args.token,
            maintainer_token=args.maintainer_token,
            fork_bot_token=args.fork_bot_token,
            taxonomy_repo=args.taxonomy_repo,
            docs_repo=args.docs_repo,
        )
    # Flags given explicitly win over the configuration file.
    for flag, field in (
        ("host", "host"),
        ("port", "port"),
        ("portal_webhook_url", "webhook_url"),
        ("webhook_secret", "webhook_secret"),
        ("seed", "seed"),
    ):
        value = getattr(args, flag)
        if value is not None:
            setattr(config, field, value)
    if args.data_dir_given:
        config.data_dir = Path(args.data_dir)
    if args.primary_limit is not None:
        config.limits.primary_per_hour = args.primary_limit
    if args.fork_ready_delay is not None:
        config.limits.fork_ready_delay = args.fork_ready_delay
    if args.time_scale is not None:
        config.limits.time_scale = args.time_scale
    config.faults += [json.loads(f) for f in args.fault]
    return config


def _time_scale(text: str) -> float:
    try:
        return check_time_scale(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_serve(args: argparse.Namespace) -> int:
    from ghemu.server import EmulatorServer

    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(name)s %(message)s",
    )
    config = _serve_config(args)
    server = EmulatorServer(config)
    print(f"ghemu: GitHub API emulator serving {server.base_url}", flush=True)
    print(f"ghemu: data in {Path(config.data_dir).resolve()}", flush=True)
    for user in config.users:
        print(
            f"ghemu: user {user.login} token {user.tokens[0] if user.tokens else '-'}", flush=True
        )
    for repo in config.repos:
        print(f"ghemu: repository {server.root_url}/{repo.full_name}", flush=True)
    if config.webhook_url:
        print(f"ghemu: webhooks to {config.webhook_url}", flush=True)
    if args.ready_file:
        ready = {"root_url": server.root_url, "base_url": server.base_url, "pid": os.getpid()}
        tmp = Path(args.ready_file).with_suffix(".tmp")
        tmp.write_text(json.dumps(ready))
        tmp.replace(args.ready_file)

    def stop(signum: int, frame: Any) -> None:
        # shutdown() waits for serve_forever to return, so it must run off the serving thread.
        threading.Thread(target=server.httpd.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.close()
    return 0


def _client(args: argparse.Namespace) -> tuple[EmulatorClient, str]:
    client = EmulatorClient(args.url)
    token = args.token or client.token_for(args.as_user)
    return client, token


def cmd_pull_action(args: argparse.Namespace) -> int:
    client, token = _client(args)
    if args.command == "merge":
        result = client.merge_pull(args.repo, args.number, token, args.method)
    elif args.command == "close":
        result = client.close_pull(args.repo, args.number, token)
    elif args.command == "reopen":
        result = client.reopen_pull(args.repo, args.number, token)
    elif args.command == "review":
        result = client.review_pull(args.repo, args.number, token, args.event, args.body)
    else:
        result = client.comment_pull(args.repo, args.number, token, args.body)
    _print(_summary(result))
    return 0


def _summary(result: Any) -> Any:
    if isinstance(result, dict) and "number" in result and "state" in result:
        keys = ("number", "state", "merged", "merged_at", "merge_commit_sha", "title", "html_url")
        return {k: result.get(k) for k in keys if k in result}
    return result


def cmd_inspect(args: argparse.Namespace) -> int:
    client = EmulatorClient(args.url)
    if args.command == "pulls":
        rows = client.pulls(args.repo)
        result: Any = [
            {k: p[k] for k in ("number", "state", "merged", "head_label", "base_ref", "title")}
            for p in rows
        ]
    elif args.command == "counters":
        result = client.counters()
    elif args.command == "deliveries":
        rows = client.deliveries(args.event)
        result = [
            {k: d[k] for k in ("id", "guid", "event", "action", "status", "status_code", "url")}
            for d in rows
        ]
    elif args.command == "redeliver":
        result = {"id": client.redeliver(args.delivery_id)}
    elif args.fault_command == "add":
        rule = {
            k: v
            for k, v in vars(args).items()
            if k in ("method", "path", "status", "count", "seconds", "event", "action")
            and v is not None
        }
        result = client.add_fault(args.kind, **rule)
    elif args.fault_command == "clear":
        client.clear_faults()
        result = "cleared"
    else:
        result = client.faults()
    _print(result)
    return 0


def _print(value: Any) -> None:
    print(value if isinstance(value, str) else json.dumps(value, indent=2))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ghemu", description="Local GitHub REST emulator"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="start the emulator")
    serve.add_argument("--host", default=None, help="bind address (default 127.0.0.1)")
    serve.add_argument(
        "--port", type=int, default=None, help="port (default 8765; 0 picks a free one)"
    )
    serve.add_argument("--data-dir", default="var/ghemu", help="where repositories and state live")
    serve.add_argument("--config", help="JSON EmulatorConfig (flags override it)")
    serve.add_argument(
        "--seed",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="sample content (default on)",
    )
    serve.add_argument("--portal-webhook-url", help="hook added to every repository")
    serve.add_argument("--webhook-secret", help="secret of that hook (X-Hub-Signature-256)")
    serve.add_argument("--token", default=DEFAULT_BOT_TOKEN, help="the bot's token")
    serve.add_argument("--bot-login", default="cephbot")
    serve.add_argument("--maintainer-token", default=DEFAULT_MAINTAINER_TOKEN)
    serve.add_argument("--fork-bot-token", default=DEFAULT_FORK_BOT_TOKEN)
    serve.add_argument("--taxonomy-repo", default=DEFAULT_TAXONOMY_REPO)
    serve.add_argument("--docs-repo", default=DEFAULT_DOCS_REPO)
    serve.add_argument("--primary-limit", type=int, help="requests per hour and token")
    serve.add_argument("--fork-ready-delay", type=float, help="seconds a new fork answers 409")
    serve.add_argument(
        "--time-scale",
        type=_time_scale,
        help="run the limit windows and Retry-After this many times faster (default 1)",
    )
    serve.add_argument(
        "--fault",
        action="append",
        default=[],
        help='fault rule as JSON, e.g. {"kind":"error","status":502}',
    )
    serve.add_argument("--ready-file", help="write base URL and pid here once listening")
    serve.add_argument("--verbose", action="store_true")
    serve.set_defaults(func=cmd_serve)

    def remote(p: argparse.ArgumentParser, as_user: bool = False) -> None:
        p.add_argument("--url", default=DEFAULT_URL, help="emulator root URL (env GHEMU_URL)")
        if as_user:
            p.add_argument(
                "--as", dest="as_user", default="maintainer", help="act as this configured user"
            )
            p.add_argument("--token", help="act with this token instead")

    for name, text in (
        ("merge", "merge a pull request"),
        ("close", "close a pull request"),
        ("reopen", "reopen a pull request"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("repo", help="OWNER/REPO")
        p.add_argument("number", type=int)
        if name == "merge":
            p.add_argument("--method", choices=("merge", "squash", "rebase"), default="merge")
        remote(p, as_user=True)
        p.set_defaults(func=cmd_pull_action)
    review = sub.add_parser("review", help="submit a review")
    review.add_argument("repo")
    review.add_argument("number", type=int)
    review.add_argument("--event", choices=("APPROVE", "REQUEST_CHANGES", "COMMENT"), required=True)
    review.add_argument("--body", default="")
    remote(review, as_user=True)
    review.set_defaults(func=cmd_pull_action)
    comment = sub.add_parser("comment", help="comment on a pull request")
    comment.add_argument("repo")
    comment.add_argument("number", type=int)
    comment.add_argument("--body", required=True)
    remote(comment, as_user=True)
    comment.set_defaults(func=cmd_pull_action)

    pulls = sub.add_parser("pulls", help="list pull requests of a repository")
    pulls.add_argument("repo")
    remote(pulls)
    pulls.set_defaults(func=cmd_inspect)
    counters = sub.add_parser("counters", help="requests received and limit violations")
    remote(counters)
    counters.set_defaults(func=cmd_inspect)
    deliveries = sub.add_parser("deliveries", help="webhook deliveries")
    deliveries.add_argument("--event")
    remote(deliveries)
    deliveries.set_defaults(func=cmd_inspect)
    redeliver = sub.add_parser("redeliver", help="send a delivery again")
    redeliver.add_argument("delivery_id", type=int)
    remote(redeliver)
    redeliver.set_defaults(func=cmd_inspect)

    fault = sub.add_parser("fault", help="inject faults at runtime")
    fault_sub = fault.add_subparsers(dest="fault_command", required=True)
    add = fault_sub.add_parser("add")
    add.add_argument("kind", choices=KINDS)
    add.add_argument("--method")
    add.add_argument("--path", help="regular expression on the path below /api/v3")
    add.add_argument("--status", type=int)
    add.add_argument("--count", type=int)
    add.add_argument("--seconds", type=float)
    add.add_argument("--event")
    add.add_argument("--action")
    for name in ("clear", "list"):
        fault_sub.add_parser(name)
    remote(fault)
    fault.set_defaults(func=cmd_inspect)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    args.data_dir_given = any(a == "--data-dir" or a.startswith("--data-dir=") for a in argv)
    try:
        return int(args.func(args))
    except EmulatorHTTPError as exc:
        print(f"error {exc.status}: {json.dumps(exc.body)}", file=sys.stderr)
        return 1
