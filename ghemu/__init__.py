"""ghemu: a local GitHub REST emulator backed by real git repositories.

Start one in-process with :func:`ghemu.testing.running_emulator`, or from the command line with
``python -m ghemu serve``. See ``ghemu/README.md``.
"""

from ghemu.config import EmulatorConfig, Limits, RepoSpec, UserSpec, default_config
from ghemu.server import EmulatorServer

__all__ = ["EmulatorConfig", "EmulatorServer", "Limits", "RepoSpec", "UserSpec", "default_config"]
