"""One deal's timeline as a Gantt chart, read from its event log.

Lanes are the periods the agreement creates -- the Demand Notice in transit, the time
to the Company Notice, the joinder and filing windows (§1(a)), a §1(d) delay and §1(c)
cooldowns, the Commission's review, the effectiveness period with its suspensions
(§2), and each Company offering with its piggy-back window (§3(a)) -- each labelled
with its clause. Deadlines are vertical lines (Company Notice due, filing deadline,
effectiveness target, delay cap); comment letters, answers, late requests, missed
deadlines and cutbacks are markers. Everything comes from the log and the terms, so a
saved log (``regsim timeline --json``) draws the same chart as a fresh run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from experiments.figures.style import PNG_DPI, WIDE, themed
from sim.core import dates
from sim.engine import events as ev
from sim.core.config import ConfigError
from experiments.execution.files import check_writable, write_atomic, write_error
from sim.read.outcomes import investor_cutbacks
from sim.law.terms import Terms

#: Bar colours by kind of period.
COLORS = {"notice": "#4C72B0", "window": "#8BC58F", "hold": "#DD8452", "review": "#8172B3",
          "effective": "#2E8B57", "offering": "#A08B6C", "late": "#C44E52",
          "suspended": "#FFFFFF"}
KIND_LABELS = {"notice": "notice period", "window": "window", "hold": "delay / cooldown",
               "review": "Commission review", "effective": "effectiveness period",
               "offering": "Company offering", "late": "late / empty / withdrawn",
               "suspended": "sales suspended (§2)"}
#: Marker style of each kind of point event: (marker, colour, legend label).
MARKS = {"comment": ("v", "#FFD166", "comment letter (§2(a))"),
         "response": ("^", "white", "Company's answer (§1(a))"),
         "rejected": ("X", "#C44E52", "request too late"),
         "missed": ("X", "#8B0000", "deadline missed / target missed (§1(a))"),
         "cutback": ("D", "black", "underwriter cutback (§3(c), §1(b))"),
         "refused": ("X", "black", "demand refused"),
         "filed": ("|", "black", "statement / offering filed")}
#: Line styles of deadline kinds.
DEADLINE_STYLES = {"Company Notice due": ("#4C72B0", ":"), "filing deadline": ("0.25", "--"),
                   "effectiveness target": ("firebrick", "--"), "delay cap": ("#DD8452", "-.")}


@dataclass(frozen=True)
class Bar:
    """A period on one lane."""

    lane: str
    clause: str
    start: float
    end: float
    kind: str


@dataclass(frozen=True)
class Mark:
    """A point event on one lane."""

    lane: str
    clause: str
    day: float
    kind: str


@dataclass(frozen=True)
class Note:
    """A short text next to a lane (an empty window, who was cut back)."""

    lane: str
    day: float
    text: str


@dataclass(frozen=True)
class Deadline:
    """A deadline: a vertical line."""

    day: float
    what: str
    clause: str
    cycle: int


@dataclass
class Chart:
    """What the Gantt chart draws."""

    bars: list[Bar] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    end: float = 0.0
    closing: date | None = None     # day 0's date, from the log's DEAL_CLOSED


def _lane(name: str, cycle: int) -> str:
    return name if cycle == 0 else f"{name} (demand {cycle + 1})"


class _Builder:
    """Walks the log once, opening and closing periods."""

    def __init__(self, terms: Terms) -> None:
        self.t = terms
        self.c = Chart()
        # Periods begun but not ended: key -> (start, lane, clause, kind).
        self.open: dict[tuple, tuple[float, str, str, str]] = {}
        self.late_notice: set[int] = set()

    def start(self, key: tuple, day: float, lane: str, clause: str, kind: str) -> None:
        self.open[key] = (day, lane, clause, kind)

    def close(self, key: tuple, day: float, kind: str | None = None) -> None:
        if key in self.open:
            start, lane, clause, k = self.open.pop(key)
            self.c.bars.append(Bar(lane, clause, start, day, kind or k))

    def bar(self, lane: str, clause: str, start: float, end: float, kind: str) -> None:
        self.c.bars.append(Bar(lane, clause, start, end, kind))

    def mark(self, lane: str, clause: str, day: float, kind: str) -> None:
        self.c.marks.append(Mark(lane, clause, day, kind))

    def deadline(self, day: float, what: str, clause: str, cycle: int) -> None:
        self.c.deadlines.append(Deadline(day, what, clause, cycle))

    def event(self, e: ev.Event) -> None:
        handler = getattr(self, f"on_{e.kind.lower()}", None)
        if handler is not None:
            handler(e, e.details.get("cycle", 0))

    # --- the demand path (§1(a)) ---------------------------------------------------
    def on_demand_sent(self, e, c):
        self.start(("demand", c), e.day, _lane("Demand Notice in transit", c), "§1(a), §8(a)",
                   "notice")

    def on_demand_received(self, e, c):
        self.close(("demand", c), e.day)
        self.start(("company_notice", c), e.day, _lane("Company Notice", c), "§1(a)", "notice")
        self.deadline(e.day + self.t.promptly_days, "Company Notice due", "§1(a)", c)

    def on_demand_refused(self, e, c):
        self.close(("company_notice", c), e.day, "late")
        self.mark(_lane("Company Notice", c), "§1(a)", e.day, "refused")

    def on_company_notice_given(self, e, c):
        self.close(("company_notice", c), e.day)
        self.start(("joinder", c), e.day, _lane("Joinder window", c), "§1(a)", "window")

    def on_company_notice_late(self, e, c):
        self.late_notice.add(c)

    def on_joinder_window_closed(self, e, c):
        self.close(("joinder", c), e.day)

    def on_joinder_rejected(self, e, c):
        self.mark(_lane("Joinder window", c), "§1(a)", e.day, "rejected")

    def day(self, day: int) -> str:
        """``day 67 (5 Jun 2003)``: a day as a note names it."""
        return (f"day {day} ({dates.short_label(day, self.c.closing)})" if self.c.closing
                else f"day {day}")

    def on_deal_closed(self, e, c):
        self.c.closing = dates.parse_iso(e.details.get("closing_date"))

    def on_filing_window_set(self, e, c):
        floor, deadline = e.details["floor"], e.details["deadline"]
        lane = _lane("Filing window (floor to deadline)", c)
        if floor <= deadline:
            self.bar(lane, "§1(a)", floor, deadline + 1, "window")
        else:                                   # an empty window: floor after deadline
            self.bar(lane, "§1(a)", deadline, floor, "late")
            self.c.notes.append(Note(lane, floor, f"empty: floor {self.day(floor)} after "
                                                  f"deadline {self.day(deadline)}"))
        self.deadline(deadline, "filing deadline", "§1(a)", c)

    def on_filing_deadline_missed(self, e, c):
        self.mark(_lane("Filing window (floor to deadline)", c), "§1(a)", e.day, "missed")

    # --- holds (§1(c), §1(d)) --------------------------------------------------------
    def on_delay_invoked(self, e, c):
        self.start(("delay", c), e.day, _lane("Delay", c), "§1(d)", "hold")

    def on_delay_ended(self, e, c):
        self.close(("delay", c), e.day)
        self.deadline(e.details["cap_day"], "delay cap", "§1(d)", c)

    def on_cooldown_applied(self, e, c):
        self.bar(_lane("Cooldown", c), "§1(c)", e.day, e.details["until"], "hold")

    # --- review and effectiveness (§2) -------------------------------------------------
    def on_statement_filed(self, e, c):
        self.start(("review", c), e.day, _lane("Filed, under review", c), "§2(a)", "review")
        self.mark(_lane("Filed, under review", c), "§2(a)", e.day, "filed")
        self.deadline(e.day + self.t.effectiveness_target_days, "effectiveness target",
                      "§1(a)", c)

    def on_comments_received(self, e, c):
        self.mark(_lane("Filed, under review", c), "§2(a)", e.day, "comment")

    def on_response_filed(self, e, c):
        self.mark(_lane("Filed, under review", c), "§1(a)", e.day, "response")

    def on_target_missed(self, e, c):
        self.mark(_lane("Filed, under review", c), "§1(a)", e.day, "missed")

    def on_statement_effective(self, e, c):
        self.close(("review", c), e.day)
        self.start(("effective", c), e.day, _lane("Effectiveness period", c), "§2(b), §2(e)",
                   "effective")

    def on_statement_withdrawn(self, e, c):
        self.close(("review", c), e.day, "late")
        self.close(("effective", c), e.day, "late")

    def on_sales_suspended(self, e, c):
        self.start(("suspended", c), e.day, _lane("Effectiveness period", c), "§2",
                   "suspended")

    def on_sales_resumed(self, e, c):
        self.close(("suspended", c), e.day)

    def on_effectiveness_ended(self, e, c):
        self.close(("suspended", c), e.day)
        self.close(("effective", c), e.day)

    # --- Company offerings (§3) ------------------------------------------------------
    def _offering_lane(self, e) -> str:
        return f"Company offering {e.details['offering']}"

    def on_offering_planned(self, e, c):
        self.start(("offering", e.details["offering"]), e.day,
                   f"{self._offering_lane(e)} ({e.details['type'].replace('_', ' ')})",
                   "§1(d), §3", "offering")

    def on_offering_filed(self, e, c):
        lane = self.open.get(("offering", e.details["offering"]))
        if lane:
            self.mark(lane[1], "§3", e.day, "filed")

    def on_offering_effective(self, e, c):
        self.close(("offering", e.details["offering"]), e.day)

    def on_offering_withdrawn(self, e, c):
        self.close(("offering", e.details["offering"]), e.day, "late")

    def on_registration_notice_given(self, e, c):
        self.bar(f"Piggy-back window {e.details['offering']}", "§3(a)", e.day,
                 e.details["last_day"] + 1, "window")

    def on_piggyback_rejected(self, e, c):
        self.mark(f"Piggy-back window {e.details['offering']}", "§3(a)", e.day, "rejected")

    def on_cutback_applied(self, e, c):
        reg = e.details["registration"]
        if reg.startswith("demand-"):
            lane = _lane("Filed, under review", int(reg.split("-")[1]))
        else:
            lane = next((b[1] for k, b in self.open.items() if k == ("offering", reg)),
                        f"Company offering {reg}")
        self.mark(lane, e.clause, e.day, "cutback")
        note = _cutback_note(e)
        if note:
            self.c.notes.append(Note(lane, e.day, note))

    def on_deal_ended(self, e, c):
        self.c.end = e.day

    def finish(self) -> Chart:
        end = self.c.end
        for key in list(self.open):                  # periods still open at the end
            self.close(key, end)
        self.c.bars = [Bar(b.lane, b.clause, b.start, b.end, "late")
                       if b.lane.startswith("Company Notice") and b.kind == "notice"
                       and _cycle_of(b.lane) in self.late_notice else b for b in self.c.bars]
        return self.c


def _cycle_of(lane: str) -> int:
    return int(lane.rsplit("(demand ", 1)[1].rstrip(")")) - 1 if "(demand " in lane else 0


def chart_of(log: Iterable[ev.Event], terms: Terms) -> Chart:
    """The bars, marks and deadlines of one deal's log."""
    b = _Builder(terms)
    events = list(log)
    for e in events:
        b.event(e)
    if not b.c.end and events:
        b.c.end = events[-1].day
    return b.finish()


def _cutback_note(e: ev.Event) -> str:
    """Who one cutback cut, per Investor (:func:`sim.read.outcomes.investor_cutbacks`):
    ``cut: inv01 48%, inv06 48% (+5)``; empty when no Investor lost shares."""
    rows = [r for r in investor_cutbacks([e]) if r["cutback_fraction"] > 0]
    if not rows:
        return ""
    rows.sort(key=lambda r: -r["cutback_fraction"])
    parts = [f"{r['investor']} {r['cutback_fraction']:.0%}" for r in rows[:3]]
    more = f" (+{len(rows) - 3})" if len(rows) > 3 else ""
    return "cut: " + ", ".join(parts) + more


def _lanes(chart: Chart) -> list[tuple[str, str]]:
    """Lanes (name, clause) in order of their first day; a lane's clause is that of its
    first period (a suspension inside an effectiveness period does not name the lane)."""
    first: dict[str, tuple[float, str]] = {}
    bars = sorted(chart.bars, key=lambda b: (b.kind == "suspended", b.start))
    for lane, day, clause in ([(b.lane, b.start, b.clause) for b in bars]
                              + [(m.lane, m.day, m.clause) for m in chart.marks]):
        if lane not in first:
            first[lane] = (day, clause)
        elif day < first[lane][0]:
            first[lane] = (day, first[lane][1])
    return [(lane, clause) for lane, (_d, clause) in sorted(first.items(),
                                                            key=lambda kv: kv[1][0])]


def gantt_figure(log: Iterable[ev.Event], terms: Terms, title: str = "") -> Figure:
    """The deal's Gantt chart.

    Args:
        log: The deal's event log (a fresh run or ``EventLog.from_jsonl``).
        terms: The terms the deal ran under (for the deadlines the log implies).
        title: The figure title (default: :func:`title_of` the log, without the names of
            the terms and the scenario, which the log does not hold).
    """
    events = list(log)
    chart = chart_of(events, terms)
    lanes = _lanes(chart)
    row = {lane: i for i, (lane, _c) in enumerate(lanes)}
    with themed():
        fig = Figure(figsize=(WIDE, 2.6 + 0.42 * len(lanes)), layout="constrained")
        ax = fig.subplots()
        _draw_bars(ax, chart, row)
        handles = _draw_marks(ax, chart, row) + _draw_deadlines(ax, chart, chart.closing)
        _draw_notes(ax, chart, row)
        ax.set_yticks(range(len(lanes)), [f"{lane}  {clause}" for lane, clause in lanes],
                      fontsize=10)
        ax.set_ylim(len(lanes) - 0.4, -0.6)
        ax.set_xlim(0, max(chart.end, 1) * 1.01)
        ax.grid(axis="y", visible=False)
        _date_axis(ax, chart)
        kinds = sorted({b.kind for b in chart.bars}, key=list(COLORS).index)
        handles = [Patch(facecolor=COLORS[k], edgecolor="0.3",
                         hatch="////" if k == "suspended" else None, label=KIND_LABELS[k])
                   for k in kinds] + handles
        fig.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=9)
        ax.set_title(title or title_of(events), loc="left", fontsize=12)
    return fig


def title_of(log: Iterable[ev.Event], terms_name: str = "", scenario_name: str = "") -> str:
    """The chart's title: the deal and its seed, the terms, the scenario and the closing.

    ``Deal 8557 of seed 2024, closing Sun 30 Mar 2003 (day 0)`` and, on a second line,
    ``terms: bestnet-2003; scenario: bestnet-2003``: the deal from the log's DEAL_CLOSED,
    the names as given (left out when empty).
    """
    closed = next((e for e in log if e.kind == ev.DEAL_CLOSED), None)
    head = ("One deal's timeline" if closed is None else
            f"Deal {closed.details['deal']} of seed {closed.details['seed']}")
    closing = dates.parse_iso(closed.details.get("closing_date")) if closed else None
    if closing is not None:
        head += f", closing {dates.label(0, closing)} (day 0)"
    names = ([f"terms: {terms_name}"] if terms_name else []) + (
        [f"scenario: {scenario_name}"] if scenario_name else [])
    return head + ("\n" + "; ".join(names) if names else "")


def _draw_bars(ax, chart: Chart, row: dict[str, int]) -> None:
    for b in chart.bars:
        width = max(b.end - b.start, 1.0)          # a same-day period still shows
        if b.kind == "suspended":
            ax.broken_barh([(b.start, width)], (row[b.lane] - 0.17, 0.34),
                           facecolors="white", edgecolors="0.2", hatch="////", lw=0.6,
                           zorder=3)
        else:
            ax.broken_barh([(b.start, width)], (row[b.lane] - 0.3, 0.6),
                           facecolors=COLORS[b.kind], edgecolors="0.3", lw=0.6, zorder=2)


def _draw_marks(ax, chart: Chart, row: dict[str, int]) -> list:
    handles = []
    for kind, (marker, color, label) in MARKS.items():
        ms = [m for m in chart.marks if m.kind == kind]
        if not ms:
            continue
        line = marker == "|"
        ax.scatter([m.day for m in ms], [row[m.lane] for m in ms], marker=marker, c=color,
                   s=90 if line else 60, zorder=4, linewidths=2.0 if line else 0.7,
                   edgecolors=None if line else "black")
        handles.append(Line2D([], [], ls="none", marker=marker, markerfacecolor=color,
                              markeredgecolor="black", color=color, ms=8, label=label))
    return handles


def _draw_notes(ax, chart: Chart, row: dict[str, int]) -> None:
    for n in chart.notes:
        ax.annotate(n.text, (n.day, row[n.lane]), xytext=(9, 0), textcoords="offset points",
                    va="center", fontsize=8.5, zorder=5,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                          "alpha": 0.85})


def _date_axis(ax, chart: Chart) -> None:
    """Dates along the bottom (first days of months, every 1-12 months to keep ~12
    ticks), deal days along the top; only days when the log has no closing date."""
    closing = chart.closing
    if closing is None:
        ax.set_xlabel("day (day 0 = the closing)")
        return
    top = ax.secondary_xaxis("top")
    top.set_xlabel("day (day 0 = the closing)", fontsize=10)
    top.tick_params(labelsize=9)
    span = max(chart.end, 1) * 1.01
    step = next(m for m in (1, 2, 3, 6, 12, 24) if span / (30.44 * m) <= 13)
    ticks, labels = [], []
    year, month = closing.year, closing.month
    while True:
        first = date(year, month, 1)
        day = dates.day_of(first, closing)
        if day > span:
            break
        if day >= 0 and (month - 1) % step == 0:
            ticks.append(day)
            labels.append(f"{_MONTHS[month - 1]}\n{year}" if month == 1 or not labels
                          else _MONTHS[month - 1])
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    ax.set_xticks(ticks, labels, fontsize=9)
    ax.set_xlabel(f"date (day 0 = the closing, {dates.label(0, closing)})")


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _draw_deadlines(ax, chart: Chart, closing: date | None = None) -> list:
    handles = []
    for what, (color, ls) in DEADLINE_STYLES.items():
        lines = sorted({(d.day, d.clause, d.cycle) for d in chart.deadlines if d.what == what})
        for day, _clause, _cycle in lines:
            ax.axvline(day, color=color, ls=ls, lw=1.4, zorder=1)
        if lines:
            days = ", ".join(f"{int(day)}" + (f" ({dates.short_label(int(day), closing)})"
                                              if closing else "")
                             for day, _c, _y in lines)
            handles.append(Line2D([], [], color=color, ls=ls, lw=1.4,
                                  label=f"{what} {lines[0][1]}: day {days}"))
    return handles


PLOT_SUFFIXES = (".png", ".svg", ".pdf")


def check_plot_path(path: str | Path) -> Path:
    """The path of a Gantt chart file, if its type is one matplotlib writes here.

    Raises:
        ConfigError: another suffix, or a folder that cannot be written.
    """
    path = Path(path)
    if path.suffix.lower() not in PLOT_SUFFIXES:
        raise ConfigError(str(path), "--plot", "the chart is written as "
                          + ", ".join(PLOT_SUFFIXES) + f" (got {path.suffix or 'no suffix'!r}); "
                          "allowed: a file name ending in one of them")
    check_writable(path.parent, "--plot")
    return path


def save_gantt(log: Iterable[ev.Event], terms: Terms, path: str | Path,
               title: str = "") -> Path:
    """Draw the deal's Gantt chart into ``path`` (.png, .svg or .pdf); returns the path."""
    path = check_plot_path(path)
    fig = gantt_figure(log, terms, title)
    fmt = path.suffix.lower().lstrip(".")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with themed():
            write_atomic(path, lambda tmp: fig.savefig(tmp, dpi=PNG_DPI, format=fmt))
    except OSError as exc:
        raise write_error(path, exc, "--plot") from None
    return path


__all__ = ["Chart", "chart_of", "gantt_figure", "save_gantt", "check_plot_path", "title_of"]
