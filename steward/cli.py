"""The headless command line: ``steward run | check | sources detect | dedupe | export | explain | audit | evaluate | review | erase | demo-data``."""

from __future__ import annotations

import json
import logging
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import typer
from rich.console import Console
from rich.logging import RichHandler

from steward.config import ConfigError, load_project
from steward.config.urls import shown_url
from steward.match.evaluate import evaluate as evaluate_crosswalk
from steward.schema import contact_key
from steward.sources.load import SourceError
from steward.errors import StewardError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="crm-steward: audit, deduplicate and publish CRM contacts.")
# soft_wrap: a message is one line however narrow the terminal (or 80 columns in a log file):
# a failure is told in one line that a person or grep reads whole.
console = Console(stderr=True, soft_wrap=True)


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.WARNING, handlers=[RichHandler(console=console, show_path=False)], format="%(message)s")
    logging.getLogger("steward").setLevel(logging.DEBUG if verbose else logging.INFO)
    # GX announces every temporary docs directory at INFO; that is noise here.
    logging.getLogger("great_expectations").setLevel(logging.WARNING)


@contextmanager
def _progress_shown():
    """Progress of long stages (stage, done / total, rate, ETA): a live bar per stage on a terminal,
    a plain line every 5 s per stage otherwise (logs, CI, a pipe)."""
    from steward.progress import listening

    if not console.is_terminal:
        with listening(lambda line: console.print(f"  {line.text()}", highlight=False), every=5.0):
            yield
        return
    from rich.progress import BarColumn, Progress, TextColumn

    bars = Progress(TextColumn("  {task.description:<24}"), BarColumn(), TextColumn("{task.fields[line]}"),
                    console=console)
    tasks: dict[str, int] = {}

    def show(line) -> None:
        detail = line.text().split(": ", 1)[1]
        if line.stage not in tasks:
            tasks[line.stage] = bars.add_task(line.stage, total=line.total, line=detail)
        bars.update(tasks[line.stage], completed=line.done, total=line.total, line=detail)

    with bars, listening(show, every=0.25):
        yield


def _fail(message: str) -> None:
    console.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code=2)


@app.command()
def run(
    crm: str = typer.Option("", help="SQLAlchemy URL of the CRM database (default: embedded SQLite under data/)."),
    project: Path = typer.Option(None, help="Project directory holding rules/ and expectations/ (default: found from here)."),
    full: bool = typer.Option(False, "--full", help="Rebuild everything (and re-estimate the model) instead of "
                              "processing only what changed since the last successful run."),
    reset_demo: bool = typer.Option(False, "--reset-demo", help="Clear what runs on the demo data left in data/ "
                                    "(run state, embedded CRM, snapshot) before the first run on your own sources."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Dagster's own log too, stack traces included "
                                 "(without it a failure is told in one line: its cause)."),
) -> None:
    """Materialise the whole Dagster graph on the configured sources (demo data if none).

    After a first run, runs are incremental: only records that are new or changed since the
    last successful run are normalised and matched, and only the golden records they touch
    are rebuilt and published."""
    _setup_logging(False)
    logging.getLogger("steward").setLevel(logging.WARNING)  # the progress lines below say enough
    from pipelines.runner import run_pipeline

    proj = load_project(project)
    _refuse_unless_checked(proj, reset_demo, crm)
    if proj.uses_demo_sources():
        console.print(f"No sources in {proj.rules_dir / 'sources.yaml'}: running on demo data in {proj.demo_settings().out}")
    from pipelines.runner import run_summary
    from steward.state.lock import DEFAULT_WAIT_S, RunLock

    holder = RunLock(proj.data_dir / "run.lock", "steward run").holder()
    if holder:
        console.print(f"another run of this project is in progress ({holder}); this one waits for it to finish "
                      f"(at most {DEFAULT_WAIT_S / 60:.0f} min), then runs", highlight=False)
    try:
        with _progress_shown():
            result = run_pipeline(str(proj.root), crm or None, echo=lambda line: console.print(line, highlight=False),
                                  full_rebuild=full, verbose=verbose)
    except StewardError as exc:  # before any step ran (the rules, the code location)
        if verbose:
            raise
        _fail(str(exc))
    summary = run_summary(result)
    if summary:
        console.print(summary, highlight=False)
    if not result.success:
        console.print("[bold red]run failed[/] — the cause is above; the whole run is in the Dagster UI (make ui), "
                      "or again with --verbose")
        raise typer.Exit(code=1)
    console.print(f"[green]done[/]: golden records published to {shown_url(crm or proj.default_crm_url)}")
    console.print("Open the UI with [bold]make ui[/] (dagster dev -w workspace.yaml) to see the graph and this run.")


@app.command()
def dedupe(
    input: list[Path] = typer.Option(..., "--input", "-i", help="CSV in the canonical columns, a vendor export "
                                     "with --preset, or a sources file (.yaml: the sources: block of "
                                     "rules/sources.yaml); repeat for several."),
    out: Path = typer.Option(..., "--out", "-o", help="Output directory."),
    truth: Path = typer.Option(None, help="Ground truth (source, record_id, entity_id) to score against. "
                                          "Default: ground_truth.csv beside the inputs, if there is one."),
    project: Path = typer.Option(None, help="Project directory holding rules/ (default: found from here)."),
    engine: str = typer.Option("local", help="Where blocking, scoring and clustering run: local (this process) "
                               "or spark (pip install 'crm-steward[spark]'); spark:MASTER names the Spark master "
                               "(spark:local[*], spark:spark://host:7077, spark:yarn; default: the session "
                               "spark-submit provides, else local[*])."),
    evaluate: bool = typer.Option(True, "--evaluate/--no-evaluate", help="Score the result against the ground "
                                  "truth (--truth, or one found beside the inputs); --no-evaluate skips it."),
    preset: str = typer.Option(None, help="Read each CSV/Excel --input as this vendor's export, named after the "
                               "file (rules/presets/: hubspot, salesforce_contacts, shopify, mailchimp_subscribed ...)."),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Deduplicate files: writes crosswalk.csv, golden_records.csv, quarantine.csv, merge_suggestions.csv.

    Canonical CSVs (with a ``source`` column, several sources in one file) are read as they are;
    a vendor export with ``--preset``; configured exports through a sources file (``--input x.yaml``)."""
    _setup_logging(verbose)
    from steward.run import RunContext, dedupe as run_dedupe, load_all

    started = time.perf_counter()
    try:
        with _progress_shown():
            proj = load_project(project)
            configs = _input_sources(proj, input, preset)
            from steward.match.engines import engine_named

            engine_name, _, spark_master = engine.partition(":")
            pair_engine = engine_named(engine_name, spark_master or None)  # (before the load: fails fast)
            records, quarantine = load_all(configs)
            if records.empty:
                _fail("no usable records in the input files")
            # Plain files: no run history (decisions, previous ids) and no next run to keep a
            # snapshot for, but erasure requests and consent rules apply.
            ctx = RunContext.for_project(
                proj, store=None, engine=pair_engine, keep_snapshot=False,
                progress=lambda stage: console.print(f"[dim]{time.perf_counter() - started:6.1f}s[/] {stage} …"))
            result = run_dedupe(ctx, records, quarantine)
    except (ConfigError, SourceError, ValueError) as exc:
        _fail(str(exc))
    out.mkdir(parents=True, exist_ok=True)
    from steward.frames import write_csv

    write_csv(result.crosswalk, out / "crosswalk.csv")
    write_csv(result.golden, out / "golden_records.csv")
    write_csv(result.quarantine, out / "quarantine.csv")
    write_csv(result.suggestions, out / "merge_suggestions.csv")
    write_csv(result.lineage, out / "golden_lineage.csv")
    # What `steward explain` needs to say why any two records did or did not match.
    result.contacts[["contact_key", "source", "record_id", *result.model.needed_columns_base]].to_parquet(
        out / "contacts.parquet", index=False)
    (out / "model.json").write_text(result.model.dumps())
    elapsed = time.perf_counter() - started
    console.print(
        f"{len(result.records) + len(result.quarantine) - len(result.suppressed):,} input rows → "
        f"{len(result.golden):,} golden records, {len(result.quarantine) - len(result.suppressed):,} quarantined, "
        f"{len(result.suppressed):,} suppressed (erasure requests), {len(result.suggestions):,} merge suggestions for review "
        f"({len(result.blocking.pairs):,} candidate pairs) in {elapsed:.1f}s"
    )
    console.print(f"wrote {out}/crosswalk.csv, golden_records.csv, golden_lineage.csv, quarantine.csv, "
                  "merge_suggestions.csv")
    if not evaluate:
        return
    if truth is None and input:
        candidates = {p.parent / "ground_truth.csv" for p in input} | {p.parent.parent / "ground_truth.csv" for p in input}
        truth = next((p for p in sorted(candidates) if p.is_file()), None)
    if truth is not None:
        _print_evaluation(result.crosswalk, truth)


def _input_sources(proj, input: list[Path], preset: str | None) -> dict:
    """The sources of ``--input``: sources files (.yaml), vendor exports read through ``preset``,
    canonical CSVs; one dict, source names unique."""
    from dataclasses import replace

    from steward.config.sources import project_limits, sources_for_files
    from steward.sources.load import canonical_csv_sources

    groups = []
    files = [p for p in input if p.suffix.lower() not in (".yaml", ".yml")]
    for sources_file in [p for p in input if p not in files]:
        groups.append(sources_for_files([], None, None, proj.rules_dir, sources_file))
    # Plain files are read within the project's limits, as its sources are (a sources file given
    # as --input has its own block).
    limits = project_limits(proj.rules_dir / "sources.yaml")
    if files and preset:
        groups.append({n: replace(c, limits=limits) for n, c in sources_for_files(files, preset, None, proj.rules_dir).items()})
    elif files:
        groups.append({c.name: replace(c, limits=limits) for c in canonical_csv_sources(files)})
    found: dict = {}
    for group in groups:
        for name, cfg in group.items():
            if name in found:  # one would replace the other, and its file be read in silence
                _fail(f"{found[name].location} and {cfg.location} would both be source {name!r}: rename one file, "
                      "or list them in a sources file with their own names")
            found[name] = cfg
    return found


def _print_evaluation(crosswalk: pd.DataFrame, truth_path: Path) -> None:
    truth = pd.read_csv(truth_path, dtype=str, keep_default_na=False)
    evaluation = evaluate_crosswalk(crosswalk, truth)
    typer.echo(f"against {truth_path}:")
    for line in evaluation.lines():
        typer.echo("  " + line)


@app.command()
def review(
    approve: list[str] = typer.Option(None, "--approve", help="Pair id from merge_suggestions: same person. Repeatable."),
    reject: list[str] = typer.Option(None, "--reject", help="Pair id from merge_suggestions: different people."),
    confirm: list[str] = typer.Option(None, "--confirm", help="Golden id whose records are all one person."),
    split: list[str] = typer.Option(None, "--split", help="Unmerge: GOLDEN_ID=source:record_id[,source:record_id...]."),
    reviewer: str = typer.Option(..., help="Who decides (kept in the merge audit log)."),
    note: str = typer.Option("", help="Why, in a few words."),
    project: Path = typer.Option(None, help="Project directory (default: found from here)."),
) -> None:
    """Record review decisions (the same as the review_merges job in the Dagster UI); the next run honours them."""
    _setup_logging(False)
    from steward.review.decisions import ReviewError, ReviewRequest, record_decisions
    from steward.state.store import GOLDEN_CROSSWALK, StateStore, default_state_url

    proj = load_project(project)
    splits = []
    for item in split or []:
        golden_id, _, records = item.partition("=")
        if not records:
            _fail(f"--split {item!r}: write GOLDEN_ID=source:record_id[,source:record_id...]")
        splits.append({"golden_id": golden_id.strip(), "records": [r.strip() for r in records.split(",") if r.strip()]})
    store = StateStore(default_state_url(proj.data_dir))
    request = ReviewRequest(reviewer=reviewer, note=note, approve=list(approve or []), reject=list(reject or []),
                            confirm=list(confirm or []), split=splits)
    try:
        rows = record_decisions(store, request, store.read(GOLDEN_CROSSWALK, ["source", "record_id", "golden_id"]))
    except ReviewError as exc:
        _fail(str(exc))
    for action, count in rows["action"].value_counts().items():
        typer.echo(f"recorded {count} {action} decision(s)")
    typer.echo("the next run (steward run / nightly_clean) honours them")


@app.command()
def erase(
    email: str = typer.Option(None, help="The person's email address."),
    phone: str = typer.Option(None, help="The person's phone number (international form, or give --country)."),
    country: str = typer.Option(None, help="ISO country for a national phone number."),
    first_name: str = typer.Option(None, help="First name (only together with --last-name and --date-of-birth)."),
    last_name: str = typer.Option(None),
    date_of_birth: str = typer.Option(None, help="YYYY-MM-DD"),
    reference: str = typer.Option(None, help="Ticket or request number (no personal data)."),
    project: Path = typer.Option(None, help="Project directory (default: found from here)."),
) -> None:
    """Add an erasure request to the suppression list (hashes only): the person is removed from the golden
    records and the CRM on the next run, and never comes back even if a source exports them again."""
    _setup_logging(False)
    from steward.privacy.requests import ErasureRequest, add_erasure_request

    proj = load_project(project)
    try:
        config = proj.erasure()
        if config.list_path is None:
            _fail(f"{config.config_file}: the erasure list is a database table; add requests there")
        request = ErasureRequest(email=email, phone=phone, country=country, first_name=first_name,
                                 last_name=last_name, date_of_birth=date_of_birth, reference=reference)
        rows = add_erasure_request(config.list_path, request, salt=config.salt())
    except (ConfigError, ValueError) as exc:
        _fail(str(exc))
    added = int(rows["added"].sum()) if "added" in rows else len(rows)
    typer.echo(f"{added} identifier hash(es) added to {config.list_path} ({len(rows) - added} already listed); "
               "the next run removes the person everywhere")


@app.command()
def explain(
    record_a: str = typer.Argument(..., help="First record as source:record_id"),
    record_b: str = typer.Argument(..., help="Second record as source:record_id"),
    crosswalk: Path = typer.Option(..., help="crosswalk.csv from `steward dedupe` (its directory holds the model)."),
    project: Path = typer.Option(None, help="Project directory holding rules/ (default: found from here)."),
) -> None:
    """Why two records were (or were not) merged: the evidence field by field, strongest first."""
    from steward.match.model import MatchModel, classify, explain_pair

    run_dir = crosswalk.parent
    for needed in (crosswalk, run_dir / "contacts.parquet", run_dir / "model.json"):
        if not needed.is_file():
            _fail(f"{needed}: not found — run `steward dedupe --out {run_dir}` first")
    contacts = pd.read_parquet(run_dir / "contacts.parquet")
    keys = pd.Index(contacts["contact_key"])
    positions = []
    for key in (record_a, record_b):
        if key not in keys:
            _fail(f"{key}: no such record in {run_dir / 'contacts.parquet'} (use source:record_id, e.g. "
                  f"{contacts['contact_key'].iloc[0]})")
        positions.append(int(keys.get_loc(key)))
    model = MatchModel.from_config(load_project(project).matching()).load_parameters(
        json.loads((run_dir / "model.json").read_text()))
    row = model.predict(contacts, pd.DataFrame({"left": [positions[0]], "right": [positions[1]]})).iloc[0]
    decision = classify(row.to_frame().T, model).iloc[0]
    cw = pd.read_csv(crosswalk, dtype=str, keep_default_na=False)
    golden = dict(zip(contact_key(cw), cw["golden_id"]))
    same = golden.get(record_a) is not None and golden.get(record_a) == golden.get(record_b)
    verdict = {"match": "a match", "review": "doubtful: a merge suggestion for review", "non_match": "not a match"}[decision]
    typer.echo(f"{record_a}  vs  {record_b}")
    typer.echo(f"match probability {row['match_probability']:.4f} — {verdict}; "
               f"{'same golden record ' + golden[record_a] if same else 'different golden records'}")
    typer.echo(f"  {model.prior_weight:+6.1f}  starting point: how likely any two records are the same person")
    for step in explain_pair(row, model):
        bar = ("█" * min(int(abs(step["weight"])), 20)) if step["weight"] else "·"
        typer.echo(f"  {step['weight']:+6.1f}  {step['field']:<14} {bar:<20} {step['why']}")
    typer.echo(f"  {'=':>6}  {row['match_weight']:+.1f} total weight")


@app.command()
def audit(
    input: list[Path] = typer.Option(None, "--input", "-i", help="CSV in the canonical columns, a vendor export "
                                     "with --preset, or a sources file (.yaml); repeat for several. "
                                     "Default: the sources in rules/sources.yaml (demo data if none)."),
    preset: str = typer.Option(None, help="Read each CSV/Excel --input as this vendor's export (rules/presets/)."),
    out: Path = typer.Option(Path("reports"), "--out", "-o", help="Directory for report.html, audit.json and history/."),
    as_of: str = typer.Option(None, help="Audit date (YYYY-MM-DD); default today."),
    project: Path = typer.Option(None, help="Project directory holding rules/ (default: found from here)."),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """The data-quality audit: scorecard per source and field, worst problems, duplicates, trend."""
    _setup_logging(verbose)
    from steward.audit import run_audit
    from steward.run import RunContext, load_all
    from steward.run import dedupe as run_dedupe
    from steward.audit.report import save_audit
    from steward.state.store import StateStore, default_state_url
    from steward.validate.expectations import validate_sources

    try:
        proj = load_project(project)
        if input:
            sources = _input_sources(proj, input, preset)
        else:
            if proj.uses_demo_sources():
                _ensure_demo(proj)
            sources = proj.sources()
        records, quarantine = load_all(sources)
        if records.empty:
            _fail("no usable records in the sources")
        store = StateStore(default_state_url(proj.data_dir))
        ctx = RunContext.for_project(proj, store=store, keep_snapshot=False,
                                     progress=lambda stage: console.print(f"{stage} …"))
        result = run_dedupe(ctx, records, quarantine)
        expectations = validate_sources(result.contacts, proj.expectations_dir / "source_contacts.json")
        audit_result = run_audit(result.contacts, result.clusters, quarantine,
                                 ctx.settings.quality, as_of=as_of,
                                 expectations=expectations, suppressed=result.suppressed)
    except (ConfigError, SourceError, ValueError) as exc:
        _fail(str(exc))
    paths = save_audit(audit_result, out)
    overall = audit_result.overall
    typer.echo(f"overall score {overall['score']}  ({overall['records']:,} records, "
               f"{overall['estimated_duplicates']:,} estimated duplicates, {overall['quarantined']:,} quarantined)")
    for row in audit_result.sources.itertuples():
        typer.echo(f"  {row.source:<16} {row.score:>6}  ({row.records:,} records)")
    typer.echo(f"wrote {paths['report']} and {paths['audit']}")


def _ensure_demo(proj) -> None:
    from steward.demo import generate_demo_data

    # Regenerated every time, like the Dagster demo asset: deterministic for a seed, cheap, and
    # never stale after the generator or rules/demo_sources.yaml changed.
    settings = proj.demo_settings()
    generate_demo_data(settings.out, entities=settings.entities, seed=settings.seed)


@app.command()
def evaluate(
    truth: Path = typer.Option(..., help="CSV with source, record_id, entity_id."),
    crosswalk: Path = typer.Option(..., help="CSV with source, record_id, golden_id (from steward dedupe)."),
) -> None:
    """Pairwise and B-cubed precision / recall / F1 of a crosswalk against a ground truth."""
    for path in (truth, crosswalk):
        if not path.is_file():
            _fail(f"{path}: file not found")
    cw = pd.read_csv(crosswalk, dtype=str, keep_default_na=False)
    missing = {"source", "record_id", "golden_id"} - set(cw.columns)
    if missing:
        _fail(f"{crosswalk}: missing column(s) {sorted(missing)}")
    _print_evaluation(cw, truth)


def _print_problems(problems, title: str) -> None:
    for problem in problems:
        colour = "red" if problem.severity == "error" else "yellow"
        console.print(f"[{colour}]{problem.severity}[/]: {problem}", highlight=False, soft_wrap=True)
    if problems and title:
        console.print(title, highlight=False)


def _refuse_unless_checked(proj, reset_demo: bool, crm: str) -> None:
    """``steward run`` checks everything first and refuses with the whole list (as ``steward check``)."""
    from steward.sources.preflight import check_project, demo_state_sources, reset_demo_state

    mixed = demo_state_sources(proj)
    if mixed and reset_demo:
        for path in reset_demo_state(proj):
            console.print(f"removed {path}")
    elif mixed:
        held = ", ".join(f"{name} ({n:,} records)" for name, n in sorted(mixed.items()))
        _fail(f"the run state in {proj.data_dir} still holds demo records from {held}; a run on your own sources "
              f"would keep the demo people in the CRM as retired records. Run `steward run --reset-demo` once to "
              f"clear the demo state (data/steward_state.sqlite, data/crm.sqlite, data/steward_snapshot)"
              + (f"; the demo golden records in {crm} must be deleted there by hand" if crm else ""))
    started = time.perf_counter()
    report = check_project(proj)
    _print_problems(report.problems, f"{len(report.errors)} error(s), {len(report.warnings)} warning(s) "
                    f"({time.perf_counter() - started:.1f}s)")
    if not report.ok:
        _fail("nothing was run: fix the errors above (steward check lists them again in seconds)")


@app.command()
def check(
    project: Path = typer.Option(None, help="Project directory holding rules/ (default: found from here)."),
) -> None:
    """Check every rules file and every source against its data, all problems at once.

    Unknown or misspelled keys, consent values nobody mapped, date formats that do not fit the
    data, columns that are not there, extra columns that collide, survivorship naming unknown
    sources. Exit code 1 when there is an error; warnings alone pass."""
    _setup_logging(False)
    logging.getLogger("steward").setLevel(logging.ERROR)
    from steward.sources.preflight import check_project, demo_state_sources, on_demo_sources

    started = time.perf_counter()
    proj = load_project(project)
    report = check_project(proj)
    mixed = demo_state_sources(proj)
    _print_problems(report.problems, "")
    if mixed:
        console.print(f"[yellow]warning[/]: the run state holds demo records from {sorted(mixed)}; "
                      "`steward run --reset-demo` clears it", highlight=False)
    checked = ", ".join(f"{name} ({n:,} rows)" for name, n in report.rows.items()) or (
        "no sources read (demo data)" if on_demo_sources(proj) else "no sources read")
    console.print(f"checked {proj.rules_dir}: {checked}; {len(report.errors)} error(s), {len(report.warnings)} "
                  f"warning(s) in {time.perf_counter() - started:.1f}s", highlight=False)
    if not report.ok:
        raise typer.Exit(code=1)


sources_app = typer.Typer(help="Describe where contact data comes from.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")


@sources_app.command("detect")
def sources_detect(
    file: Path = typer.Argument(..., help="An export (CSV or Excel) to describe."),
    name: str = typer.Option(None, help="Source name for the block (default: from the file name)."),
    project: Path = typer.Option(None, help="Project directory holding rules/ (default: found from here)."),
) -> None:
    """Propose a rules/sources.yaml block for FILE: the preset its header fits and the columns left over."""
    from steward.sources.detect import fit_presets, proposed_block, read_header

    if not file.is_file():
        _fail(f"{file}: file not found")
    proj = load_project(project)
    header = read_header(file)
    fits = fit_presets(header, proj.rules_dir)
    best = fits[0] if fits and fits[0].found and fits[0].score >= 1.4 else None
    for fit in fits[:3]:
        console.print(f"{fit.preset:24} {len(fit.found):3} columns match"
                      f"{'' if fit.has_id else ', no id column'}", highlight=False)
    from steward.config.sources import source_name_for

    source = name or source_name_for(file)
    if best is None:
        console.print("no preset fits this header: map its columns yourself (rules/demo_sources.yaml shows every option)")
    typer.echo("sources:")
    typer.echo(proposed_block(file, header, best, source))


@app.command("demo-data")
def demo_data(
    out: Path = typer.Option(..., "--out", "-o", help="Directory to write the demo exports into."),
    entities: int = typer.Option(2000, help="Number of distinct people behind the records."),
    seed: int = typer.Option(42, help="Random seed (same seed, same files)."),
) -> None:
    """Write four messy source exports, the same records in canonical columns, and a ground truth."""
    from steward.demo import generate_demo_data, write_canonical

    files = generate_demo_data(out, entities=entities, seed=seed)
    canonical = write_canonical(out)
    for name, path in {**files, **canonical}.items():
        typer.echo(f"{name:24s} {path}")


@app.command()
def export(
    fmt: str = typer.Option(..., "--format", "-f", help="hubspot | salesforce | mailchimp | csv | parquet"),
    from_dir: Path = typer.Option(None, "--from", help="A `steward dedupe --out` directory to export (default: the "
                                  "CRM database `steward run` publishes to)."),
    crm: str = typer.Option("", help="SQLAlchemy URL of that CRM database (default: the project's data/crm.sqlite)."),
    source: str = typer.Option(None, help="hubspot/salesforce: the source whose record ids are that CRM's ids "
                               "(default: the source named hubspot / salesforce)."),
    out: Path = typer.Option(None, "--out", "-o", help="Directory to write into (default: data/export/<format>/ "
                             "in the project)."),
    project: Path = typer.Option(None, help="Project directory (default: found from here)."),
) -> None:
    """Golden records in a CRM's import format: HubSpot and Salesforce updates and merge lists, a Mailchimp
    unsubscribe list of everyone opted out, or the golden table and crosswalk as CSV / Parquet
    (docs/crm-export.md gives each vendor's import steps)."""
    from steward.publish import crm_files

    fmt = fmt.strip().lower()
    if fmt not in crm_files.FORMATS:
        _fail(f"--format {fmt!r}: choose one of {', '.join(crm_files.FORMATS)}")
    if from_dir is not None and crm:
        _fail("--from and --crm: export one or the other")
    if source and fmt not in ("hubspot", "salesforce"):
        _fail(f"--source is for the hubspot and salesforce formats, not {fmt}")
    proj = load_project(project)
    try:
        data = crm_files.read_dedupe_dir(from_dir) if from_dir is not None else \
            crm_files.read_crm(crm or proj.default_crm_url)
        result = crm_files.build_export(data, fmt, source)
    except (ConfigError, ValueError) as exc:
        _fail(str(exc))
    target = out if out is not None else proj.data_dir / "export" / fmt
    typer.echo(f"{fmt} export of {len(data.golden):,} golden records from {data.origin}:")
    for path, rows in crm_files.write_export(result, target):
        typer.echo(f"  {rows:>9,} rows  {path}")
    for note in result.notes:
        typer.echo(f"  note: {note}")


def main() -> None:  # pragma: no cover - console entry point
    try:
        app()
    except (ConfigError, SourceError) as exc:
        console.print(f"[bold red]error:[/] {exc}")
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()
