#!/usr/bin/env python
"""Django's command-line entry point for cephportal."""

import os
import sys

# Commands that only read files and print verdicts: they run without DEBUG or a SECRET_KEY.
CHECK_ONLY_COMMANDS = frozenset({"validate_taxonomy"})


def main() -> None:
    check_only = len(sys.argv) > 1 and sys.argv[1] in CHECK_ONLY_COMMANDS
    default = "cephportal.settings_check" if check_only else "cephportal.settings"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
