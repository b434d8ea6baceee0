"""deploy/: the systemd unit and its helper stay true to the code: the command they run, the exit codes a
restart cannot fix (bot/exit_codes.py), the token only from the root-only environment file; LICENSE is the
licence pyproject.toml names."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib

import pytest

from bot.exit_codes import Exit

from .conftest import ROOT

DEPLOY = ROOT / "deploy"
UNIT = DEPLOY / "defence-faq-bot.service"


def settings(path) -> dict[str, list[str]]:
    """key → every value given for it (a unit may repeat a key), comments and section headers left out."""
    found: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def test_the_unit_runs_the_bot_as_its_own_user_and_restarts_only_what_a_restart_can_fix():
    unit = settings(UNIT)
    python = "/opt/defence-faq-bot/.venv/bin/python"
    assert unit["ExecStart"] == [f"{python} -m bot run"]
    assert unit["ExecReload"] == ["/bin/kill -HUP $MAINPID"]  # the bot reloads its knowledge on SIGHUP
    assert unit["Restart"] == ["on-failure"] and unit["User"] == ["faqbot"]
    assert {int(code) for code in unit["RestartPreventExitStatus"][0].split()} == {
        Exit.PROBLEMS,
        Exit.USAGE,
        Exit.FILE,
    }
    assert unit["EnvironmentFile"] == ["/etc/defence-faq-bot/env"]
    assert not any("TOKEN" in value for value in unit.get("Environment", []))


def test_the_helper_runs_commands_exactly_as_the_service_does():
    unit = settings(UNIT)
    helper = (DEPLOY / "bot-command").read_text()
    assert f"--uid={unit['User'][0]}" in helper
    assert f"--property=EnvironmentFile={unit['EnvironmentFile'][0]}" in helper
    assert f"--working-directory={unit['WorkingDirectory'][0]}" in helper
    assert f"--setenv={unit['Environment'][0]}" in helper
    assert unit["ExecStart"][0].removesuffix(" run") + ' "$@"' in helper


def test_the_environment_file_example_names_the_configs_token_variable():
    lines = [line for line in (DEPLOY / "env.example").read_text().splitlines() if not line.startswith("#")]
    assert lines == ["DISCORD_TOKEN=paste-the-token-here"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
def test_systemd_accepts_the_unit():
    result = subprocess.run(
        ["systemd-analyze", "verify", str(UNIT)], capture_output=True, text=True, timeout=60, check=False
    )
    complaints = [
        line for line in result.stderr.splitlines() if "is not executable: No such file or directory" not in line
    ]
    assert complaints == []  # the only one allowed: the checkout is not installed in /opt on this machine


def test_the_licence_is_the_one_pyproject_names():
    license_name = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"]
    assert license_name == "MIT"
    assert re.match(r"MIT License\n\nCopyright \(c\) \d{4} ", (ROOT / "LICENSE").read_text())
