"""The portal's own settings plus one bare Django view, for bench_load.py's baseline."""

from cephportal.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.load_urls"
