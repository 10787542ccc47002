"""Settings: every rules file parsed into typed objects once, with errors naming file and key."""

from __future__ import annotations

import copy

import pytest
import yaml

from steward.config import (ConfigError, MatchingSettings, NormaliseOptions, Settings, Survivorship, load_project,
                            load_settings, parse_matching)
from steward.errors import StewardError
from steward.match.blocking import parse_rules
from steward.match.model import MatchModel

from .conftest import REPO


@pytest.fixture(scope="module")
def matching() -> dict:
    return yaml.safe_load((REPO / "rules" / "matching.yaml").read_text())


def test_the_projects_rules_read_into_typed_settings():
    settings = load_settings(load_project(REPO))
    raw = yaml.safe_load((REPO / "rules" / "matching.yaml").read_text())
    assert isinstance(settings.matching, MatchingSettings)
    assert len(settings.matching.blocking.rules) == len(raw["blocking"]["rules"])
    assert settings.matching.blocking.max_block_size == raw["blocking"]["max_block_size"]
    assert [c.name for c in settings.matching.comparisons] == [c["name"] for c in raw["comparisons"]]
    assert settings.matching.thresholds.match == raw["thresholds"]["match"]
    assert isinstance(settings.survivorship, Survivorship) and settings.survivorship.source_priority
    assert isinstance(settings.normalise, NormaliseOptions)
    assert settings.normalise.nickname_file == REPO / "rules" / "nicknames.csv"
    # The stages build the same objects from the typed settings as from the file's mapping.
    assert parse_rules(settings.matching) == parse_rules(raw)
    assert MatchModel.from_config(settings.matching).to_dict() == MatchModel.from_config(raw).to_dict()


def test_settings_of_mappings_equal_settings_read_from_the_project(matching):
    project = load_project(REPO)
    # On demo data (no sources configured) the demo's source order stands in for the empty one.
    assert project.uses_demo_sources() and not project.survivorship()["source_priority"]
    survivorship = {**project.survivorship(), "source_priority": project.demo_source_priority()}
    given = Settings.of(matching, survivorship, project.normalise_options())
    read = load_settings(project)
    assert given.matching == read.matching and given.normalise == read.normalise
    assert given.survivorship.mapping == read.survivorship.mapping


@pytest.mark.parametrize("change, key", [
    (lambda m: m["thresholds"].update(review=0.999, match=0.9), "thresholds"),
    (lambda m: m["thresholds"].update(match="high"), "thresholds.match"),
    (lambda m: m["blocking"].update(rules=[]), "blocking.rules"),
    (lambda m: m["blocking"]["rules"].append(["email_match_key", 3]), "blocking.rules[17]"),
    (lambda m: m["comparisons"][0].pop("kind"), "comparisons[0]"),
    (lambda m: m.update(training=["estimate"]), "training"),
    (lambda m: m.update(comparisons=[]), "at least one comparison"),
])
def test_a_wrong_matching_file_is_refused_naming_the_key(matching, change, key):
    wrong = copy.deepcopy(matching)
    change(wrong)
    with pytest.raises(ConfigError, match="rules/matching.yaml") as refused:
        parse_matching(wrong)
    assert key in str(refused.value)
    assert isinstance(refused.value, StewardError) and isinstance(refused.value, ValueError)


def test_a_wrong_survivorship_rule_is_refused():
    with pytest.raises(ConfigError, match="rules/survivorship.yaml: email: unknown rule"):
        Survivorship({"fields": {"email": ["newest"]}})
    with pytest.raises(ConfigError, match="unknown field"):
        Survivorship({"fields": {"shoe_size": ["most_recent"]}})
