"""The review queue as a reviewer reads it: five columns, the records as one cell each, links per
decision, data shown as text (never as Markdown or a spreadsheet formula)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pandas as pd
import yaml

from assets._review_links import decision_config, decision_link
from steward.frames import formula_safe
from steward.review.present import decision_outcomes, queue_markdown, queue_table, strongest_reasons

SUGGESTIONS = pd.DataFrame({
    "pair_id": ["crm:1~shop:7", "crm:2~shop:8", "crm:3~shop:9"],
    "match_probability": [0.9871, 0.97, 0.96],
    "a_contact_key": ["crm:1", "crm:2", "crm:3"], "b_contact_key": ["shop:7", "shop:8", "shop:9"],
    "a_first_name": ["Anna", "Ben", "Cleo"], "a_last_name": ["Kowalska", "Ode", None],
    "a_email": ["anna_k@example.com", None, "cleo@example.com"], "a_phone": ["+48 600 726 826", None, None],
    "a_company": [None, "Acme | Sons & <b>Co</b>", None], "a_city": ["Kraków", None, None],
    "b_first_name": ["Anna", "[Click](http://evil.example)", "Cleo"], "b_last_name": ["Kowalski", "Ode", "Y"],
    "b_email": [None, "=HYPERLINK(\"x\")", None], "b_phone": ["600726826", None, None],
    "b_company": [None, None, None], "b_city": ["Krakow", None, None],
    "explanation": ["+ same phone number (+11.8); + first names are identical (+4.8); − different x (-1.0); + y (+0.5)",
                    "+ a (+1.0)", "+ b (+1.0)"],
    "a_records": [1, 3, 1], "b_records": [2, 1, 1], "record_pairs": [2, 1, 1],
})


def _link(action, pair_id):
    return f"/go/{action}/{pair_id}"


def test_queue_markdown_reads_as_five_columns_with_links_and_a_count():
    text = queue_markdown(SUGGESTIONS, _link, shown=2, golden_of={"crm:1": "G1", "shop:7": "G9"},
                          everything_at="reports/merge_suggestions.csv")
    lines = text.splitlines()
    assert lines[0].startswith("**2 of 3 suggestions**") and "All 3: `reports/merge_suggestions.csv`" in lines[0]
    assert lines[2] == "| Score | Record A | Record B | Why | Decide |"
    rows = [line for line in lines[4:] if line.startswith("|")]
    assert len(rows) == 2
    first = rows[0]
    assert "Anna Kowalska · anna\\_k@example.com · +48 600 726 826 · Kraków (G1, 1 record)" in first
    assert "Anna Kowalski · 600726826 · Krakow (G9, 2 records)" in first
    assert "[Approve](/go/approve/crm:1~shop:7) · [Reject](/go/reject/crm:1~shop:7)" in first
    # The two strongest reasons in a few words, each kept on one line (no-break spaces).
    assert "same\u00a0phone\u00a0+11.8; same\u00a0first\u00a0name\u00a0+4.8; 2\u00a0record\u00a0pairs |" in first
    assert "-1.0" not in first and first.startswith("| 0.987 |")
    # Data is text: a link, a table-cell break or emphasis in a value is escaped, not rendered.
    second = rows[1]
    assert "\\[Click\\](http://evil.example)" in second and "Acme \\| Sons" in second
    assert second.count(" | ") == 4  # five cells, whatever the values hold
    assert "Acme \\| Sons &amp; \\<b\\>Co\\</b\\>" in second  # no entity, no HTML
    assert "(new, 3 records)" in second


def test_reasons_in_a_few_words():
    assert strongest_reasons("+ first names are identical (+8.6); + last names are identical (+8.0); "
                             "− different email addresses (-1.4)") == "same first name +8.6; same last name +8.0"
    assert strongest_reasons("− email address is the same, but several different people hold it (a family "
                             "inbox): it counts for little (-7.9)") == "shared email -7.9"
    assert strongest_reasons("+ same email address (after removing dots/+tags where the provider ignores them) "
                             "(+12.8)") == "same email +12.8"


def test_empty_queue_says_so():
    assert queue_markdown(SUGGESTIONS.iloc[:0], _link) == "Nothing awaits review."


def test_queue_csv_is_safe_to_open_in_a_spreadsheet():
    table = formula_safe(queue_table(SUGGESTIONS))
    assert table.loc[1, "record_b"].startswith("'[Click]") is False  # only formula starts are escaped
    assert table["record_b"].tolist()[1] == "[Click](http://evil.example) Ode · =HYPERLINK(\"x\")"
    risky = formula_safe(pd.DataFrame({"x": ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "Anna", None]}))
    assert risky["x"].tolist()[:5] == ["'=1+1", "'+cmd|' /C calc'!A0", "'-2+3", "'@SUM(A1)", "Anna"]


def test_a_decision_link_opens_the_launchpad_with_only_that_decision():
    url = urlparse(decision_link("pipelines.definitions:defs", "approve", "crm:1~shop:7"))
    assert url.path == "/locations/pipelines.definitions:defs/jobs/review_merges/playground/setup"
    config = yaml.safe_load(parse_qs(url.query)["config"][0])
    assert config == {"ops": {"review_decisions": {"config": {"reviewer": "sales-ops", "note": "",
                                                              "approve": ["crm:1~shop:7"]}}}}
    # Ids with quotes or YAML syntax stay one string.
    assert yaml.safe_load(decision_config("reject", "a:'x~b: [y]"))["ops"]["review_decisions"]["config"]["reject"] == \
        ["a:'x~b: [y]"]


def test_outcomes_say_in_names_what_each_decision_did():
    decisions = pd.DataFrame({"action": ["approve", "reject", "approve"], "left_key": ["crm:1", "crm:2", "crm:3"],
                              "right_key": ["shop:7", "shop:8", "gone:1"], "reviewer": ["ana"] * 3,
                              "decided_at": ["t"] * 3, "pair_id": ["p1", "p2", "p3"]})
    contacts = pd.DataFrame({"contact_key": ["crm:1", "shop:7", "crm:2", "shop:8", "crm:3"],
                             "first_name": ["Anna", "Anna", "Ben", "Ben", "Cleo"],
                             "last_name": ["Kowalska", "Kowalski", "Ode", "Ode", None],
                             "email": ["a@x.example", None, None, "b@y.example", None]})
    crosswalk = pd.DataFrame({"source": ["crm", "shop", "crm", "shop", "crm"], "record_id": ["1", "7", "2", "8", "3"],
                              "golden_id": ["G1", "G1", "G2", "G3", "G4"]})
    out = decision_outcomes(decisions, contacts, crosswalk).set_index("pair_id")
    assert out.loc["p1", "now"] == "one golden record G1" and out.loc["p1", "record_a"] == "Anna Kowalska · a@x.example"
    assert out.loc["p2", "now"] == "apart: G2 and G3" and out.loc["p2", "record_b"] == "Ben Ode · b@y.example"
    assert out.loc["p3", "now"].startswith("not published")
    # An erased person is shown by key, never by name.
    hidden = decision_outcomes(decisions, contacts, crosswalk, erased={"crm:1"}).set_index("pair_id")
    assert hidden.loc["p1", "record_a"] == "crm:1" and "Anna Kowalska" not in hidden.to_csv()
    assert list(decision_outcomes(decisions, contacts, crosswalk).columns[:4]) == ["action", "now", "record_a", "record_b"]
