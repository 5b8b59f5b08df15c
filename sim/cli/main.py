"""The ``regsim`` command line (click).

Every input file is validated on load; a bad file prints one line naming the file, the
key and what is allowed, and exits with code 2 (no traceback, nothing written).
"""

from __future__ import annotations

import functools
import json
import sys
import textwrap
from pathlib import Path

import click

from sim.cli.types import (MAX_DEAL, MAX_POINT, MAX_REPLICATIONS, MAX_SEED, MAX_WORKERS,
                           BoundedInt, FiniteFloat, OneLineGroup)
from sim.core.config import ConfigError, as_dict
from sim.law.terms import SOURCES, clause_of, diff_by_clause, load_terms, term_names

#: The shared argument types (sim/cli/types.py): every option of every command uses them.
SEED = BoundedInt(0, MAX_SEED, "the seed's 128 bits")
WORKERS = BoundedInt(0, MAX_WORKERS, "4 per core of this machine")


def _replications(low: int) -> BoundedInt:
    return BoundedInt(low, MAX_REPLICATIONS, "a spec's bound")


def _check_policy(ctx, param, value):
    """--policy: a shipped policy or an importable module:Class, checked before anything
    runs (one line otherwise)."""
    from agents.policies import resolve_policy

    try:
        resolve_policy(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None
    return value


def _one_line_errors(fn):
    """Turn a ConfigError into one line on stderr and exit code 2; Ctrl-C (or a sweep's
    SIGTERM) into one line saying what is kept, exit code 130 (143)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ConfigError as exc:
            click.echo(f"regsim: error: {exc}", err=True)
            sys.exit(2)
        except KeyboardInterrupt as exc:
            click.echo(f"regsim: {exc if str(exc) else 'interrupted'}", err=True)
            sys.exit(getattr(exc, "code", 130))

    return wrapper


@click.group(cls=OneLineGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="regsim")
def main() -> None:
    """Simulate the 2003 BestNet registration-rights agreement, deal by deal."""


# --- terms ---------------------------------------------------------------------------
@main.group()
def terms() -> None:
    """Show or compare negotiated terms (TOML files overriding the bestnet-2003 preset)."""


@terms.command("show")
@click.argument("file", required=False)
@_one_line_errors
def terms_show(file: str | None) -> None:
    """Print the effective terms of FILE (default: the agreement as written) with clauses."""
    t = load_terms(file)
    click.echo(f"# terms: {file or 'bestnet-2003 (the agreement as written)'}")
    for name in term_names():
        c = clause_of(name)
        value = json.dumps(getattr(t, name))
        click.echo(f"{f'{name} = {value}':<40} # {c.section}: {c.words}")


@terms.command("diff")
@click.argument("a")
@click.argument("b")
@_one_line_errors
def terms_diff(a: str, b: str) -> None:
    """Print the terms that differ between A and B (presets or files), clause by clause,
    each with the words it encodes."""
    ta, tb = load_terms(a), load_terms(b)
    groups = diff_by_clause(ta, tb)
    if not groups:
        click.echo("no differences")
        return
    n = sum(len(rows) for _, rows in groups)
    click.echo(f"{a} -> {b}: {n} term{'s' if n != 1 else ''} differ, in "
               f"{len(groups)} clause{'s' if len(groups) != 1 else ''}")
    width = max(len(name) for _, rows in groups for name, *_ in rows)
    vwidth = max(len(json.dumps(va)) for _, rows in groups for _, va, *_ in rows)
    for section, rows in groups:
        click.echo("")
        click.echo(section + ("  (a market term: not in the 2003 agreement)"
                              if section in SOURCES else ""))
        for name, va, vb, words in rows:
            click.echo(f"  {name:<{width}}  {json.dumps(va):>{vwidth}} -> {json.dumps(vb)}")
            click.echo(textwrap.fill(words, 96, initial_indent=" " * 4,
                                     subsequent_indent=" " * 4))


@main.group()
def scenario() -> None:
    """Show scenarios (TOML files overriding the bestnet-2003 scenario)."""


@scenario.command("show")
@click.argument("file", required=False)
@_one_line_errors
def scenario_show(file: str | None) -> None:
    """Print the effective scenario of FILE as JSON."""
    from sim.world.scenario import load_scenario

    click.echo(json.dumps(as_dict(load_scenario(file)), indent=2))


# --- one deal ----------------------------------------------------------------------------
@main.command()
@click.option("--terms", "terms_file", help="Terms TOML (overrides the agreement as written).")
@click.option("--scenario", "scenario_file", help="Scenario TOML (overrides bestnet-2003).")
@click.option("--seed", default=0, show_default=True, type=SEED)
@click.option("--deal", default=0, show_default=True,
              type=BoundedInt(0, MAX_DEAL, "a deal's 64-bit counter word"),
              help="Which deal of the seed's sequence.")
@click.option("--script", "script_file", help="What-if script fixing decisions and draws.")
@click.option("--policy", default="strategic", show_default=True, callback=_check_policy,
              help="How the parties decide: strategic (weighs the terms' costs), scenario (the "
                   "draws), compliant, or module:Class (your own "
                   "subclass of agents.policies.ScenarioPolicy).")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON Lines event log.")
@click.option("--plot", "plot_file", type=click.Path(dir_okay=False),
              help="Also draw the deal as a Gantt chart (.png, .svg or .pdf).")
@_one_line_errors
def timeline(terms_file, scenario_file, seed, deal, script_file, policy, as_json,
             plot_file) -> None:
    """Play one deal and print it day by day with open deadlines and the audit."""
    from sim.read.audit import audit
    from sim.deal.model import run_deal
    from sim.world.scenario import check_against_terms, load_scenario
    from sim.world.script import load_script
    from sim.read.timeline import render

    t, s = load_terms(terms_file), load_scenario(scenario_file)
    check_against_terms(s, t, scenario_file or "bestnet-2003")
    script = None
    if script_file:
        script = load_script(script_file, {i.id for i in s.investors},
                             {o.id for o in s.other_holders})
    if plot_file:
        from experiments.figures.gantt import check_plot_path

        check_plot_path(plot_file)
    from agents.policies import resolve_policy

    try:
        policy_cls = resolve_policy(policy)
    except ValueError as exc:
        raise ConfigError("--policy", "", str(exc)) from None
    log = run_deal(t, s, seed, deal, script=script, policy=policy_cls)
    if as_json:
        click.echo(log.to_jsonl(closing=s.closing_date), nl=False)
    else:
        terms_name = terms_file or "bestnet-2003 (the agreement as written)"
        click.echo(render(log, t, audit(log, t), terms_name=terms_name
                          + (f", script {script_file}" if script_file else ""),
                          scenario_name=scenario_file or "bestnet-2003"), nl=False)
    if plot_file:
        from experiments.figures.gantt import save_gantt, title_of

        title = title_of(log, (terms_file or "bestnet-2003 (the agreement as written)")
                         + (f", script {script_file}" if script_file else ""),
                         scenario_file or "bestnet-2003")
        click.echo(f"wrote {save_gantt(log, t, plot_file, title)}", err=True)


# --- many deals --------------------------------------------------------------------------
@main.command()
@click.option("--terms", "terms_file", help="Terms TOML (overrides the agreement as written).")
@click.option("--scenario", "scenario_file", help="Scenario TOML (overrides bestnet-2003).")
@click.option("--runs", default=10_000, show_default=True, type=_replications(1))
@click.option("--seed", default=0, show_default=True, type=SEED)
@click.option("--out", "out_dir", default="results/run", show_default=True,
              type=click.Path(file_okay=False),
              help="Results folder: shards, manifest, figures (resumable, as a sweep's).")
@click.option("--workers", type=WORKERS, default=None,
              help="Local worker processes (default: all cores; 0: in this process).")
@click.option("--plot/--no-plot", default=True, show_default=True,
              help="Save the figures (who gains what, days to effectiveness, ...).")
@click.option("--policy", default="strategic", show_default=True, callback=_check_policy,
              help="How the parties decide: strategic (weighs the terms' costs), scenario (the "
                   "draws), compliant, or module:Class (your own "
                   "subclass of agents.policies.ScenarioPolicy, importable by the workers).")
@_one_line_errors
def run(terms_file, scenario_file, runs, seed, out_dir, workers, plot, policy) -> None:
    """Monte Carlo of RUNS deals: a one-variant experiment run as a sweep (shards,
    manifest, resume), its summary and figures."""
    import pyarrow

    from experiments.analysis.summary import SUMMARY_COLUMNS, summary_text
    from experiments.execution.spec import run_spec
    from experiments.execution.sweep import MANIFEST, executor_for, load_table, sweep

    from experiments.execution.files import check_writable
    from experiments.execution.folder import check_folder

    exp = run_spec(terms_file, scenario_file, runs, seed, policy)
    check_folder(out_dir)               # someone's files: refused before anything is tried
    out = check_writable(out_dir, "--out")
    try:
        with executor_for(workers) as executor:
            report = sweep(exp, out, executor)
    except OSError as exc:
        raise ConfigError(str(out), "", f"{type(exc).__name__}: {exc}") from None
    rate = f" ({report.rate:,.0f} deals/s)" if report.deals else ""
    kept = (f"; {report.reused} of {report.tasks} tasks kept from an earlier run"
            if report.reused else "")
    failed = f"; {report.errors} failed deals" if report.errors else ""
    corrupt = f"; {report.corrupt} corrupt shards rerun" if report.corrupt else ""
    click.echo(f"regsim run: {runs:,} deals, seed {seed}, {report.seconds:.1f} s{rate}"
               f"{kept}{corrupt}{failed}\n")
    # Only the columns the summary reads: memory stays flat with the number of deals.
    table = load_table(out, exp, columns=SUMMARY_COLUMNS)
    click.echo(summary_text(table, exp.cells[0].scenario.closing_date), nl=False)
    all_failed = bool(table["error"].notna().all())
    del table
    pyarrow.default_memory_pool().release_unused()    # before the figures read theirs
    click.echo(f"\nwrote {out / 'shards'}/ ({report.tasks} shards) and {out / MANIFEST}")
    if plot and all_failed:
        click.echo("no figures: every deal failed")
    elif plot:
        from experiments.figures.plot import plot_results

        for path in plot_results(out):
            click.echo(f"wrote {path}")


# --- sweeps and comparisons --------------------------------------------------------------
def _execution_options(fn):
    """--workers, --dask, --out, --until-ci, --max-replications, --replications."""
    for opt in reversed([
        click.option("--workers", type=WORKERS, default=None,
                     help="Local worker processes (default: all cores; 0: in this process). "
                          "With --dask local: the LocalCluster's workers."),
        click.option("--dask", "dask_address", metavar="ADDRESS",
                     help="Run on a Dask scheduler (tcp://host:8786), or 'local' to start a "
                          "LocalCluster."),
        click.option("--out", "out_dir", type=click.Path(file_okay=False),
                     help="Results folder (default: results/<experiment name>)."),
        click.option("--replications", type=_replications(1),
                     help="Override the spec's replications per variant and point."),
        click.option("--until-ci", "until_ci", type=FiniteFloat(0, low_open=True),
                     metavar="X", help="Add replications (doubling) until every 95% interval "
                     "of the spec's first outcome is narrower than X (its unit)."),
        click.option("--max-replications", type=_replications(1), default=1_000_000,
                     show_default=True, help="Upper bound for --until-ci."),
    ]):
        fn = opt(fn)
    return fn


def _run_sweep(exp, out_dir, workers, dask_address, until_ci, max_replications):
    """Run (or resume) a sweep, extending it for --until-ci; returns (exp, out, table)."""
    from experiments.execution.sweep import (check_dask_address, executor_for, load_table,
                                             sweep)
    from experiments.analysis.tables import widest_interval

    from experiments.execution.files import check_writable
    from experiments.execution.folder import check_folder

    out = Path(out_dir or Path("results") / exp.name)
    check_folder(out)                   # someone's files: refused before anything is tried
    check_writable(out, "--out")
    warning = check_dask_address(dask_address) if dask_address else None
    if warning:
        click.echo(f"regsim: warning: {warning}", err=True)
    try:
        with executor_for(workers, dask_address) as executor:
            while True:
                report = sweep(exp, out, executor)
                click.echo(f"regsim sweep: {exp.name}: {report.tasks} tasks "
                           f"({report.reused} kept, {report.ran} run"
                           + (f", {report.replaced} partial replaced" if report.replaced
                              else "")
                           + (f", {report.corrupt} corrupt shards rerun" if report.corrupt
                              else "")
                           + f"), {report.deals:,} deals in {report.seconds:.1f} s"
                           + (f" ({report.rate:,.0f} deals/s)" if report.deals else "")
                           + (f", {report.errors} failed replications" if report.errors
                              else ""), err=True)
                table = load_table(out, exp)
                if until_ci is None:
                    return exp, out, table
                width = widest_interval(exp, table)
                click.echo(f"  widest 95% interval of {exp.outcomes[0]}: {width:g} at "
                           f"{exp.replications:,} replications (target < {until_ci:g})",
                           err=True)
                if width < until_ci:
                    return exp, out, table
                if exp.replications >= max_replications:
                    click.echo(f"  stopped at --max-replications {max_replications:,} "
                               "before reaching the target", err=True)
                    return exp, out, table
                exp = exp.with_replications(min(2 * exp.replications, max_replications),
                                           source="--max-replications")
    except OSError as exc:
        raise ConfigError("--dask" if dask_address else str(out), "",
                          f"{type(exc).__name__}: {exc}") from None


@main.command("sweep")
@click.argument("spec_file", metavar="SPEC")
@_execution_options
@_one_line_errors
def sweep_cmd(spec_file, workers, dask_address, out_dir, replications, until_ci,
              max_replications) -> None:
    """Run the experiment SPEC (resumable): Parquet shards and a manifest in
    results/<name>/, then its comparison or design table."""
    from experiments.execution.spec import load_spec
    from experiments.analysis.tables import comparison_text, sensitivity_text

    exp = load_spec(spec_file)
    if replications:
        exp = exp.with_replications(replications)
    exp, out, table = _run_sweep(exp, out_dir, workers, dask_address, until_ci,
                                 max_replications)
    click.echo(f"results: {out}/ ({len(table):,} rows)\n")
    click.echo(sensitivity_text(exp, table) if exp.parameters
               else comparison_text(exp, table), nl=False)


@main.command("sensitivity")
@click.argument("spec_file", metavar="SPEC")
@click.option("--workers", type=WORKERS, default=None,
              help="Local worker processes (default: all cores; 0: in this process). "
                   "With --dask local: the LocalCluster's workers.")
@click.option("--dask", "dask_address", metavar="ADDRESS",
              help="Run on a Dask scheduler (tcp://host:8786), or 'local' to start a "
                   "LocalCluster.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Results folder (default: results/<experiment name>).")
@click.option("--replications", type=_replications(3),
              help="Override the spec's replications per variant and point.")
@click.option("--until-ci", "until_ci", type=FiniteFloat(0, low_open=True), metavar="X",
              help="Add base samples or replications (the stopping rule; at most twice "
                   "as many per step) until every first and total index's and chance "
                   "share's 95% interval is within +/-X.")
@click.option("--max-deals", type=_replications(1), default=1_000_000, show_default=True,
              help="Upper bound of the deals --until-ci may run in all.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the indices as JSON (as written to sensitivity.json), and "
                   "nothing else on stdout.")
@_one_line_errors
def sensitivity_cmd(spec_file, workers, dask_address, out_dir, replications, until_ci,
                    max_deals, as_json) -> None:
    """Which parameters drive the outcomes, and how much is chance: Sobol' indices
    (design method saltelli) or Morris screening (morris) of the spec's [sensitivity]
    outcomes and paired differences, with intervals and the chance share. Runs or
    resumes the sweep (results/<name>/), prints a table per outcome and writes
    sensitivity.csv and sensitivity.json beside the shards."""
    from experiments.analysis import discovery
    from experiments.analysis import sensitivity as sa
    from experiments.execution.files import check_writable
    from experiments.execution.folder import check_folder
    from experiments.execution.spec import SENSITIVITY_METHODS, load_spec
    from experiments.execution.sweep import (check_dask_address, difference, executor_for,
                                             load_table, sweep)
    from experiments.sensitivity.stopping import advise

    say = functools.partial(click.echo, err=True)
    exp = load_spec(spec_file)
    if exp.design_method not in SENSITIVITY_METHODS:
        raise ConfigError(exp.source, "design.method", f"{exp.design_method or 'no design'}"
                          "; a sensitivity study needs method 'saltelli' (Sobol' indices) "
                          "or 'morris' (screening), and a [sensitivity] section")
    if until_ci is not None and exp.design_method != "saltelli":
        raise ConfigError("--until-ci", "", "needs a 'saltelli' design (Sobol' indices with "
                          f"intervals); {exp.source} is a morris design")
    if replications:
        exp = exp.with_replications(replications)
    out = Path(out_dir or Path("results") / exp.name)
    old = check_folder(out)
    base0, reps0 = (exp.design.base, exp.replications)
    if old is not None and exp.design_method == "saltelli":
        # an earlier --until-ci left more: resume from there, nothing run again
        held = old.get("spec", {}).get("design", {}).get("base")
        if isinstance(held, int) and held > exp.design.base:
            try:
                grown = exp.with_base(held, str(out))
            except ConfigError:
                grown = None
            if grown is not None and difference(grown, old) is None:
                exp = grown
        if not replications and isinstance(old.get("replications"), int) \
                and old["replications"] > exp.replications:
            exp = exp.with_replications(old["replications"], str(out))
        if (exp.design.base, exp.replications) != (base0, reps0):
            say(f"regsim sensitivity: {out} holds {exp.design.base} base samples x "
                f"{exp.replications} replications (an earlier --until-ci): resuming there")
    check_writable(out, "--out")
    warning = check_dask_address(dask_address) if dask_address else None
    if warning:
        say(f"regsim: warning: {warning}")
    try:
        with executor_for(workers, dask_address) as executor:
            while True:
                report = sweep(exp, out, executor)
                say(f"regsim sensitivity: {exp.name}: {len(exp.points):,} points x "
                    f"{len(exp.variants)} variants x {exp.replications:,} replications: "
                    f"{report.tasks} tasks ({report.reused} kept, {report.ran} run), "
                    f"{report.deals:,} deals in {report.seconds:.1f} s")
                table = load_table(out, exp, columns=discovery.columns(exp))
                results = sa.analyse(exp, table)
                if until_ci is None:
                    break
                base, reps = exp.design.base, exp.replications
                advice = advise(sa.estimates(results), until_ci, base, reps)
                say(f"  {advice.line()}")
                if advice.enough:
                    break
                # at most double each per step: the rule's model of the variance is
                # rough, so it is asked again after each step
                new_base = min(advice.base, 2 * base)
                new_reps = min(advice.replications, 2 * reps)
                if new_reps > reps and exp.task_size <= reps:
                    # whole tasks: the shards of the earlier replications are kept
                    new_reps = -(-new_reps // exp.task_size) * exp.task_size
                deals = (len(exp.points) // base * new_base * len(exp.variants)
                         * new_reps)
                if deals > max_deals:
                    say(f"  stopped: the next step runs {deals:,} deals in all, over "
                        f"--max-deals {max_deals:,}")
                    break
                try:
                    if new_base != base:
                        exp = exp.with_base(new_base)
                    if new_reps != reps:
                        exp = exp.with_replications(new_reps, "--until-ci")
                except ConfigError as exc:
                    say(f"  stopped: {exc.problem}")
                    break
    except OSError as exc:
        raise ConfigError(str(out), "", f"{type(exc).__name__}: {exc}") from None
    found = discovery.find(exp, table)
    found_json = discovery.to_json(found) if found else None
    table_rows = sa.rows(exp, results)
    csv_path, json_path = sa.write_tables(out, exp, table_rows, found_json)
    if as_json:
        click.echo(sa.to_json(exp, table_rows, found_json), nl=False)
    else:
        click.echo(sa.text(exp, results), nl=False)
        click.echo(discovery.text(found), nl=False)
    say(f"wrote {out}/ (shards/, manifest.json) and {csv_path.name}, {json_path.name}")


@main.command("compare")
@click.argument("files", nargs=-1, required=True, metavar="SPEC | A.toml B.toml")
@click.option("--runs", type=_replications(2), default=10_000, show_default=True,
              help="Replications for A.toml B.toml (a spec sets its own).")
@click.option("--seed", type=SEED, default=0, show_default=True,
              help="Root seed for A.toml B.toml.")
@_execution_options
@click.option("--replace", is_flag=True,
              help="If the results folder holds another experiment's results, delete them "
                   "and run this one there (says what was replaced).")
@click.option("--json", "as_json", is_flag=True,
              help="Print the comparison as JSON (as written to comparison.json), and "
                   "nothing else on stdout.")
@_one_line_errors
def compare_cmd(files, runs, seed, workers, dask_address, out_dir, replications, until_ci,
                max_replications, replace, as_json) -> None:
    """Paired comparison of variants against the base, with CIs.

    With one SPEC: its variants (the sweep runs or resumes first; default folder
    results/<name>). With two terms files A and B: B against A on the same random futures
    (--runs, --seed), labelled by file name, in results/compare-A-vs-B-<digest>, where the
    digest keys the folder by what the results depend on (the terms, the scenario, the
    seed, the policy): edit B and run again, and the earlier results are kept beside.
    Prints the terms that differ, the table, and where it wrote; the table is also
    written as comparison.csv and comparison.json into the results folder.
    """
    from experiments.analysis.tables import (comparison_json, comparison_rows,
                                             comparison_text, terms_differences,
                                             write_comparison)
    from experiments.execution.files import check_writable
    from experiments.execution.folder import check_folder, replace_results
    from experiments.execution.spec import keyed_folder, load_spec, two_terms_spec
    from experiments.execution.sweep import difference

    say = functools.partial(click.echo, err=as_json)     # stdout holds only the JSON
    if len(files) == 1:
        exp = load_spec(files[0])
    elif len(files) == 2:
        exp = two_terms_spec(files[0], files[1], runs, seed)
        if out_dir is None:
            out_dir = str(keyed_folder(exp))
    else:
        raise ConfigError("compare", "", "give one SPEC, or two terms files A.toml B.toml")
    if replications:
        exp = exp.with_replications(replications)
    out = Path(out_dir or Path("results") / exp.name)
    old = check_folder(out)
    why = difference(exp, old) if old is not None else None
    if why is not None:
        if not replace:
            raise ConfigError(str(out), "", f"holds results of a different experiment "
                              f"({why}); choose another --out, or add --replace to replace "
                              "them (nothing in this one was changed)")
        check_writable(out, "--out")
        shards = replace_results(out)
        click.echo(f"regsim compare: replaced the results in {out}: {old.get('name')} "
                   f"({why}), {shards} shards deleted", err=True)
    differences = terms_differences(exp)
    say(_differences_text(exp, differences))
    exp, out, table = _run_sweep(exp, str(out), workers, dask_address, until_ci,
                                 max_replications)
    rows = comparison_rows(exp, table)
    text = comparison_json(exp, rows, differences)
    csv, js = write_comparison(out, rows, text)
    if as_json:
        click.echo(text, nl=False)
    else:
        for point, values in enumerate(exp.points):
            if values:
                click.echo("design point " + str(point) + ": "
                           + ", ".join(f"{k} = {v!r}" for k, v in values.items()))
            click.echo(comparison_text(exp, table, point, rows))
    say(f"wrote {out}/ (shards/, manifest.json) and its tables {csv.name}, {js.name}")


def _differences_text(exp, differences: list[dict]) -> str:
    """The terms each variant changes against the base (``regsim terms diff``'s facts:
    the term, its clause, the base's value and the variant's), one line each."""
    base = exp.variants[0].label
    lines = []
    for v in exp.variants[1:]:
        mine = [d for d in differences if d["variant"] == v.name]
        n = len(mine)
        lines.append(f"terms that differ, {v.label} against {base}: " + (
            f"{n} term{'s' if n != 1 else ''}" if n else "none"))
        width = max((len(d["term"]) for d in mine), default=0)
        for d in mine:
            lines.append(f"  {d['clause']:<8} {d['term']:<{width}}  "
                         f"{json.dumps(d['base'], default=str)} -> "
                         f"{json.dumps(d['value'], default=str)}")
    return "\n".join(lines) + "\n"


# --- plots and report ----------------------------------------------------------------------
_POINT = click.option("--point", type=BoundedInt(0, MAX_POINT, "a design's points"),
                      default=0, show_default=True,
                      help="Design point of the comparison figures and headline numbers.")


@main.command("plot")
@click.argument("results_dir", metavar="RESULTS_DIR", type=click.Path(file_okay=False))
@click.option("-o", "--out", "fig_dir", type=click.Path(file_okay=False),
              help="Where to write the figures (default: RESULTS_DIR/figures).")
@_POINT
@_one_line_errors
def plot_cmd(results_dir, fig_dir, point) -> None:
    """Every figure a sweep's saved results support, as PNG and SVG (never re-runs)."""
    from experiments.figures.plot import plot_results

    for path in plot_results(results_dir, fig_dir, point):
        click.echo(f"wrote {path}")


@main.command("report")
@click.argument("results_dir", metavar="RESULTS_DIR", type=click.Path(file_okay=False))
@click.option("-o", "--out", "target", required=True, type=click.Path(dir_okay=False),
              help="The report: report.html (one self-contained page) or report.pdf "
                   "(the same page printed on A4; needs Pango).")
@_POINT
@_one_line_errors
def report_cmd(results_dir, target, point) -> None:
    """The comparison report of a sweep's saved results: terms that differ, headline
    numbers with CIs and paired differences, every figure, and the manifest facts."""
    from experiments.report.write import write_report

    click.echo(f"wrote {write_report(results_dir, target, point)}")


# --- contract lint -------------------------------------------------------------------------
@main.command("lint")
@click.argument("terms_file", metavar="[TERMS]", required=False)
@click.option("--scenario", "scenario_file", help="Scenario TOML (overrides bestnet-2003).")
@click.option("--runs", default=0, show_default=True, type=_replications(0),
              help="Deals per reading to price each finding (0: the static check only).")
@click.option("--seed", default=0, show_default=True, type=SEED)
@click.option("--quantile", default=0.999, show_default=True,
              type=FiniteFloat(0.5, 1.0, low_open=True, high_open=True),
              help="Quantile bounding unbounded latency and delay distributions.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--fail-on", "fail_on", default="error", show_default=True,
              type=click.Choice(["error", "warning", "info", "never"]),
              help="Exit with status 1 when a finding is at least this severe.")
@_one_line_errors
def lint_cmd(terms_file, scenario_file, runs, seed, quantile, as_json, fail_on) -> None:
    """Gaps and contradictions of the agreement under TERMS (default: as written), with the
    clause and switch of each; with --runs, how often each bites and what each reading costs.

    Exit status, as linters have it: 1 when a finding is at least as severe as --fail-on
    (default: an error), 0 otherwise, 2 for a bad input."""
    from tqdm import tqdm

    from experiments.lint.pricing import deals_to_play, price, render_text, to_json
    from experiments.lint.core import SEVERITY_ORDER
    from experiments.lint.linter import lint
    from sim.world.scenario import check_against_terms, load_scenario

    t, s = load_terms(terms_file), load_scenario(scenario_file)
    check_against_terms(s, t, scenario_file or "bestnet-2003")
    report = lint(t, s, quantile)
    pricing = None
    if runs:
        with tqdm(total=deals_to_play(report, runs), unit="deal", disable=None,
                  file=sys.stderr) as bar:
            pricing = price(report, t, s, seed, runs, progress=bar.update)
    labels = (terms_file or "bestnet-2003 (the agreement as written)",
              scenario_file or "bestnet-2003")
    if as_json:
        click.echo(json.dumps(to_json(report, *labels, pricing), indent=2))
    else:
        click.echo(render_text(report, *labels, pricing), nl=False)
    if fail_on != "never" and any(SEVERITY_ORDER[f.severity] <= SEVERITY_ORDER[fail_on]
                                  for f in report.findings):
        sys.exit(1)



# --- calibration ---------------------------------------------------------------------------
@main.command("calibration")
@click.option("--terms", "terms_file", help="Terms TOML (overrides the agreement as written).")
@click.option("--scenario", "scenario_file", help="Scenario TOML (overrides bestnet-2003).")
@click.option("--deals", default=20_000, show_default=True, type=_replications(1))
@click.option("--seed", default=0, show_default=True, type=SEED)
@_one_line_errors
def calibration_cmd(terms_file, scenario_file, deals, seed) -> None:
    """Check the scenario against the issuer's own resale statements and the SEC's review
    figures; exit status 1 if one of the statements is an implausible outcome."""
    from tqdm import tqdm

    from experiments.analysis.calibration import calibrate, report_text
    from sim.world.scenario import check_against_terms, load_scenario

    t, s = load_terms(terms_file), load_scenario(scenario_file)
    check_against_terms(s, t, scenario_file or "bestnet-2003")
    with tqdm(total=deals, unit="deal", disable=None, file=sys.stderr) as bar:
        facts, stats = calibrate(t, s, seed, deals, progress=bar.update)
    click.echo(f"regsim calibration: terms {terms_file or 'bestnet-2003 (the agreement as written)'}, "
               f"scenario {scenario_file or 'bestnet-2003'}")
    click.echo(report_text(facts, stats, deals, seed), nl=False)
    if not all(c.plausible for c in facts):
        sys.exit(1)

if __name__ == "__main__":  # pragma: no cover
    main()
