"""Blocking, comparison levels and scoring on hand-built pairs."""

from __future__ import annotations

import numpy as np
import pytest
import pandas as pd

from steward.config import load_project
from steward.normalise.stage import normalise_contacts
from steward.match.blocking import BlockingRule, candidate_pairs
from steward.match.model import MatchModel, classify, explain_pair, score_pairs

from .conftest import NICKNAME_FILE

BASE = {c: None for c in ["first_name", "last_name", "email", "phone", "company", "job_title", "address_line1", "city",
                          "postcode", "region", "country", "date_of_birth", "created_at", "updated_at"]}


def _contacts(rows):
    frame = pd.DataFrame([{**BASE, "source": "s", "record_id": str(i), "email_opt_in": "unknown",
                           "source_default_country": "DE", **r} for i, r in enumerate(rows)])
    return normalise_contacts(frame, nickname_file=NICKNAME_FILE)


MOVES = {"places": ["address", "postcode", "city"], "when_exact": ["email", "phone", "date_of_birth"]}


def _levels(rows, repo_root, moves=None):
    """Scores of the pair rows[0], rows[1] with the project's rules; ``moves``: that section instead
    of the project's (False: none)."""
    contacts = _contacts(rows)
    config = dict(load_project(repo_root).matching())
    if moves is False:
        config.pop("moves", None)
    elif moves:
        config["moves"] = moves
    model = MatchModel.from_config(config)
    pairs = pd.DataFrame({"left": [0], "right": [1], "rule": ["test"]})
    return score_pairs(contacts, pairs, model).iloc[0], model


def test_name_levels(repo_root):
    cases = [
        (("José", "Müller"), ("Jose", "Mueller"), "exact", "folded"),  # accents fold in the key itself
        (("Bob", "Smith"), ("Robert", "Smith"), "nickname", "exact"),
        (("Smith", "Anna"), ("Anna", "Smith"), "swapped", "swapped"),
        (("J.", "Smith"), ("John", "Smith"), "initial", "exact"),
        (("Wolfgang", "Smith"), ("Wolfgagn", "Smith"), "fuzzy_high", "exact"),
        (("Anna", "Smith"), ("Chris", "Smith"), "different", "exact"),
        ((None, "Smith"), ("Chris", "Smith"), "missing", "exact"),
    ]
    for (f1, l1), (f2, l2), first_level, last_level in cases:
        row, _ = _levels([{"first_name": f1, "last_name": l1}, {"first_name": f2, "last_name": l2}], repo_root)
        assert (row["first_name_level"], row["last_name_level"]) == (first_level, last_level), (f1, l1, f2, l2)


def test_email_phone_and_date_levels(repo_root):
    row, _ = _levels([
        {"last_name": "A", "email": "a.b@gmail.com", "phone": "+49 171 2345678", "date_of_birth": "1980-03-04"},
        {"last_name": "A", "email": "ab+shop@googlemail.com", "phone": "0171 2345678", "date_of_birth": "1980-04-03"},
    ], repo_root)
    assert row["email_level"] == "exact"  # gmail dots, +tag and googlemail are the same inbox
    assert row["phone_level"] == "exact"  # national and international forms of one number
    assert row["date_of_birth_level"] == "day_month_swapped"


def test_strong_evidence_matches_and_contradiction_does_not(repo_root):
    row, model = _levels([
        {"first_name": "Anna", "last_name": "Kowalska", "email": "anna.k@example.com", "phone": "+48 600 726 826"},
        {"first_name": "Anna", "last_name": "Kowalska", "email": "anna.k@example.com", "phone": "600 726 826",
         "country": "PL"},
    ], repo_root)
    assert row["match_probability"] >= model.match_threshold
    row, model = _levels([
        {"first_name": "Anna", "last_name": "Smith", "date_of_birth": "1970-01-01", "phone": "+49 171 1111111"},
        {"first_name": "Anna", "last_name": "Smith", "date_of_birth": "1999-12-31", "phone": "+49 171 2222222"},
    ], repo_root)
    assert row["match_probability"] < model.review_threshold
    steps = explain_pair(row, model)
    assert steps[0]["weight"] == max(abs(s["weight"]) for s in steps) or steps[0]["weight"] < 0
    assert any("different dates of birth" in s["why"] for s in steps)


def test_household_inbox_is_weighed_not_deleted(repo_root):
    contacts = _contacts([
        {"first_name": "Christian", "last_name": "Pfeiffer", "email": "pfeifferhousehold@t-online.de"},
        {"first_name": "Anne-Marie", "last_name": "Pfeiffer", "email": "pfeifferhousehold@t-online.de"},
        {"first_name": "Bob", "last_name": "Ray", "email": "bob.ray@example.com"},
        {"first_name": "Robert", "last_name": "Ray", "email": "bob.ray@example.com"},
    ])
    # The inbox stays a match key (nothing is blanked); two people hold it, one person the other.
    assert contacts["email_match_key"].notna().all()
    assert contacts["email_holders"].tolist() == [2, 2, 1, 1]
    model = MatchModel.from_config(load_project(repo_root).matching())
    scored = model.predict(contacts, pd.DataFrame({"left": [0, 2], "right": [1, 3]}))
    assert scored["email_level"].astype(str).tolist() == ["shared", "exact"]
    weights = scored["email_weight"].tolist()
    assert 0 < weights[0] < weights[1]  # a family inbox counts, for much less than a personal one


def test_a_value_many_people_hold_weighs_nothing(repo_root):
    """A switchboard, an office address, a team inbox: from ``crowded_at`` holders on, agreeing on
    the value is the neutral level "crowded" (weight 0, explained as such); a household's two
    holders still count a little ("shared")."""
    model = MatchModel.from_config(load_project(repo_root).matching())
    crowded_at = next(c for c in model.comparisons if c.name == "phone").crowded_at
    assert crowded_at and crowded_at >= 3
    staff = [{"first_name": first, "last_name": last, "phone": "+44 20 8562 0500", "email": "mason.yard@mason.co.uk",
              "address_line1": "1 Mason Yard", "postcode": "SW1A 1AA", "city": "London", "country": "GB"}
             for first, last in [("Stuart", "Roberts"), ("Melissa", "Thompson"), ("Leah", "Scott"),
                                 ("George", "Wood"), ("Irene", "West"), ("Yvonne", "Ahmed")][:crowded_at]]
    home = [{"first_name": first, "last_name": "Pfeiffer", "phone": "+49 30 1234567", "email": "home@pfeiffer.de",
             "address_line1": "Hauptstr. 5", "postcode": "10115", "city": "Berlin", "country": "DE"}
            for first in ("Christian", "Anne-Marie")]
    contacts = _contacts(staff + home)
    assert contacts["phone_holders"].tolist() == [crowded_at] * crowded_at + [2, 2]
    scored = model.predict(contacts, pd.DataFrame({"left": [0, crowded_at], "right": [1, crowded_at + 1]}))
    for field in ("phone", "email", "address"):
        assert scored[f"{field}_level"].astype(str).tolist() == ["crowded", "shared"], field
        assert scored[f"{field}_weight"].iloc[0] == 0 < scored[f"{field}_weight"].iloc[1], field
    # Another floor of the office building, another extension's last digits: crowded as well.
    near = _contacts(staff + [{**staff[0], "address_line1": "1 Mason Yard, Floor 3",
                               "phone": "+44 20 8562 0500 ext 12"}])
    last = len(near) - 1
    scored_near = model.predict(near, pd.DataFrame({"left": [0], "right": [last]}))
    assert str(scored_near["address_level"].iloc[0]) == "crowded" and scored_near["address_weight"].iloc[0] == 0
    steps = [step for step in explain_pair(scored.iloc[0], model) if "or more different people hold it" in step["why"]]
    assert len(steps) == 3 and all(step["weight"] == 0 and "says nothing" in step["why"] for step in steps)
    assert scored["match_probability"].iloc[0] < model.review_threshold  # colleagues are not merged


def test_blocking_skips_oversized_keys_and_never_pairs_missing():
    contacts = pd.DataFrame({"k": ["a"] * 5 + ["b", "b", None, None]})
    result = candidate_pairs(contacts, [BlockingRule(("k",))], max_block_size=4)
    assert list(map(tuple, result.pairs[["left", "right"]].to_numpy())) == [(5, 6)]
    assert result.skipped_keys.iloc[0].to_dict() == {"rule": "k", "key": "a", "records": 5}


def test_classification_uses_both_thresholds(repo_root):
    model = MatchModel.from_config(load_project(repo_root).matching())
    scored = pd.DataFrame({"match_probability": [0.999, model.review_threshold, 0.01]})
    assert list(classify(scored, model)) == ["match", "review", "non_match"]


def _scored(rows):
    frame = pd.DataFrame(rows, columns=["left", "right", "match_probability", "date_of_birth_level", "first_name_level"])
    frame["match_weight"] = np.log2(frame["match_probability"] / (1 - frame["match_probability"]))
    return frame


def test_safe_clusters_do_not_chain_through_a_contradiction():
    from steward.match.cluster import safe_clusters

    # A~B strongly, B~C less strongly, but A and C have different dates of birth.
    scored = _scored([(0, 1, 0.9999, "missing", "exact"), (1, 2, 0.99, "missing", "exact"),
                      (0, 2, 0.2, "different", "exact"), (3, 4, 0.999, "exact", "exact")])
    labels, refused = safe_clusters(5, scored, 0.97, contradiction_rules={"date_of_birth": ["different"]})
    assert labels[0] == labels[1] != labels[2]  # the weaker link B~C is the one refused
    assert labels[3] == labels[4]
    assert len(refused) == 1 and tuple(refused.iloc[0][["left", "right"]]) == (1, 2)


def test_a_direct_link_that_is_itself_a_contradiction_is_refused():
    """Two records alone (a household's shared inbox and address outweighing different first
    names): the link is refused although no third record is involved."""
    from steward.match.cluster import safe_clusters

    scored = _scored([(0, 1, 0.9999, "missing", "different"), (2, 3, 0.9999, "missing", "exact")])
    rules = {"all_of": [{"first_name": ["different"], "date_of_birth": ["different", "missing"]}]}
    labels, refused = safe_clusters(4, scored, 0.97, contradiction_rules=rules)
    assert labels[0] != labels[1] and labels[2] == labels[3]
    assert tuple(refused.iloc[0][["left", "right"]]) == (0, 1)


def test_contradiction_of_several_fields_at_once():
    """``all_of``: decisive only when every listed comparison disagrees (namesakes: same name, birth
    date and first name both different here); one of them alone decides nothing."""
    from steward.match.cluster import contradictions

    scored = _scored([(0, 1, 0.6, "different", "different"), (0, 2, 0.6, "different", "exact"),
                      (0, 3, 0.6, "missing", "different")])
    rules = {"below_probability": 0.1, "all_of": [{"date_of_birth": ["different"], "first_name": ["different"]}]}
    assert list(contradictions(scored, rules)) == [True, False, False]
    assert not contradictions(scored, {"below_probability": 0.1}).any()


def test_contradiction_is_evidence_against_not_a_small_probability():
    """``below_evidence``: a pair is two people when its fields weigh against it (bits, without the
    prior). A sparse pair of one person (same name and town, nothing else comparable) has a low
    probability only because the prior is small: ``below_probability`` cut such chains, the
    evidence rule keeps them. Every engine reads it from the match weight (prior + evidence)."""
    from steward.match.cluster import contradictions, resolve_cannot_link, safe_clusters

    prior = -13.0
    evidence = [20.0, 19.0, 9.2, 20.0, 19.0, -2.5]  # pair 0-2: sparse but consistent; 3-5: against
    rows = [(0, 1, 0.9999, "missing", "exact"), (1, 2, 0.9995, "missing", "exact"), (0, 2, 0.02, "missing", "exact"),
            (3, 4, 0.9999, "missing", "exact"), (4, 5, 0.9995, "missing", "exact"), (3, 5, 0.02, "missing", "different")]
    scored = _scored(rows).assign(match_weight=[prior + e for e in evidence])
    rules = resolve_cannot_link({"below_evidence": 0, "all_of": []}, prior)
    assert rules == {"all_of": [], "below_match_weight": prior}
    assert list(contradictions(scored, rules)) == [False, False, False, False, False, True]
    assert list(contradictions(scored, {"below_probability": 0.1})) == [False, False, True, False, False, True]
    with pytest.raises(ValueError, match="resolve_cannot_link"):
        contradictions(scored, {"below_evidence": 0})

    def score(pairs):  # (every pair inside the components is scored already)
        raise AssertionError(f"unexpected pairs {pairs}")

    labels, refused = safe_clusters(6, scored, 0.97, score_pairs_fn=score, contradiction_rules=rules)
    assert labels[0] == labels[1] == labels[2]  # one person, seen sparsely, stays one golden record
    assert labels[3] == labels[4] != labels[5] and len(refused) == 1
    labels, _ = safe_clusters(6, scored, 0.97, score_pairs_fn=score, contradiction_rules={"below_probability": 0.1})
    assert labels[0] == labels[1] != labels[2]


def test_safe_clusters_score_unscored_pairs_inside_a_component():
    from steward.match.cluster import safe_clusters

    scored = _scored([(0, 1, 0.999, "missing", "exact"), (1, 2, 0.998, "missing", "exact")])
    asked = []

    def score(pairs):
        asked.append(list(map(tuple, pairs.to_numpy())))
        return _scored([(0, 2, 0.001, "missing", "different")])

    labels, _ = safe_clusters(3, scored, 0.97, score_pairs_fn=score)
    assert asked == [[(0, 2)]]  # only the missing pair was scored
    assert labels[0] == labels[1] != labels[2]


def test_components_too_large_to_check_pair_by_pair_are_cut_by_their_strongest_links(monkeypatch):
    """A chain of colleagues (each link strong, the ends strangers) past the size that can be
    checked pair by pair: it is cut into pieces no larger than that from its strongest links, each
    piece is then checked like any component, and the size refusals are reported."""
    import steward.match.cluster as cluster

    monkeypatch.setattr(cluster, "MAX_COMPONENT_FOR_ALL_PAIRS", 4)
    # 0-1 and 2-3 and 5-6 strong; the rest of the path 0..9 weaker; 7-8-9 a weak tail.
    weights = {(0, 1): 0.99999, (1, 2): 0.999, (2, 3): 0.99999, (3, 4): 0.9995, (4, 5): 0.998,
               (5, 6): 0.99999, (6, 7): 0.9991, (7, 8): 0.9992, (8, 9): 0.9993}
    scored = _scored([(a, b, p, "missing", "exact") for (a, b), p in weights.items()])
    asked = []

    def score(pairs):  # every pair inside a piece, none across pieces; all "same person" here
        asked.extend(map(tuple, pairs.to_numpy()))
        return _scored([(a, b, 0.999, "missing", "exact") for a, b in pairs.to_numpy()])

    labels, refused = cluster.safe_clusters(10, scored, 0.97, score_pairs_fn=score,
                                            must_link=pd.DataFrame({"left": [9], "right": [0]}))
    sizes = np.bincount(labels)
    assert sizes.max() <= 4 and sizes.sum() == 10
    assert labels[0] == labels[1] == labels[9]  # the reviewer's approval joined first
    assert labels[2] == labels[3] and labels[5] == labels[6]  # the strongest links hold
    assert set(refused["reason"]) == {"would chain more than 4 records into one golden record"}
    assert all(labels[a] == labels[b] for a, b in asked)  # pieces are checked pair by pair inside
    # Without the cut the whole path would be one component of 10.
    monkeypatch.setattr(cluster, "MAX_COMPONENT_FOR_ALL_PAIRS", 200)
    labels, _ = cluster.safe_clusters(10, scored, 0.97, score_pairs_fn=score)
    assert np.bincount(labels).max() == 10


def test_reviewer_decisions_are_must_and_cannot_links():
    from steward.match.cluster import safe_clusters

    scored = _scored([(0, 1, 0.999, "exact", "exact"), (2, 3, 0.3, "missing", "exact")])
    labels, _ = safe_clusters(4, scored, 0.97, must_link=pd.DataFrame({"left": [2], "right": [3]}),
                              cannot_link=pd.DataFrame({"left": [0], "right": [1]}))
    assert labels[0] != labels[1]  # rejected despite a high score
    assert labels[2] == labels[3]  # approved despite a low score


def test_address_and_name_prefix_keys_find_records_whose_names_were_mangled(repo_root):
    contacts = _contacts([
        {"first_name": "Ruby", "last_name": "Dixon", "address_line1": "52 Fisken Crescent", "postcode": "3179",
         "city": "Ballarat", "country": "AU"},
        # Both names mistyped, street run together: no name key or exact address key is shared.
        {"first_name": "Rbuy", "last_name": "Dixno", "address_line1": "52 fiskencrescent", "postcode": "3197",
         "country": "AU"},
        {"first_name": "Rubina", "last_name": "Dixson", "address_line1": "7 Other Road", "postcode": "2000",
         "city": "Ballarat", "country": "AU"},
    ])
    assert contacts["street_number"].tolist() == ["52", "52", "7"]
    assert contacts["street_key"].tolist() == ["fiskencrescent", "fiskencrescent", "otherroad"]
    assert contacts["name_prefix_key"].tolist() == ["rub|dix", "rbu|dix", "rub|dix"]
    config = load_project(repo_root).matching()
    from steward.match.engines.local import LocalEngine

    found = LocalEngine().candidate_pairs(contacts, config).pairs
    pairs = set(map(tuple, found[["left", "right"]].to_numpy()))
    assert (0, 1) in pairs  # same house number and street
    assert (0, 2) in pairs  # same first letters of both names, same town
    # Without the new rules the mangled pair is not a candidate at all.
    old = dict(config, blocking=dict(config["blocking"], rules=[
        r for r in config["blocking"]["rules"]
        if r not in (["street_number", "street_prefix"], ["postcode_key", "street_prefix"],
                     ["postcode_key", "street_number"], ["name_prefix_key", "city_key"])]))
    assert (0, 1) not in set(map(tuple, LocalEngine().candidate_pairs(contacts, old).pairs[["left", "right"]].to_numpy()))


def test_explanations_for_a_whole_queue_say_what_each_pair_says(repo_root, demo_dir):
    from steward.demo import demo_sources
    from steward.match.model import explanation_text, explanation_texts
    from steward.run import load_all

    records, _ = load_all(demo_sources(demo_dir))
    contacts = normalise_contacts(records, nickname_file=NICKNAME_FILE)
    matching = load_project(repo_root).matching()
    model = MatchModel.from_config(matching)
    scored = score_pairs(contacts, candidate_pairs(contacts, [BlockingRule(("last_name_folded",))], 60).pairs, model)
    scored = scored[scored["match_probability"] > 0.001]
    assert len(scored) > 100
    one_by_one = [explanation_text(row, model) for _, row in scored.iterrows()]
    assert explanation_texts(scored, model) == one_by_one
    assert any("+ " in t for t in one_by_one) and any("− " in t for t in one_by_one)


def test_a_move_counts_once(repo_root):
    """With ``moves`` (rules/matching.yaml has it): street, postcode and town all different is one move, the
    street counts it and postcode and town take the weightless level "moved". Without a street the
    postcode counts it; agreement counts."""
    moved = {"first_name": "Anke", "last_name": "Zimmermann", "email": "zimmermann.anke@inbox.example"}
    row, model = _levels([
        {**moved, "address_line1": "Sendlinger Str. 12", "postcode": "80469", "city": "München"},
        {**moved, "email": "ZIMMERMANN.ANKE@inbox.example", "address_line1": "Eisenbahnstraße 170",
         "postcode": "04177", "city": "Leipzig"},
    ], repo_root, MOVES)
    assert (row["address_level"], row["postcode_level"], row["city_level"]) == ("different", "moved", "moved")
    assert row["postcode_weight"] == 0 and row["city_weight"] == 0 and row["address_weight"] < 0
    # Same name and personal e-mail after a move: one person.
    assert row["match_probability"] >= model.match_threshold
    why = {step["field"]: step["why"] for step in explain_pair(row, model)}
    assert "one move" in why["postcode"] and "one move" in why["city"]
    # No street on one side: the postcode counts the move, the town does not count it again.
    row, _ = _levels([
        {**moved, "postcode": "80469", "city": "München"},
        {**moved, "address_line1": "Eisenbahnstraße 170", "postcode": "04177", "city": "Leipzig"},
    ], repo_root, MOVES)
    assert (row["address_level"], row["postcode_level"], row["city_level"]) == ("missing", "different", "moved")
    assert row["postcode_weight"] < 0
    # A different street in the same postcode and town: the agreement still counts.
    row, _ = _levels([
        {**moved, "address_line1": "Sendlinger Str. 12", "postcode": "80469", "city": "München"},
        {**moved, "address_line1": "Rosenstraße 3", "postcode": "80469", "city": "München"},
    ], repo_root, MOVES)
    assert (row["postcode_level"], row["city_level"]) == ("exact", "exact")
    assert row["postcode_weight"] > 0 and row["city_weight"] > 0


def test_moves_must_name_comparisons_in_order(repo_root):
    config = load_project(repo_root).matching()
    for moves, message in [({"places": ["city", "postcode"], "when_exact": ["email"]}, "moves.places names 'city'"),
                           ({"places": ["address", "nowhere"], "when_exact": ["email"]}, "nowhere"),
                           ({"places": ["address", "city"], "when_exact": ["emial"]}, "when_exact names 'emial'"),
                           ({"places": ["address"], "when_exact": ["email"]}, "at least two"),
                           ({"places": ["address", "city"], "when_exact": ["email"], "when": 1}, "unknown key")]:
        with pytest.raises(ValueError) as raised:
            MatchModel.from_config({**config, "moves": moves})
        if message:
            assert message in str(raised.value)


def test_without_moves_each_place_counts(repo_root):
    row, _ = _levels([
        {"first_name": "Anke", "last_name": "Zimmermann", "email": "z.anke@inbox.example", "address_line1": "A 1",
         "postcode": "80469", "city": "München"},
        {"first_name": "Anke", "last_name": "Zimmermann", "email": "z.anke@inbox.example", "address_line1": "B 2",
         "postcode": "04177", "city": "Leipzig"},
    ], repo_root, moves=False)
    assert (row["address_level"], row["postcode_level"], row["city_level"]) == ("different", "different", "different")


def test_moves_do_not_change_what_is_estimated(repo_root):
    """m and u are estimated from the levels each comparison sees alone: "moved" is read as
    "different" for estimation, so the option changes weighing, not the fit."""
    from steward.match.comparisons import without_moves

    config = load_project(repo_root).matching()
    model = MatchModel.from_config({**config, "moves": MOVES})
    postcode = next(c for c in model.comparisons if c.name == "postcode")
    codes = np.array([postcode.levels.index("moved"), postcode.levels.index("exact")], dtype=np.int8)
    seen = without_moves({"postcode": codes}, [postcode])["postcode"]
    assert [postcode.levels[i] for i in seen] == ["different", "exact"]


def test_namesakes_in_two_towns_keep_every_place_difference(repo_root):
    """Without a personal identifier in common a move is not assumed: the place differences count."""
    row, _ = _levels([
        {"first_name": "Anna", "last_name": "Schmidt", "address_line1": "Sendlinger Str. 12", "postcode": "80469",
         "city": "München", "email": "anna.schmidt@web.example"},
        {"first_name": "Anna", "last_name": "Schmidt", "address_line1": "Eisenbahnstraße 170", "postcode": "04177",
         "city": "Leipzig", "email": "a.schmidt77@mail.example"},
    ], repo_root, MOVES)
    assert (row["postcode_level"], row["city_level"]) == ("different", "different")
    assert row["postcode_weight"] < 0 and row["city_weight"] < 0


def test_plus_tags_are_one_inbox_on_any_domain(repo_root):
    row, _ = _levels([
        {"first_name": "Ebba", "last_name": "Sjöberg", "email": "EBBA_SJOEBERG40+SHOP@WEBPOST.EXAMPLE"},
        {"first_name": "Ebba", "last_name": "Sjöberg", "email": "ebba_sjoeberg40@webpost.example"},
    ], repo_root)
    assert row["email_level"] == "exact"
