"""The deployment files a community uses (Containerfile, compose.yaml, systemd units) stay valid:
parsed, linted, and pointing at commands and settings that exist. (No container engine here.)"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import yaml
from yamllint import linter
from yamllint.config import YamlLintConfig

from tests.conftest import REPO_ROOT

SYSTEMD = REPO_ROOT / "deploy" / "systemd"
PORTAL_SERVICES = {"setup", "portal", "worker", "beat"}
DOCKERFILE_INSTRUCTIONS = {
    "FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME",
    "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
}  # fmt: skip


def serve_commands() -> set[str]:
    """The sub-commands bin/serve's `case` accepts."""
    text = (REPO_ROOT / "bin" / "serve").read_text()
    block = text[text.index('case "$command" in') : text.index("esac")]
    return set(re.findall(r"^\s+(\w+)\)", block, flags=re.MULTILINE))


def documented_keys() -> set[str]:
    text = (REPO_ROOT / ".env.example").read_text()
    return set(re.findall(r"^([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def dockerfile_instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    instructions, pending = [], ""
    for line in path.read_text().splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        pending += line.rstrip()
        if pending.endswith("\\"):
            pending = pending[:-1] + " "
            continue
        word, _, rest = pending.strip().partition(" ")
        instructions.append((word.upper(), rest.strip()))
        pending = ""
    assert not pending, "the file ends inside a continued line"
    return instructions


def test_bin_serve_offers_every_process_kind():
    assert {"setup", "web", "worker", "beat", "health", "all"} <= serve_commands()


def test_containerfile_is_well_formed_and_runs_bin_serve():
    # given the Containerfile, parsed
    instructions = dockerfile_instructions(REPO_ROOT / "Containerfile")
    words = [word for word, _ in instructions]
    # then it is made of known instructions and starts FROM a pinned base image
    assert words[0] == "FROM"
    assert set(words) <= DOCKERFILE_INSTRUCTIONS, set(words) - DOCKERFILE_INSTRUCTIONS
    assert ":" in instructions[0][1], "the base image has a tag"
    # and what it copies exists
    for word, args in instructions:
        if word == "COPY":
            *sources, _ = args.split()
            for source in sources:
                assert source == "." or (REPO_ROOT / source).exists(), source
    # and it runs as an unprivileged user, a bin/serve command, with a health check
    assert ("USER", "cephportal") in instructions
    assert words.index("USER") < words.index("CMD")
    cmd = json.loads(dict(instructions)["CMD"])
    assert cmd[0] == "bin/serve" and cmd[1] in serve_commands()
    health = dict(instructions)["HEALTHCHECK"]
    assert json.loads(health[health.index("CMD") + 3 :].strip()) == ["bin/serve", "health", "web"]
    # and the settings it sets are the portal's documented ones
    env_keys = set(re.findall(r"(\b[A-Z][A-Z0-9_]+)=", dict(instructions)["ENV"]))
    assert env_keys - {"PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED"} <= documented_keys()
    # and the build context leaves out what must never be in an image
    ignored = (REPO_ROOT / ".containerignore").read_text().split()
    assert {".env", ".venv", "var", ".git"} <= set(ignored)


def test_compose_file_lints_and_runs_each_process_once_where_it_must():
    text = (REPO_ROOT / "compose.yaml").read_text()
    # given yamllint's default rules (long URLs allowed)
    config = YamlLintConfig(
        "{extends: default, rules: {line-length: {max: 120}, document-start: disable,"
        " truthy: {check-keys: false}}}"
    )
    problems = list(linter.run(text, config))
    assert not problems, problems
    # when it is parsed
    compose = yaml.safe_load(text)
    services = compose["services"]
    # then it has the portal's processes, PostgreSQL and Redis
    assert set(services) == PORTAL_SERVICES | {"postgres", "redis"}
    for name in PORTAL_SERVICES:
        command = services[name]["command"]
        assert command[0] == "bin/serve" and command[1] in serve_commands(), name
        assert services[name]["build"]["dockerfile"] == "Containerfile"
        assert services[name]["environment"]["DEBUG"] == "false"
    assert [services[n]["command"][1] for n in ("setup", "portal", "worker", "beat")] == [
        "setup", "web", "worker", "beat",
    ]  # fmt: skip
    # and beat runs exactly once
    assert services["beat"]["deploy"]["replicas"] == 1
    # and every long-running service has a health check, and waits for what it needs
    for name in ("portal", "worker", "beat", "postgres", "redis"):
        assert services[name]["healthcheck"]["test"], name
    for name, service in services.items():
        for needed in service.get("depends_on", {}):
            assert needed in services, (name, needed)
    for name in ("portal", "worker", "beat"):
        assert services[name]["depends_on"]["setup"]["condition"] == (
            "service_completed_successfully"
        )
    # and the settings it names are documented
    for name in PORTAL_SERVICES:
        assert set(services[name]["environment"]) <= documented_keys(), name
    assert set(re.findall(r"\$\{(\w+)", text)) <= documented_keys()


def _units() -> list[Path]:
    return sorted(p for p in SYSTEMD.iterdir() if p.suffix in {".service", ".target"})


def test_systemd_units_pass_systemd_analyze_verify(tmp_path):
    # given the units, pointed at this checkout instead of /opt/cephportal
    analyzer = shutil.which("systemd-analyze")
    assert analyzer, "systemd-analyze is needed to check the units (Debian: package systemd)"
    env_file = tmp_path / "env"
    env_file.write_text("DEBUG=false\n")
    names = []
    for unit in _units():
        text = unit.read_text()
        for line in text.splitlines():
            if line.startswith("ExecStart=") and "bin/serve" in line:
                assert line.split()[1] in serve_commands(), line
        text = text.replace("/opt/cephportal", str(REPO_ROOT))
        text = text.replace("/etc/cephportal/env", str(env_file))
        (tmp_path / unit.name).write_text(text)
        names.append(unit.name.replace("@.service", "@1.service"))
    # when systemd checks them
    result = subprocess.run(
        [analyzer, "verify", "--man=no", *[f"./{name}" for name in names]],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
        env={"SYSTEMD_LOG_LEVEL": "notice", "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    # then it finds nothing: no unknown keys, no missing commands
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Unknown" not in output and "ignoring" not in output, output
    # and there is one unit per process kind, the worker a template, beat a single unit
    assert {u.name for u in _units()} == {
        "cephportal-setup.service", "cephportal-web.service", "cephportal-worker@.service",
        "cephportal-beat.service", "cephportal.target",
    }  # fmt: skip


def test_every_setting_read_from_the_environment_is_documented():
    # given the keys the settings, gunicorn's configuration and bin/serve read
    sources = [
        REPO_ROOT / "cephportal" / "settings.py",
        REPO_ROOT / "cephportal" / "gunicorn_conf.py",
        REPO_ROOT / "cephportal" / "production.py",
    ]
    read = set()
    for source in sources:
        read |= set(
            re.findall(r"""env(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]+)["']""", source.read_text())
        )
        read |= set(
            re.findall(r"""environ\.get\(\s*["']([A-Z][A-Z0-9_]+)["']""", source.read_text())
        )
    read |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)", (REPO_ROOT / "bin" / "serve").read_text()))
    # then .env.example documents each of them
    assert read, "the patterns found nothing"
    assert (
        read - {"CEPHPORTAL_ENV_FILE", "DJANGO_SETTINGS_MODULE", "BASH_SOURCE"} <= documented_keys()
    )
