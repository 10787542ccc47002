"""Issue 16: the review queue asks one question per pair of golden records, never one the
cannot-link rules have answered, and a decision on any record pair of a group settles it."""

import numpy as np
import pandas as pd

from steward.config.project import load_project
from steward.match.model import MatchModel
from steward.normalise.stage import normalise_contacts
from steward.review.queue import merge_suggestions

from .conftest import NICKNAME_FILE

BASE = {c: None for c in ["first_name", "last_name", "email", "phone", "company", "job_title", "address_line1", "city",
                          "postcode", "region", "country", "date_of_birth", "created_at", "updated_at"]}


def _queue(rows, clusters, repo_root, pairs, decided=None, review=0.0, match=0.999999):
    frame = pd.DataFrame([{**BASE, "source": "s", "record_id": str(i), "email_opt_in": "unknown",
                           "source_default_country": "GB", **r} for i, r in enumerate(rows)])
    contacts = normalise_contacts(frame, nickname_file=NICKNAME_FILE)
    model = MatchModel.from_config(load_project(repo_root).matching())
    model.review_threshold, model.match_threshold = review, match  # every pair is a question here
    scored = model.predict(contacts, pd.DataFrame(pairs, columns=["left", "right"]))
    labels = pd.DataFrame({"cluster": np.asarray(clusters, dtype=np.int64)})
    return merge_suggestions(scored, contacts, model, decided, labels), scored


ANNA = {"first_name": "Anna", "last_name": "Kowalska", "city": "London"}


def test_two_golden_records_are_one_question(repo_root):
    rows = [{**ANNA, "email": "anna.k@example.com"}, {**ANNA, "phone": "+44 7700 900123"}, ANNA]
    queue, scored = _queue(rows, [0, 0, 1], repo_root, [(0, 2), (1, 2), (0, 1)])
    assert len(queue) == 1
    row = queue.iloc[0]
    assert row["record_pairs"] == 2 and sorted([row["a_records"], row["b_records"]]) == [1, 2]
    best = scored[scored["right"] == 2]["match_probability"].max()
    assert row["match_probability"] == round(best, 4)  # the best record pair stands for the group


def test_a_decision_on_any_pair_settles_the_group(repo_root):
    rows = [{**ANNA, "email": "anna.k@example.com"}, {**ANNA, "phone": "+44 7700 900123"}, ANNA]
    queue, _ = _queue(rows, [0, 0, 1], repo_root, [(0, 2), (1, 2)], decided={"s:1~s:2"})
    assert len(queue) == 0


def test_pairs_the_cannot_link_rules_decide_are_not_asked(repo_root):
    inbox = "smithfamily@example.com"
    rows = [{"first_name": "Margaret", "last_name": "Smith", "email": inbox},
            {"first_name": "James", "last_name": "Smith", "email": inbox}]
    queue, scored = _queue(rows, [0, 1], repo_root, [(0, 1)])
    assert str(scored.iloc[0]["email_level"]) == "shared" and str(scored.iloc[0]["first_name_level"]) == "different"
    assert len(queue) == 0
    # The same two with one first name: a real question.
    rows[1]["first_name"] = "Margaret"
    queue, _ = _queue(rows, [0, 1], repo_root, [(0, 1)])
    assert len(queue) == 1


def test_household_members_and_colleagues_are_not_asked(repo_root, monkeypatch):
    """``not_for_review``: different first names, and nothing one person holds agrees (a personal
    e-mail, a phone, a birth date): two people sharing a home or an office, not a question. The
    same two with birth dates a typo apart are asked (a first name can be a middle name)."""
    home = {"last_name": "Okafor", "address_line1": "12 Mill Lane", "postcode": "LS6 2AB", "city": "Leeds"}
    rows = [{**home, "first_name": "Grace", "email": "grace.okafor@example.com"},
            {**home, "first_name": "Daniel"}]
    queue, scored = _queue(rows, [0, 1], repo_root, [(0, 1)])
    assert str(scored.iloc[0]["first_name_level"]) == "different"
    assert len(queue) == 0
    rows[0]["date_of_birth"], rows[1]["date_of_birth"] = "1984-03-09", "1984-03-08"
    queue, scored = _queue(rows, [0, 1], repo_root, [(0, 1)])
    assert str(scored.iloc[0]["date_of_birth_level"]) == "typo" and len(queue) == 1
    # Colleagues with one first name: the same, by the last names.
    office = {"first_name": "Priya", "company": "Harbour Retail", "postcode": "LS1 4AP", "city": "Leeds"}
    colleagues = [{**office, "last_name": "Shah", "email": "p.shah@harbourretail.co.uk"},
                  {**office, "last_name": "Patel"}]
    queue, scored = _queue(colleagues, [0, 1], repo_root, [(0, 1)])
    assert str(scored.iloc[0]["last_name_level"]) == "different" and len(queue) == 0
    # Without the rule the first pair would be asked.
    del rows[0]["date_of_birth"], rows[1]["date_of_birth"]
    original = MatchModel.from_config

    def without_rule(config):
        model = original(config)
        model.clustering = {k: v for k, v in model.clustering.items() if k != "not_for_review"}
        return model

    monkeypatch.setattr(MatchModel, "from_config", staticmethod(without_rule))
    queue, _ = _queue(rows, [0, 1], repo_root, [(0, 1)])
    assert len(queue) == 1
    queue, _ = _queue(colleagues, [0, 1], repo_root, [(0, 1)])
    assert len(queue) == 1
