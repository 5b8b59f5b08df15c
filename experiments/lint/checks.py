"""The contract lint's checks, one per gap or deadline chain of the agreement.

Each check is registered with :func:`experiments.lint.core.check` under a stable id, cites its
clauses, quotes the words it encodes and names the switches that govern it. A check
returns a :class:`~experiments.lint.core.Verdict` when its failure condition can hold under the terms
in the scenario (bounds: :meth:`experiments.lint.core.Context.days`), else None. Severity: ``error``
when the condition holds in every future, ``warning`` when it can hold, ``info`` when it
is open in the text but cannot bite in this scenario.
"""

from __future__ import annotations

import dataclasses

from experiments.lint.core import Context, Verdict, check, numeric_readings
from sim.law.rules import limits
from sim.law.days import first_day_after, last_day_within


def _ids(ids: list[str], limit: int = 4) -> str:
    return ", ".join(ids[:limit]) + (f" (+{len(ids) - limit})" if len(ids) > limit else "")


# --- §1(a) demand registration ------------------------------------------------------------
@check("empty-filing-window", "chain", ("§1(a)", "§8(a)"),
       "in no event less than 30 days from receipt of the Company Notice and no more than 45 "
       "days from receipt by the Company of the Demand Notice",
       ("empty_window", "company_notice_receipt"))
def empty_filing_window(ctx: Context) -> Verdict | None:
    """§1(a): file "in no event less than 30 days from receipt of the Company Notice and no
    more than 45 days from receipt by the Company of the Demand Notice".

    No day satisfies both when the Company Notice is received more than
    ``filing_deadline_days - filing_floor_days`` days after the Demand Notice. Reported when
    that can happen to a Company that gives the notice within ``promptly_days`` (a later
    notice is the Company's own breach of "promptly", see ``promptly-undefined``). Both
    limits run from a *receipt*, the notice's arrival under every reading of §8(a).
    """
    t, s = ctx.terms, ctx.scenario
    if not ctx.recipients_possible:
        return None
    slack = t.filing_deadline_days - t.filing_floor_days
    lat = ctx.latency(ctx.company_method)
    delay = ctx.days(s.company.notice_delay_days, "company.notice_delay_days")
    head = (f"Company Notice received more than filing_deadline_days - filing_floor_days = "
            f"{t.filing_deadline_days} - {t.filing_floor_days} = {slack} days after the "
            f"Demand Notice's receipt ({t.company_notice_receipt.replace('_', ' ')}'s receipt)")
    if slack < 0 or delay.low + lat.low > slack:
        return Verdict("error", "The filing window is empty in every future: every filing "
                       f"breaches one limit (empty_window = {t.empty_window}).",
                       f"{head}; always: the fastest notice arrives {delay.low + lat.low} days "
                       f"after the Demand Notice's receipt")
    prompt = t.promptly_days + lat.high
    if prompt <= slack:
        return None
    return Verdict(
        "warning",
        "Even a Company that notifies within promptly_days can face an empty filing window: "
        "the 30-day floor falls after the 45-day deadline and any filing breaches one of them "
        f"(empty_window = {t.empty_window}). In this scenario the Company Notice goes out up to "
        f"{delay} after receipt, a lag of up to {delay.high + lat.high} days.",
        f"{head}; possible when promptly_days + max notice latency > {slack}: "
        f"{t.promptly_days} + {lat} = {prompt}")


@check("company-notice-receipt", "gap", ("§1(a)",),
       "in no event less than 30 days from receipt of the Company Notice",
       ("company_notice_receipt",))
def company_notice_receipt(ctx: Context) -> Verdict | None:
    """§1(a): "in no event less than 30 days from receipt of the Company Notice" -- the
    Company Notice goes to "each other Investor"; whose receipt starts the 30 days is not
    said. The readings differ when the recipients receive it on different days."""
    t = ctx.terms
    if t.filing_floor_days == 0:          # no floor (NVCA IRA): nobody's receipt starts one
        return None
    lat = ctx.latency(ctx.company_method)
    cond = ("the other Investors receive the Company Notice on different days, so the first "
            f"and the last receipt give different floors; its latency spans {lat.low}..{lat}")
    if ctx.recipients_possible and lat.high > lat.low:
        return Verdict("warning", "Whose receipt of the Company Notice starts the 30-day "
                       f"filing floor is undefined; read as the {t.company_notice_receipt} "
                       "to receive it.", cond)
    return Verdict("info", "Whose receipt starts the 30-day floor is undefined, but every "
                   "recipient receives the notice on the same day in this scenario.", cond)


@check("unconditional-company-notice", "gap", ("§1(a)",),
       "received by the Company within twenty (20) days from the date on which the "
       "Unconditional Company Notice is received", ("unconditional_notice",))
def unconditional_company_notice(ctx: Context) -> Verdict | None:
    """§1(a): the scope covers requests "received ... within twenty (20) days from the date
    on which the Unconditional Company Notice is received", a term defined nowhere, while
    the proviso requires requests "received within twenty (20) days after the date on which
    the Company Notice is given". The readings differ by the notice's latency."""
    t = ctx.terms
    lat = ctx.after_given(ctx.company_method)
    cond = (f"an Investor's request to be included arrives after the Company Notice's "
            f"giving + joinder_window_days ({t.joinder_window_days}) but by its receipt + "
            f"{t.joinder_window_days}; possible when the notice arrives after the day it is "
            f"given (§8(a), up to {lat})")
    read = ("the Company Notice, window from the day it is given" if
            t.unconditional_notice == "company_notice" else "the Company Notice's receipt")
    if ctx.recipients_possible and lat.high > 0:
        return Verdict("warning", f"\"Unconditional Company Notice\" is undefined; read as {read}.",
                       cond)
    return Verdict("info", "\"Unconditional Company Notice\" is undefined, but the readings "
                   "coincide in this scenario (the notice is given the day it arrives).",
                   cond)


@check("joinder-window-latency", "chain", ("§1(a)", "§8(a)"),
       "provided that such written request is received within twenty (20) days after the "
       "date on which the Company Notice is given", ("unconditional_notice", "notices_effective"))
def joinder_window_latency(ctx: Context) -> Verdict | None:
    """§1(a): a request to be included must be "received within twenty (20) days after the
    date on which the Company Notice is given": the request counts on arrival, while a
    mailed notice is given when sent (§8(a)), so the mail can run against the Investor both
    ways. Reported for the delivery methods with which an Investor answering the day the
    notice arrives can be too late."""
    t, s = ctx.terms, ctx.scenario
    if not ctx.recipients_possible:
        return None
    window = t.joinder_window_days
    lin = ctx.after_given(ctx.company_method)
    from_receipt = t.unconditional_notice == "company_notice_receipt"
    failing, always = [], False
    for method in dict.fromkeys(i.notice_method for i in s.investors):
        out = ctx.latency(method)
        need = out.high if from_receipt else lin.high + out.high
        if need > window:
            ids = [i.id for i in s.investors if i.notice_method == method]
            failing.append(f"{method}: {'' if from_receipt else f'{lin.high} + '}{out} = {need} "
                           f"({_ids(ids)})")
            always |= (out.low if from_receipt else lin.low + out.low) > window
    if not failing:
        return None
    way = ("latency out (the Investor's method)" if from_receipt else
           f"days from giving to arrival (the Company's {ctx.company_method}) + latency out "
           "(the Investor's method)")
    return Verdict(
        "error" if always else "warning",
        "An Investor who asks to be included the day the Company Notice arrives can still be "
        "shut out by the mail; the joinder window runs from the day the notice is "
        f"{'received' if from_receipt else 'given'} (unconditional_notice = "
        f"{t.unconditional_notice}).",
        f"{way} > joinder_window_days = {window}; possible for " + "; ".join(failing))


@check("joinder-window-after-filing-deadline", "chain", ("§1(a)",),
       "received within twenty (20) days after the date on which the Company Notice is given "
       "... no more than 45 days from receipt by the Company of the Demand Notice",
       ("unconditional_notice", "promptly_days"))
def joinder_window_after_deadline(ctx: Context) -> Verdict | None:
    """§1(a): the statement covers the requests "received within twenty (20) days after the
    date on which the Company Notice is given", and must be filed "no more than 45 days
    from receipt by the Company of the Demand Notice". When the joinder window can close
    after the deadline, the Company cannot both wait for the scope and file in time."""
    t = ctx.terms
    if not ctx.recipients_possible:
        return None
    # The window runs from the giving (or the receipt), some days after the sending.
    lat = (ctx.latency(ctx.company_method) if t.unconditional_notice == "company_notice_receipt"
           else ctx.until_given(ctx.company_method))
    extra = lat.high
    close = t.promptly_days + t.joinder_window_days + extra
    if close <= t.filing_deadline_days:
        return None
    terms_sum = (f"promptly_days + joinder_window_days{' + max days to giving' if extra else ''}"
                 f" = {t.promptly_days} + {t.joinder_window_days}{f' + {lat}' if extra else ''}")
    return Verdict(
        "error" if t.joinder_window_days > t.filing_deadline_days else "warning",
        "The joinder window of a prompt Company Notice can close after the filing deadline: "
        "the Company must file without the late-window requests or breach the deadline (the "
        "engine waits for the window).",
        f"{terms_sum} = {close} > filing_deadline_days = {t.filing_deadline_days}")


@check("promptly-undefined", "gap", ("§1(a)",),
       "the Company shall promptly notify each other Investor", ("promptly_days",))
def promptly_undefined(ctx: Context) -> Verdict | None:
    """§1(a): "Upon receipt by the Company of a Demand Notice, the Company shall promptly
    notify each other Investor": "promptly" has no number; a Company Notice later than
    ``promptly_days`` is read as a breach. Reported as a warning when the scenario's notice
    delay reaches past a reading of "promptly" (the value or its sensitivity values)."""
    t, s = ctx.terms, ctx.scenario
    delay = ctx.days(s.company.notice_delay_days, "company.notice_delay_days")
    lat = ctx.latency(ctx.company_method)
    slack = t.filing_deadline_days - t.filing_floor_days - lat.high
    readings = sorted({t.promptly_days, *numeric_readings(t.promptly_days)})
    cond = (f"the Company Notice is given more than promptly_days = {t.promptly_days} days "
            f"after receipt of the Demand Notice; the scenario's delay reaches {delay}")
    if slack >= 0 and delay.high > slack:
        cond += (f"; beyond {slack} days (filing_deadline_days - filing_floor_days - max "
                 "latency) a late notice also empties the filing window")
    if delay.high > readings[0]:
        return Verdict("warning", "\"Promptly\" is undefined; whether a Company Notice is a "
                       f"breach depends on the number of days read into it (readings "
                       f"{', '.join(map(str, readings))} days).", cond)
    return Verdict("info", "\"Promptly\" is undefined, but every Company Notice of this "
                   "scenario is prompt under any of the readings.", cond)


@check("majority-of-the-units", "gap", ("§1(a)", "recitals"),
       "One or more Investors holding a majority of the Units", ("majority_base",))
def majority_of_the_units(ctx: Context) -> Verdict | None:
    """§1(a): "One or more Investors holding a majority of the Units" -- the recitals define
    "the Units" as all the Units offered, sold or not, while the demand right belongs to the
    Investors who hold them. The readings differ when the Units held fall short of those
    offered."""
    t, s = ctx.terms, ctx.scenario
    held, offered = s.total_units, t.units_offered
    need_held, need_offered = t.demand_threshold * held, t.demand_threshold * offered
    cond = (f"the Initiating Investors hold more than demand_threshold x Units held = "
            f"{need_held:,.0f} but not more than demand_threshold x units_offered = "
            f"{need_offered:,.0f} Units")
    if held <= need_offered:
        return Verdict("warning", "Under the recitals' reading (units_offered) the Investors, "
                       f"holding {held:,} of {offered:,} Units, can never make a demand.", cond)
    if need_held != need_offered:
        return Verdict("warning", "\"A majority of the Units\" is ambiguous: of the Units held "
                       f"({held:,}) or of the {offered:,} Units offered; the second needs "
                       f"{need_offered / held:.1%} of the Units held.", cond)
    return Verdict("info", "\"A majority of the Units\" is ambiguous, but the readings "
                   "coincide: the Investors hold every Unit offered.", cond)


@check("info-answers-after-filing-deadline", "chain", ("§6", "§1(a)"),
       "furnish to the Company such information ... as the Company may reasonably request in "
       "writing ... no more than 45 days from receipt by the Company of the Demand Notice",
       ("promptly_days",))
def info_answers_after_deadline(ctx: Context) -> Verdict | None:
    """§6: Investors "shall furnish to the Company such information ... as the Company may
    reasonably request in writing"; with §1(a)'s "no more than 45 days from receipt by the
    Company of the Demand Notice". A §6 request goes out with the Company Notice; when a
    timely answer (the scenario's reasonable time, ``company.info_due_days``) can arrive
    after the filing deadline, the Company misses it through no fault of either side's
    conduct as the engine judges it."""
    t, s = ctx.terms, ctx.scenario
    latest = t.promptly_days + s.company.info_due_days
    if latest <= t.filing_deadline_days:
        return None
    return Verdict(
        "warning", "A §6 answer given within the reasonable time can arrive after the filing "
        "deadline; the late filing is then the Company's (the answer was not late).",
        f"promptly_days + company.info_due_days = {t.promptly_days} + "
        f"{s.company.info_due_days} = {latest} > filing_deadline_days = {t.filing_deadline_days}")


@check("effectiveness-target-vs-review", "chain", ("§1(a)",),
       "use its commercially reasonable best efforts to promptly cause to become effective no "
       "later than 120 days from filing", ("late_response_days",))
def effectiveness_target_vs_review(ctx: Context) -> Verdict | None:
    """§1(a): "commercially reasonable best efforts to ... cause to become effective no
    later than 120 days from filing". A Company answering every comment letter within
    ``late_response_days`` (the reading of "best efforts") can still miss the target if
    the Commission's review is long: the miss is then no breach."""
    t, r = ctx.terms, ctx.scenario.review
    first = ctx.days(r.first_comment_days, "review.first_comment_days")
    letters = int(r.comment_letters.bounds()[1])
    resp = ctx.days(r.response_days, "review.response_days")
    answer = min(resp.high, t.late_response_days)
    turn = ctx.days(r.turnaround_days, "review.turnaround_days")
    clear = ctx.days(r.clearance_days, "review.clearance_days")
    none = ctx.days(r.no_review_days, "review.no_review_days")
    longest = max(first.high + letters * answer + (letters - 1) * turn.high + clear.high
                  if r.review_prob > 0 else 0, none.high + clear.high if r.review_prob < 1 else 0)
    shortest = min(first.low + resp.low + clear.low if r.review_prob > 0 else longest,
                   none.low + clear.low if r.review_prob < 1 else longest)
    target = t.effectiveness_target_days
    if longest <= target:
        return None
    cond = (f"first comments {first} + {letters} letters x min(response {resp.high}, "
            f"late_response_days {t.late_response_days}) + {letters - 1} x turnaround {turn} + "
            f"clearance {clear} = {longest} > effectiveness_target_days = {target}")
    return Verdict(
        "error" if shortest > target else "warning",
        "A Company answering every comment letter within late_response_days can still miss "
        "the 120-day target; the miss is target_missed, not a breach (best efforts).", cond)


# --- §1(b), §1(c), §1(d) ------------------------------------------------------------------
@check("demand-cutback-missing", "gap", ("§1(b)",),
       "offer to the Other Holders that such other securities be included in the underwriting "
       "(no cutback rule for a demand registration)", ("demand_cutback",))
def demand_cutback_missing(ctx: Context) -> Verdict | None:
    """§1(b): the Company "shall ... offer to the Other Holders that such other securities
    be included in the underwriting", but no clause says who is cut back when the
    underwriters limit a demand registration (§3(c) covers only §3 registrations)."""
    s = ctx.scenario
    p, holders = s.investor_behaviour.demand_underwritten_prob, len(s.other_holders)
    cond = ("an underwritten demand registration whose underwriters limit the shares: "
            f"possible when investor_behaviour.demand_underwritten_prob > 0 (here {p:g})")
    if p > 0:
        return Verdict("warning", "No rule allocates an underwriters' limit in a demand "
                       f"registration (demand_cutback = {ctx.terms.demand_cutback}); "
                       f"{holders} Other Holder(s) may ask to be included.", cond)
    return Verdict("info", "No rule allocates an underwriters' limit in a demand "
                   "registration, but this scenario never underwrites one.", cond)


@check("cooldown-scope", "gap", ("§1(c)", "§7"),
       "shall not be required to effect any registration within 180 days after the effective "
       "date of any other Registration Statement", ("cooldown_scope",))
def cooldown_scope(ctx: Context) -> Verdict | None:
    """§1(c): "within 180 days after the effective date of any other Registration
    Statement" -- any statement of the Company, the §7 defined term (a statement that
    "permits the secondary resale ... of the Units and the Registrable Shares"), or that
    definition read as a form test (a form that permits secondary resale)? The readings
    differ for statements that do not cover the Registrable Shares. Terms with the NVCA
    words ("a Company-initiated registration", ``company_registrations``) close the gap."""
    t, s = ctx.terms, ctx.scenario
    if t.cooldown_scope == "company_registrations":
        return None
    readings = ("any_statement", "defined_term", "resale_form")
    prior = []
    for p in s.prior_statements:
        counted = [r for r in readings
                   if limits.counts_for_cooldown(p.permits_resale, p.form_permits_resale,
                                                 dataclasses.replace(t, cooldown_scope=r))]
        # Its cooldown reaches past the closing, and the readings disagree about it.
        if len(counted) < len(readings) and last_day_within(p.effective_day, t.cooldown_days) > 0:
            prior.append((p, counted))
    o = s.offerings
    own = o.rate_per_year > 0 and o.max_count > 0 and any(p > 0 for p in o.type_probs.values())
    cond = ("the Company would file within cooldown_days = "
            f"{t.cooldown_days} days after a statement that does not register the "
            "Registrable Shares, or whose form does not permit secondary resale, became "
            "effective")
    facts = [f"{p.id} (effective day {p.effective_day}) holds any demand through day "
             f"{last_day_within(p.effective_day, t.cooldown_days)} under "
             f"{' and '.join(counted) if counted else 'no reading'} only" for p, counted in prior]
    if own:
        facts.append("the Company's own registrations without the Investors' shares")
    if facts:
        return Verdict("warning", f"The scope of \"any other Registration Statement\" is open; "
                       f"read as {t.cooldown_scope}. " + "; ".join(facts) + ".", cond)
    return Verdict("info", "The scope of the cooldown is open, but no statement of this "
                   "scenario falls between the readings.", cond)


@check("cooldown-effect", "gap", ("§1(c)",),
       "shall not be required to effect any registration within 180 days after the effective "
       "date of any other Registration Statement", ("cooldown_effect",))
def cooldown_effect(ctx: Context) -> Verdict | None:
    """§1(c): the Company "shall not be required to effect any registration" within the
    cooldown -- to *file* one, or to have it *become effective*? Under the first the
    filing waits and the deadline with it; under the second the Company files on time and
    only effectiveness waits. The readings differ whenever a cooldown can cover a demand."""
    t, s = ctx.terms, ctx.scenario
    prior = [p.id for p in s.prior_statements
             if p.effective_day + t.cooldown_days > 0 and limits.counts_for_cooldown(
                 p.permits_resale, p.form_permits_resale, t)]
    o = s.offerings
    own = o.rate_per_year > 0 and o.max_count > 0
    cond = (f"a demand registration would be filed, or become effective, within cooldown_days "
            f"= {t.cooldown_days} days after another statement in scope (cooldown_scope = "
            f"{t.cooldown_scope}) became effective")
    read = ("the filing waits for the end of the cooldown and the filing deadline with it"
            if t.cooldown_effect == "file" else
            "the Company files by the deadline and only effectiveness waits")
    if t.cooldown_days > 0 and (prior or own):
        src = ", ".join(prior + (["the Company's own registrations"] if own else []))
        return Verdict("warning", "Whether \"effect any registration\" means filing or "
                       f"effectiveness is open; read as {t.cooldown_effect}: {read}. "
                       f"Cooldowns can come from {src}.", cond)
    return Verdict("info", "Whether \"effect any registration\" means filing or effectiveness "
                   "is open, but no cooldown can cover a demand in this scenario.", cond)


@check("delay-cap-vs-cooldown", "chain", ("§1(d)", "§1(c)"),
       "for a period not in excess of 120 days from the effective date of such offering ... "
       "within 180 days after the effective date of any other Registration Statement",
       ("cooldown_scope", "cooldown_effect"))
def delay_cap_vs_cooldown(ctx: Context) -> Verdict | None:
    """§1(d): the Company may delay a demand "for a period not in excess of 120 days from the
    effective date of such offering", "not more than once"; §1(c): it "shall not be required
    to effect any registration within 180 days after the effective date of any other
    Registration Statement". The offering behind the delay is such a statement, so when
    ``cooldown_days > delay_max_days`` the cooldown overtakes the delay's cap. A deferral on
    the Board's judgment (NVCA IRA ``delay_basis = board_judgment``) has no offering
    behind it: the chain does not arise."""
    t, s = ctx.terms, ctx.scenario
    if (t.delay_uses == 0 or t.cooldown_days <= t.delay_max_days
            or t.delay_basis != "offering"):
        return None
    if not ctx.offerings_investors_may_join:
        return None
    review = ctx.days(s.offerings.review_days, "offerings.review_days")
    eff = t.delay_plan_window_days + review.high
    aim = t.filing_deadline_days + t.effectiveness_target_days
    scope = {"any_statement": "it counts for the cooldown whatever it registers "
                              "(cooldown_scope = any_statement)",
             "defined_term": "it counts for the cooldown when the Investors' shares are in it "
                             "(cooldown_scope = defined_term)",
             "resale_form": "it counts for the cooldown when its form permits secondary "
                            "resale (cooldown_scope = resale_form)",
             "company_registrations": "it is a Company-initiated registration "
                                      "(cooldown_scope = company_registrations)"
             }[t.cooldown_scope]
    free = first_day_after(eff, t.cooldown_days)
    held = "the filing" if t.cooldown_effect == "file" else "effectiveness"
    return Verdict(
        "warning",
        f"The §1(d) cap is not binding: the offering behind a delay is itself 'any other "
        f"Registration Statement' and {scope}, so the demand waits up to "
        f"{t.cooldown_days - t.delay_max_days} days past the cap, and the cooldown has no "
        f"'not more than once'. §1(a) aims at effectiveness {aim} days after receipt of the "
        f"Demand Notice (filing_deadline_days + effectiveness_target_days); here {held} "
        f"may lawfully wait until day {free} (delay_plan_window_days "
        f"{t.delay_plan_window_days} + offering review {review} + cooldown_days "
        f"{t.cooldown_days} + 1, cooldown_effect = {t.cooldown_effect})"
        + (f", the target then {free + t.effectiveness_target_days}."
           if t.cooldown_effect == "file" else "."),
        f"cooldown_days = {t.cooldown_days} > delay_max_days = {t.delay_max_days}, for a delay "
        "based on an offering that becomes effective")


@check("such-other-material-activity", "gap", ("§1(d)",),
       "or 120 days from the date of commencement of such other material activity",
       ("delay_other_activity",))
def such_other_material_activity(ctx: Context) -> Verdict | None:
    """§1(d): the delay may last "120 days from the effective date of such offering or 120
    days from the date of commencement of such other material activity" -- no other
    material activity is mentioned before: the words have no antecedent. A deferral on the
    Board's judgment (NVCA IRA) needs no activity: the words do not arise."""
    t, e = ctx.terms, ctx.scenario.events
    if t.delay_basis != "offering":
        return None
    cond = (f"material activity commenced fewer than delay_max_days = {t.delay_max_days} days "
            "before a Demand Notice's receipt, the Company having its delay right left "
            f"(possible when events.other_activity_prob > 0, here {e.other_activity_prob:g})")
    if t.delay_uses > 0 and e.other_activity_prob > 0:
        return Verdict("warning", "\"Such other material activity\" has no antecedent; read as "
                       f"{t.delay_other_activity} (whether it supports the one delay).", cond)
    return Verdict("info", "\"Such other material activity\" has no antecedent, but this "
                   "scenario draws no such activity (or no delay right is left).", cond)


# --- §3(a) piggy-back -------------------------------------------------------------------------
@check("piggyback-window-latency", "chain", ("§3(a)", "§8(a)"),
       "provided that such written request is received within twenty (20) days after the "
       "date on which the Registration Notice is given", ("notices_effective",))
def piggyback_window_latency(ctx: Context) -> Verdict | None:
    """§3(a): a Piggy-back Request must be "received within twenty (20) days after the date
    on which the Registration Notice is given": the request counts on arrival, a mailed
    notice is given when sent (§8(a)). Reported for the methods with which an answer the
    day the notice arrives can be late."""
    t, s = ctx.terms, ctx.scenario
    if not ctx.offerings_investors_may_join:
        return None
    window = t.piggyback_window_days
    lin = ctx.after_given(ctx.company_method)
    failing, always = [], False
    for method in dict.fromkeys(i.notice_method for i in s.investors):
        out = ctx.latency(method)
        if lin.high + out.high > window:
            ids = [i.id for i in s.investors if i.notice_method == method]
            failing.append(f"{method}: {lin.high} + {out} = {lin.high + out.high} ({_ids(ids)})")
            always |= lin.low + out.low > window
    if not failing:
        return None
    return Verdict(
        "error" if always else "warning",
        "An Investor who answers a Registration Notice the day it arrives can still be too "
        "late: the window runs from the day the notice is given.",
        f"days from giving to arrival (the Company's {ctx.company_method}) + latency out (the "
        f"Investor's method) > piggyback_window_days = {window}; possible for "
        + "; ".join(failing))


# --- §5 indemnification, §8(a) notices ------------------------------------------------------
@check("cap-excess", "gap", ("§5(b)", "§5(d)"),
       "limited to an amount equal to the proceeds to each Selling Investor ... for any reason "
       "other than as specified therein", ("cap_excess",))
def cap_excess(ctx: Context) -> Verdict | None:
    """§5(b): a Selling Investor's indemnity is "limited to an amount equal to the proceeds
    to each Selling Investor"; §5(d) gives contribution where indemnity is unavailable "for
    any reason other than as specified therein". Who bears a loss above the cap is open."""
    c, x = ctx.scenario.claims, ctx.scenario.expenses
    top = c.loss_fraction.bounds()[1]
    net = 1 - min(x.selling_commission, x.underwriting_discount)
    cond = ("a claim rests on a Selling Investor's information and exceeds its net proceeds: "
            f"possible when claims.claim_prob > 0 ({c.claim_prob:g}), "
            f"claims.company_source_prob < 1 ({c.company_source_prob:g}) and the loss reaches "
            f"above the seller's net share of gross proceeds (loss_fraction up to {top:g}, "
            f"net share at most {net:g})")
    if c.claim_prob > 0 and c.company_source_prob < 1 and top > 0:
        return Verdict("warning", "Who bears a seller-caused loss above the seller's proceeds "
                       f"is open; read as {ctx.terms.cap_excess}.", cond)
    return Verdict("info", "Who bears a loss above a seller's cap is open, but this scenario "
                   "draws no seller-caused claim.", cond)


@check("contribution-basis", "gap", ("§5(d)",),
       "relative benefits ... or if the allocation provided by clause (i) above is not "
       "permitted by applicable law ... also the relative fault", ("contribution_basis",))
def contribution_basis(ctx: Context) -> Verdict | None:
    """§5(d): contribution "in such proportion as is appropriate to reflect the relative
    benefits ... or (ii) if the allocation provided by clause (i) above is not permitted by
    applicable law", also by relative fault: which applies depends on law the agreement
    does not state. It matters only when a loss is shared by contribution."""
    t = ctx.terms
    cond = ("a loss is shared by contribution: a seller-caused claim above the seller's "
            "proceeds while cap_excess = contribution")
    if t.cap_excess == "contribution" and ctx.scenario.claims.claim_prob > 0:
        return Verdict("warning", "The basis of contribution depends on applicable law; read "
                       f"as {t.contribution_basis}.", cond)
    return Verdict("info", "The basis of contribution is open, but no loss is shared by "
                   f"contribution here (cap_excess = {t.cap_excess}).", cond)


@check("notices-effective", "gap", ("§8(a)",),
       "shall be deemed to have been given if sent by registered or certified mail ... but "
       "shall be effective only if and when actually received", ("notices_effective",))
def notices_effective(ctx: Context) -> Verdict | None:
    """§8(a): notices "shall be deemed to have been given if sent by registered or certified
    mail", yet those by personal delivery, facsimile or regular mail "shall be effective
    only if and when actually received". Receipt is arrival under every reading; what is
    open is the day a notice is *given*, which starts the §1(a) joinder and §3(a)
    piggy-back windows. The readings differ whenever the Company's notices take time to
    arrive: by mail given when sent or on arrival, by the other methods on arrival or
    when sent."""
    method = ctx.company_method
    lat = ctx.latency(method)
    windows = ctx.recipients_possible or ctx.offerings_investors_may_join
    cond = (f"a Company Notice or Registration Notice sent by {method} arrives after the day "
            f"it is sent (latency up to {lat}), so the readings give its window different "
            "first days")
    if windows and lat.high > 0:
        when = "when sent" if ctx.given_on_sending(method) else "on arrival"
        return Verdict("warning", "When a notice is given (the start of the joinder and "
                       f"piggy-back windows) is open; read as {ctx.terms.notices_effective}: "
                       f"the Company's notices by {method} are given {when}.", cond)
    return Verdict("info", "When a notice is given is open, but the Company's notices of this "
                   "scenario arrive the day they are sent (or start no window).", cond)


# --- PIPE RRA mandatory resale registration -----------------------------------------------
@check("closing-filing-deadline", "chain", ("PIPE RRA", "§6"),
       "file within 30 days of closing (45 in some)", ())
def closing_filing_deadline(ctx: Context) -> Verdict | None:
    """PIPE RRA: the mandatory resale statement must be filed "within 30 days of closing"
    (``closing_filing_deadline_days``), but it cannot be filed before it is drafted
    (``company.prep_days`` from the closing) and before the Investors' §6 answers are in
    (the Company's request, their answer, its way back). Reported when that can take
    longer than the deadline: liquidated damages then run (filing failure). Only under
    ``registration_trigger = "closing"``."""
    t, s = ctx.terms, ctx.scenario
    if t.registration_trigger != "closing":
        return None
    prep = ctx.days(s.company.prep_days, "company.prep_days")
    answer = ctx.days(s.investor_behaviour.info_response_days,
                      "investor_behaviour.info_response_days")
    out = ctx.latency(ctx.company_method)
    back = [ctx.latency(m) for m in sorted({i.notice_method for i in s.investors})]
    info_low = out.low + answer.low + min(b.low for b in back)
    info_high = out.high + answer.high + max(b.high for b in back)
    deadline = t.closing_filing_deadline_days
    cond = (f"drafting (up to {prep}) or the §6 answers (request {out.high} + answer "
            f"{answer.high} + way back up to {max(b.high for b in back)} = {info_high} days) "
            f"take longer than closing_filing_deadline_days = {deadline}")
    if max(prep.low, info_low) > deadline:
        return Verdict("error", "The mandatory statement is filed late in every future: "
                       "damages for a filing failure always run.", cond)
    if max(prep.high, info_high) > deadline:
        return Verdict("warning", "The Company may not be able to file the mandatory resale "
                       "statement by the closing's deadline: damages for a filing failure "
                       "run (unless only an Investor's late §6 answer held it).", cond)
    return None
