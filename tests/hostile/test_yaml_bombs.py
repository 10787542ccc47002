"""Issue 19, C7: a rules file cannot exhaust memory. An alias bomb ("billion laughs": nine nested
anchors of nine aliases, 5.2 GB before) and an alias inside the value it names are refused
before anything expands them; so is a rules file of megabytes. Small anchors still work."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from steward.config import ConfigError, read_yaml


def _bomb(levels: int = 9, width: int = 9) -> str:
    lines = [f"a0: &a0 [{', '.join(['lol'] * width)}]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_before_it_expands(tmp_path):
    path = tmp_path / "matching.yaml"
    path.write_text(_bomb())
    started = time.perf_counter()
    with pytest.raises(ConfigError, match=r"matching\.yaml: its aliases \(\*name\) expand to [\d,]+ values, over the "
                                          r"100,000 a rules file may hold"):
        read_yaml(path)
    assert time.perf_counter() - started < 2
    # Anchors that stay small are YAML like any other.
    path.write_text("defaults: &d {threshold: 0.9, tolerance: 3}\nemail: {<<: *d, threshold: 0.95}\nphone: *d\n")
    assert read_yaml(path) == {"defaults": {"threshold": 0.9, "tolerance": 3},
                               "email": {"threshold": 0.95, "tolerance": 3}, "phone": {"threshold": 0.9, "tolerance": 3}}


def test_alias_inside_the_value_it_names_is_refused(tmp_path):
    path = tmp_path / "consent.yaml"
    path.write_text("loop: &loop [1, *loop]\n")
    with pytest.raises(ConfigError, match=r"consent\.yaml: an alias \(\*name\) refers to the value that holds it"):
        read_yaml(path)


def test_rules_file_of_megabytes_is_refused_unread(tmp_path):
    path = tmp_path / "survivorship.yaml"
    path.write_text("sources: [" + ", ".join(["shop"] * 500_000) + "]\n")
    with pytest.raises(ConfigError, match=r"survivorship\.yaml: 3,000,0\d\d bytes; a rules file may hold at most 2,000,000"):
        read_yaml(path)


def test_check_names_the_bomb_in_one_line(project_copy):
    # A smaller bomb (10^6 values): the command must say what is wrong, not walk it.
    sources = project_copy / "rules" / "sources.yaml"
    sources.write_text(sources.read_text().replace("sources: {}", "sources: {}\nx-defaults:\n" + "".join(
        f"  {line}\n" for line in _bomb(levels=5, width=10).splitlines())))
    steward = str(Path(sys.executable).with_name("steward"))
    done = subprocess.run([steward, "check", "--project", str(project_copy)], capture_output=True, text=True,
                          timeout=120)
    output = done.stdout + done.stderr
    assert done.returncode != 0 and "Traceback" not in output, output
    assert "sources.yaml: its aliases (*name) expand to" in " ".join(output.split())
