"""benchmarks/dev_crm: the development CRM data set (shape, ground truth, hard cases)."""

from __future__ import annotations

import filecmp
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from benchmarks.dev_crm import SOURCES, generate
from steward.schema import CANONICAL_COLUMNS

REPO = Path(__file__).resolve().parents[1]
PEOPLE = 2_000
SEED = 11
# the date-of-birth convention of each source that carries one (README.md); the others carry none
DOB_FORMATS = {"sales_crm": "%d/%m/%Y", "webshop": "%Y-%m-%d", "newsletter": "%d.%m.%Y", "events": "%m/%d/%Y"}
DOB_PATTERNS = {"sales_crm": r"\d{2}/\d{2}/\d{4}", "webshop": r"\d{4}-\d{2}-\d{2}",
                "newsletter": r"\d{2}\.\d{2}\.\d{4}", "events": r"\d{2}/\d{2}/\d{4}"}
HARD_CLASSES = [
    "multi_personal_email", "job_change", "moved", "shared_inbox", "household", "household_landline", "switchboard",
    "colleague_same_surname", "twin", "father_son", "married_name", "namesake", "nickname", "initials", "name_typo",
    "email_typo", "phone_typo", "dob_typo", "title_in_first_name", "suffix_in_last_name", "surname_first",
    "accents_mangled", "full_name_one_field", "missing_field", "role_email", "placeholder_value", "disposable_email",
    "intra_source_duplicate", "case_variation", "work_address",
]


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("dev_crm")
    generate(target, people=PEOPLE, seed=SEED)
    return target


@pytest.fixture(scope="module")
def records(out) -> pd.DataFrame:
    frames = [pd.read_csv(out / f"{s}.csv", dtype=str, keep_default_na=False) for s in SOURCES]
    truth = pd.read_csv(out / "ground_truth.csv", dtype=str, keep_default_na=False)
    return pd.concat(frames, ignore_index=True).merge(truth, on=["source", "record_id"], how="left")


@pytest.fixture(scope="module")
def errors(out) -> pd.DataFrame:
    return pd.read_csv(out / "meta" / "errors.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def relations(out) -> pd.DataFrame:
    return pd.read_csv(out / "meta" / "relations.csv", dtype=str, keep_default_na=False)


def labelled(records, errors, cls: str) -> pd.DataFrame:
    keys = errors.loc[errors["error_class"] == cls, ["source", "record_id"]]
    return records.merge(keys, on=["source", "record_id"])


def digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)[-9:]


def parsed_dob(row) -> str:
    fmt = DOB_FORMATS.get(row["source"])
    if not fmt or not row["date_of_birth"]:
        return ""
    try:
        return datetime.strptime(row["date_of_birth"], fmt).strftime("%Y-%m-%d")
    except ValueError:
        return ""


def with_dob(records) -> pd.DataFrame:
    recs = records.copy()
    recs["dob"] = recs.apply(parsed_dob, axis=1)
    return recs


def values(frame: pd.DataFrame, entity: str, column: str) -> set[str]:
    col = frame.loc[frame["entity_id"] == entity, column]
    return {v.strip().lower() for v in col if v.strip()}


# ----------------------------------------------------------------------------- interface and shape


def test_interface():
    assert isinstance(SOURCES, tuple) and 5 <= len(SOURCES) <= 6
    assert len(set(SOURCES)) == len(SOURCES)


def test_deterministic_for_a_seed(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(a, people=300, seed=5)
    generate(b, people=300, seed=5)
    generate(c, people=300, seed=6)
    files = [f"{s}.csv" for s in SOURCES] + ["ground_truth.csv", "meta/errors.csv", "meta/relations.csv"]
    for name in files:
        assert filecmp.cmp(a / name, b / name, shallow=False), name
    assert not all(filecmp.cmp(a / name, c / name, shallow=False) for name in files)


def test_files_and_canonical_columns(out):
    for source in SOURCES:
        frame = pd.read_csv(out / f"{source}.csv", dtype=str, keep_default_na=False)
        assert list(frame.columns) == CANONICAL_COLUMNS, source
        assert len(frame) > 100, source
        assert (frame["source"] == source).all()
        assert frame["record_id"].is_unique and (frame["record_id"] != "").all()
    assert list(pd.read_csv(out / "ground_truth.csv", nrows=1).columns) == ["source", "record_id", "entity_id"]
    assert list(pd.read_csv(out / "meta" / "errors.csv", nrows=1).columns) == ["source", "record_id", "error_class"]


def test_every_record_in_ground_truth_exactly_once(out, records, errors):
    truth = pd.read_csv(out / "ground_truth.csv", dtype=str, keep_default_na=False)
    assert not truth.duplicated(["source", "record_id"]).any()
    assert len(truth) == len(records)
    assert records["entity_id"].notna().all() and (records["entity_id"] != "").all()
    known = set(zip(truth["source"], truth["record_id"]))
    assert set(zip(errors["source"], errors["record_id"])) <= known
    # one entity per person: every person has at least one record
    assert truth["entity_id"].nunique() > 0.95 * PEOPLE


def test_source_coverage(records):
    per_entity = records.groupby("entity_id")["source"].nunique()
    assert 0.35 <= (per_entity == 1).mean() <= 0.45
    assert per_entity.max() <= 5
    assert (per_entity >= 3).mean() > 0.1
    # every source holds a different subset of people
    sets = [set(records.loc[records["source"] == s, "entity_id"]) for s in SOURCES]
    assert all(a != b for i, a in enumerate(sets) for b in sets[i + 1:])
    # some people were keyed twice into one source
    assert records.groupby(["source", "entity_id"]).size().max() >= 2


def test_locales_and_skew(records):
    country = records["country"].str.upper()
    for iso2, iso3 in [("GB", "GBR"), ("US", "USA"), ("DE", "DEU"), ("FR", "FRA"), ("NL", "NLD"), ("ES", "ESP"),
                       ("ID", "IDN"), ("MY", "MYS")]:
        assert country.isin([iso2, iso3]).any(), iso2
    anglo = country.isin(["GB", "GBR", "US", "USA", "UNITED KINGDOM", "UNITED STATES"])
    assert anglo.sum() > 0.5 * (country != "").sum()
    last = records["last_name"].str.lower()
    assert last.str.contains(r"\bbin(?:ti)?\b|\ba/[lp]\b", regex=True).any()  # Malay / Indian-Malaysian names


def test_name_frequency_is_realistic(records):
    people = records[records["last_name"] != ""].drop_duplicates("entity_id")
    surnames = people["last_name"].str.lower().value_counts()
    assert surnames.iloc[0] >= 0.008 * len(people)  # the commonest surname is common
    assert len(surnames) > 300
    # many full names are shared by several people
    full = records[(records["first_name"] != "") & (records["last_name"] != "")]
    key = full["first_name"].str.lower() + " " + full["last_name"].str.lower()
    assert (full.assign(key=key).groupby("key")["entity_id"].nunique() >= 2).sum() >= 15


def test_no_two_entities_identical(records):
    compared = [c for c in CANONICAL_COLUMNS
                if c not in ("record_id", "source", "created_at", "updated_at", "email_opt_in")]
    per_key = records.groupby(compared)["entity_id"].nunique()
    assert per_key.max() == 1


def test_dob_formats_per_source(records):
    for source in SOURCES:
        dob = records.loc[(records["source"] == source), "date_of_birth"]
        if source not in DOB_FORMATS:
            assert (dob == "").all(), source
            continue
        filled = dob[dob != ""]
        assert 0.05 < len(filled) / len(dob) < 0.6, source
        assert filled.str.fullmatch(DOB_PATTERNS[source]).all(), source
    events = records.loc[(records["source"] == "events") & (records["date_of_birth"] != ""), "date_of_birth"]
    assert (events.str[3:5].astype(int) > 12).any()  # month first: the day shows up in the middle
    crm = records.loc[(records["source"] == "sales_crm") & (records["date_of_birth"] != ""), "date_of_birth"]
    assert (crm.str[:2].astype(int) > 12).any()  # day first


def test_phone_formats_vary(records):
    phones = records["phone"]
    for pattern in [r"\(0\d{2,4}\) \d[\d ]+", r"\+44 \d[\d ]+", r"\+\d{10,13}", r"\(\d{3}\) \d{3}-\d{4}",
                    r"0\d{2,4} \d[\d ]+", r"\+49 \d+ \d+", r"0\d-\d{4} \d{4}|01\d-\d{3} \d{4}"]:
        assert phones.str.fullmatch(pattern).any(), pattern


def test_every_hard_class_is_labelled(errors, records):
    counts = errors["error_class"].value_counts()
    for cls in HARD_CLASSES:
        assert counts.get(cls, 0) >= 5, cls
    # each is a hard case, not the norm
    per_people = errors.merge(records[["source", "record_id", "entity_id"]]).groupby("error_class")["entity_id"]
    share = per_people.nunique() / records["entity_id"].nunique()
    for cls in ["twin", "father_son", "namesake", "married_name", "job_change", "moved", "multi_personal_email",
                "role_email", "placeholder_value", "title_in_first_name"]:
        assert 0.002 < share[cls] < 0.1, (cls, share[cls])


# ----------------------------------------------------------------------------- the hard cases look the part


def test_switchboard_shared_by_colleagues(records, errors):
    sw = labelled(records, errors, "switchboard")
    sw = sw.assign(d=sw["phone"].map(digits))
    per_number = sw[sw["d"].str.len() >= 6].groupby("d")["entity_id"].nunique()
    assert per_number.max() >= 5
    # a switchboard number is a company line: its holders share an e-mail domain or company
    top = per_number.idxmax()
    holders = sw[sw["d"] == top]
    domains = holders["email"].str.split("@").str[1].str.lower()
    assert domains.value_counts().iloc[0] >= 2 or holders["company"].str.lower().value_counts().iloc[0] >= 2


def test_colleagues_with_one_surname_are_different_people(records, errors, relations):
    col = relations[relations["relation"] == "colleague_same_surname"]
    assert len(col) >= 5
    work = records[records["email"].str.contains("@", regex=False)].copy()
    work["domain"] = work["email"].str.split("@").str[1].str.lower()
    shared = 0
    for a, b in zip(col["entity_a"], col["entity_b"]):
        assert a != b
        dom_a, dom_b = values(work, a, "domain"), values(work, b, "domain")
        last_a, last_b = values(records, a, "last_name"), values(records, b, "last_name")
        first_a, first_b = values(records, a, "first_name"), values(records, b, "first_name")
        if dom_a & dom_b - {"gmail.com"} and last_a & last_b:
            shared += 1
            assert first_a != first_b
    assert shared >= 2
    # initial + surname mailboxes at one company domain: jsmith@ / jsmith2@ / asmith@
    locals_ = work["email"].str.split("@").str[0].str.lower()
    stem = locals_.str.replace(r"\d+$", "", regex=True)
    per = work.assign(stem=stem).groupby(["domain", "stem"])["entity_id"].nunique()
    assert (per >= 2).sum() >= 1


def home_address(records, errors, entity) -> set[str]:
    """House number(s) + city of the home addresses (webshop shipping, billing) an entity's records show."""
    work = set(zip(*[errors.loc[errors["error_class"] == "work_address", c] for c in ("source", "record_id")]))
    rows = records[(records["entity_id"] == entity) & records["source"].isin(["webshop", "billing"])
                   & (records["address_line1"] != "")]
    return {re.sub(r"\D", "", r.address_line1) + "|" + r.city.lower() for r in rows.itertuples()
            if (r.source, r.record_id) not in work}


def landline(records, errors, entity) -> set[str]:
    """The shared home landline(s) an entity's records show."""
    rows = labelled(records, errors, "household_landline")
    return {digits(v) for v in rows.loc[rows["entity_id"] == entity, "phone"]}


def test_twins(records, relations, errors):
    recs = with_dob(records)
    twins = relations[relations["relation"] == "twin"]
    assert len(twins) >= 5
    same_dob = dob_pairs = same_addr = addr_pairs = diff_first = 0
    for a, b in zip(twins["entity_a"], twins["entity_b"]):
        dob_a, dob_b = values(recs, a, "dob"), values(recs, b, "dob")
        if dob_a and dob_b:
            dob_pairs += 1
            same_dob += bool(dob_a & dob_b)
        addr_a, addr_b = home_address(recs, errors, a) | landline(recs, errors, a), \
            home_address(recs, errors, b) | landline(recs, errors, b)
        if addr_a and addr_b:
            addr_pairs += 1
            same_addr += bool(addr_a & addr_b)
        first_a = recs.loc[recs["entity_id"] == a, "first_name"].str.lower().mode()
        first_b = recs.loc[recs["entity_id"] == b, "first_name"].str.lower().mode()
        diff_first += set(first_a) != set(first_b)
    assert dob_pairs == 0 or same_dob >= 0.75 * dob_pairs
    assert addr_pairs >= 1 and same_addr >= 0.6 * addr_pairs
    assert diff_first >= 0.9 * len(twins)


def test_twin_family_names_match(records, relations):
    twins = relations[relations["relation"] == "twin"]
    checked = agree = 0
    for a, b in zip(twins["entity_a"], twins["entity_b"]):
        la = {v.split()[-1] for v in values(records, a, "last_name") if v.split()}
        lb = {v.split()[-1] for v in values(records, b, "last_name") if v.split()}
        if la and lb:
            checked += 1
            agree += bool(la & lb)
    assert checked >= 5 and agree >= 0.75 * checked


TITLE_WORDS = {"mr", "mrs", "ms", "miss", "dr", "prof", "rev", "sir"}


def given_keys(records, entity) -> set[str]:
    """First three letters of the given name(s) an entity's records show (titles skipped; tolerant of typos at
    the end and of Jim/James-style short forms)."""
    keys = set()
    for v in values(records, entity, "first_name"):
        words = [w.strip(".,") for w in v.split()]
        words = [w for w in words if w and w not in TITLE_WORDS]
        if words and len(words[0]) >= 3:
            keys.add(words[0][:3])
    return keys


def test_father_and_son(records, relations, errors):
    recs = with_dob(records)
    pairs = relations[relations["relation"] == "father_son"]
    assert len(pairs) >= 5
    same_name = gaps_ok = gaps = 0
    for a, b in zip(pairs["entity_a"], pairs["entity_b"]):
        same_name += bool(given_keys(recs, a) & given_keys(recs, b))
        da, db = values(recs, a, "dob"), values(recs, b, "dob")
        if da and db:
            gaps += 1
            gap = (datetime.fromisoformat(min(db)) - datetime.fromisoformat(min(da))).days / 365.25
            gaps_ok += 24 <= gap <= 36
    assert same_name >= 0.6 * len(pairs)
    assert gaps == 0 or gaps_ok >= 0.75 * gaps
    fs = labelled(records, errors, "father_son")
    suffixed = fs["last_name"].str.contains(r"\b(?:Jr|Sr|II)\.?$", case=False, regex=True)
    assert suffixed.any()


def test_namesakes_share_name_and_city_only(records, relations, errors):
    pairs = relations[relations["relation"] == "namesake"]
    assert len(pairs) >= 10
    same_city = both_city = 0
    for a, b in zip(pairs["entity_a"], pairs["entity_b"]):
        ea, eb = values(records, a, "email"), values(records, b, "email")
        placeholders = {"test@test.com", "n/a", "noemail@noemail.com", "none@none.com", "na@na.com", "x@x.com",
                        "no@email.com", "unknown@example.com"}
        assert not (ea & eb) - placeholders, (a, b)
        pa = {digits(v) for v in values(records, a, "phone")} - {""}
        pb = {digits(v) for v in values(records, b, "phone")} - {""}
        assert not {x for x in pa & pb if len(set(x)) > 2}, (a, b)
        ca, cb = ({v.split("|")[1] for v in home_address(records, errors, e)} for e in (a, b))
        if ca and cb:
            both_city += 1
            same_city += bool(ca & cb)
    assert both_city >= 3 and same_city >= 0.8 * both_city


def test_households_share_landline_and_surname(records, errors):
    hh = labelled(records, errors, "household_landline")
    hh = hh.assign(d=hh["phone"].map(digits))
    shared = hh.groupby("d")["entity_id"].nunique()
    assert (shared >= 2).any()
    inbox = labelled(records, errors, "shared_inbox")
    per_mail = inbox.groupby(inbox["email"].str.lower())["entity_id"].nunique()
    assert (per_mail >= 2).any()
    top = per_mail.idxmax()
    firsts = inbox.loc[inbox["email"].str.lower() == top].groupby("entity_id")["first_name"].first()
    assert firsts.str.lower().nunique() >= 2


def test_life_changes(records, errors):
    recs = records.assign(surname=(records["first_name"] + " " + records["last_name"]).str.strip().str.lower()
                          .str.replace(r",? (?:jr|sr|ii|iii|phd|md)\.?$", "", regex=True).str.split().str[-1]
                          .fillna(""))
    for cls, column, share in [("married_name", "surname", 0.6), ("job_change", "company", 0.5),
                               ("multi_personal_email", "email", 0.8), ("moved", "address_line1", 0.3)]:
        ents = labelled(records, errors, cls)["entity_id"].unique()
        assert len(ents) >= 5, cls
        sub = recs[recs["entity_id"].isin(ents)]
        distinct = sub[sub[column] != ""].groupby("entity_id")[column].agg(lambda s: s.str.lower().nunique())
        assert (distinct >= 2).sum() >= share * len(ents) * (0.5 if cls == "moved" else 1), cls
    # married: the new and the old name share the first name and an e-mail or phone
    ents = labelled(records, errors, "married_name")["entity_id"].unique()
    linked = 0
    for e in ents:
        rows = records[records["entity_id"] == e]
        emails = rows["email"].str.lower().value_counts()
        phones = rows["phone"].map(digits).value_counts()
        linked += (emails.iloc[0] >= 2) or (len(phones) and phones.iloc[0] >= 2 and phones.index[0] != "")
    assert linked >= 0.5 * len(ents)


def test_name_damage_looks_the_part(records, errors):
    titled = labelled(records, errors, "title_in_first_name")
    titles = (titled["first_name"] + " " + titled["last_name"]).str.strip()
    assert titles.str.contains(r"(?i)(?:^|[ ,])(?:mr|mrs|ms|miss|dr|prof|rev|herr|hr|frau|fr|m|mme|mlle|monsieur|madame"
                               r"|dhr|mevr|mw"
                               r"|ir|drs|sr|sra|d|dña|dra|bpk|ibu|h|hj|encik|en|dato'|haji|tan sri|puan|pn|datin"
                               r"|hajah|cik)\.? ", regex=True).mean() > 0.8  # later damage may hit the title
    suffixed = labelled(records, errors, "suffix_in_last_name")
    full = (suffixed["first_name"] + " " + suffixed["last_name"]).str.strip()
    # (a field blanked later can take the suffix with it)
    assert full.str.contains(r"(?i)\b(?:jr|sr|ii|iii|phd|mba|md|esq)\.?$", regex=True).mean() > 0.8
    acc = labelled(records, errors, "accents_mangled")
    names = acc["first_name"] + acc["last_name"]
    assert (names.map(lambda s: s.isascii()) | names.str.contains("Ã", case=False)).all()
    assert names.str.contains("Ã").any() and names.str.contains("ue|oe|ae", case=False).any()
    initials = labelled(records, errors, "initials")["first_name"]
    assert initials.str.fullmatch(r"(?i)[a-z]\.?( [a-z]\.)?").mean() > 0.7
    surname_first = labelled(records, errors, "surname_first")
    assert surname_first["first_name"].str.contains(",").any()
    role = labelled(records, errors, "role_email")["email"].str.split("@").str[0].str.lower()
    assert role.isin(["info", "sales", "contact", "office", "admin", "accounts", "hello", "enquiries", "kontakt",
                      "team"]).mean() > 0.8


def test_nicknames_link_to_full_names(records, errors):
    nick = labelled(records, errors, "nickname")
    pairs = {("bob", "robert"), ("bill", "william"), ("liz", "elizabeth"), ("jim", "james"), ("mike", "michael"),
             ("tom", "thomas"), ("hans", "johannes"), ("wim", "willem"), ("dave", "david"), ("steve", "stephen"),
             ("kate", "katherine"), ("chris", "christopher"), ("dan", "daniel"), ("jen", "jennifer")}
    found = 0
    for e, group in nick.groupby("entity_id"):
        short = {v.split()[0].lower() for v in group["first_name"] if v.strip()}
        full = {v.split()[0].lower() for v in records.loc[records["entity_id"] == e, "first_name"] if v.strip()}
        found += any((s, f) in pairs for s in short for f in full)
    assert found >= 3


def test_cli(tmp_path):
    target = tmp_path / "cli"
    run = subprocess.run([sys.executable, "-m", "benchmarks.dev_crm", str(target), "--people", "200", "--seed", "3"],
                         check=False, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert all((target / f"{s}.csv").is_file() for s in SOURCES)
    assert (target / "ground_truth.csv").is_file() and (target / "meta" / "errors.csv").is_file()
