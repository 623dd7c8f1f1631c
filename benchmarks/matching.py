"""Benchmark the matching engine against a first-come greedy on national-scale synthetic markets.

Run: .venv/bin/python benchmarks/matching.py [--sizes 6250x31250,...]
Each engine runs in its own child process on the same seeded market, so peak memory (max RSS,
interpreter and market included) is that engine's alone. Prints a table, rewrites the
"matching" section of benchmarks/RESULTS.md, and ends with one RESULT line.
"""
import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from collections import defaultdict
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import marketplace.domain.matching as matching_package  # noqa: E402
from config.settings import Base  # noqa: E402
from marketplace.domain.geography import regions  # noqa: E402
from marketplace.domain.masks import Category, is_authorised_on  # noqa: E402
from marketplace.domain.matching import Demand, Offer, match  # noqa: E402
from marketplace.domain.organisations import OrganisationKind  # noqa: E402
from marketplace.domain.priority import priority_rank  # noqa: E402
from marketplace.domain.substitutes import allowed_substitutes  # noqa: E402

SIZES = ((6_250, 31_250), (12_500, 62_500), (25_000, 125_000), (50_000, 250_000))
SEED = 2020
MIN_ORDER_VOLUME = Base.MIN_ORDER_VOLUME
TODAY = date(2020, 5, 4)
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
SECTION_START, SECTION_END = "<!-- matching:start -->", "<!-- matching:end -->"

# Population in millions (INSEE, 2020, rounded): buyers and producers follow it.
POPULATION = {"01": 0.38, "02": 0.36, "03": 0.29, "04": 0.86, "06": 0.28, "11": 12.3, "24": 2.6,
              "27": 2.8, "28": 3.3, "32": 6.0, "44": 5.5, "52": 3.8, "53": 3.3, "75": 6.0,
              "76": 5.9, "84": 8.0, "93": 5.1, "94": 0.34}
# Typical spring-2020 prices excluding tax, in cents, and how much each category is traded.
BASE_PRICE = {"FFP1": 120, "FFP2": 250, "FFP3": 400, "SURGICAL_I": 45, "SURGICAL_II": 55,
              "SURGICAL_IIR": 65, "UNS1": 250, "UNS2": 180, "AFNOR": 150, "N95": 300, "KN95": 200,
              "P2": 260, "KF94": 240, "DS2": 260, "SURGICAL_US": 50, "SURGICAL_CN": 40}
OFFER_SHARE = {"FFP1": 2, "FFP2": 8, "FFP3": 2, "SURGICAL_I": 6, "SURGICAL_II": 8, "SURGICAL_IIR": 6,
               "UNS1": 12, "UNS2": 10, "AFNOR": 10, "N95": 2, "KN95": 6, "P2": 1, "KF94": 1, "DS2": 1,
               "SURGICAL_US": 2, "SURGICAL_CN": 5}
DEMAND_SHARE = {"FFP1": 3, "FFP2": 14, "FFP3": 2, "SURGICAL_I": 8, "SURGICAL_II": 14,
                "SURGICAL_IIR": 8, "UNS1": 20, "UNS2": 15, "AFNOR": 16}
BUYER_MIX = {OrganisationKind.COMPANY: 55, OrganisationKind.SECTOR_REFERENT: 5,
             OrganisationKind.LOCAL_AUTHORITY: 20, OrganisationKind.HEALTHCARE: 20}


def synthetic_market(offer_count, demand_count, seed=SEED):
    """Return a seeded national market: offers and demands spread as a real one would be."""
    rng = random.Random(seed)
    codes = list(regions())
    metropolitan = [c for c, r in regions().items() if not r.overseas]
    weights = [POPULATION[c] for c in codes]
    offers = [_synthetic_offer(rng, k + 1, codes, metropolitan, weights) for k in range(offer_count)]
    demands = [_synthetic_demand(rng, k + 1, codes, weights) for k in range(demand_count)]
    return offers, demands


def _synthetic_offer(rng, id, codes, metropolitan, weights):
    category = rng.choices(list(OFFER_SHARE), list(OFFER_SHARE.values()))[0]
    producer = rng.choices(codes, weights)[0]
    reach = rng.random()
    if reach < 0.35:
        delivers = frozenset(codes)  # all of France
    elif reach < 0.65 and producer in metropolitan:
        delivers = frozenset(metropolitan)
    else:
        delivers = frozenset([producer, *rng.sample(codes, rng.randint(0, 3))])
    price = max(1, round(BASE_PRICE[category] * rng.lognormvariate(0, 0.15)))
    units = max(1_000, round(rng.lognormvariate(11.9, 0.9), -3))  # median ~150,000 units in stock
    available = TODAY + timedelta(days=int(rng.expovariate(1 / 8)))
    while not is_authorised_on(category, available):  # the marketplace refuses to list it (domain/offers.py)
        available = TODAY + timedelta(days=int(rng.expovariate(1 / 8)))
    return Offer(id, category, producer, delivers, available, price, int(units))


def _synthetic_demand(rng, id, codes, weights):
    category = Category(rng.choices(list(DEMAND_SHARE), list(DEMAND_SHARE.values()))[0])
    kind = rng.choices(list(BUYER_MIX), list(BUYER_MIX.values()))[0]
    public_facing = kind in (OrganisationKind.COMPANY, OrganisationKind.SECTOR_REFERENT) and rng.random() < 0.2
    options = allowed_substitutes(category)
    substitutes = frozenset(rng.sample(options, rng.randint(1, len(options)))) if options and rng.random() < 0.4 else frozenset()
    ceiling = 5 * round(BASE_PRICE[category] * rng.uniform(1.0, 1.6) / 5)  # buyers state round ceilings
    # Lots of about 50,000 units, never below the minimum a demand may ask (smaller needs are pooled).
    units = max(MIN_ORDER_VOLUME, round(rng.lognormvariate(11.0, 0.5), -3))  # median ~60,000 units
    # Plain strings, as the service reads them from the database.
    return Demand(id, str(category), rng.choices(codes, weights)[0], TODAY + timedelta(days=rng.randint(2, 45)),
                  ceiling, int(units), priority_rank(kind, category, public_facing), frozenset(map(str, substitutes)))


def greedy_first_come(offers, demands):
    """Serve demands in arrival order, each from the cheapest compatible offers left: the baseline."""
    cells = defaultdict(list)  # (category, region) -> offers, cheapest first
    for offer in sorted(offers, key=lambda o: (o.unit_price_cents, o.id)):
        for region in offer.delivery_regions:
            cells[(offer.category, region)].append(offer)
    left = {o.id: o.units for o in offers}
    allocations = []
    for demand in sorted(demands, key=lambda d: d.id):
        need = demand.units
        for category in (demand.category, *sorted(demand.substitutes)):
            key = (category, demand.region)
            need, exhausted = _take_cheapest(cells.get(key, ()), demand, need, left, allocations)
            if exhausted > 32:  # drop sold-out offers so later demands do not rescan them
                cells[key] = [o for o in cells[key] if left[o.id]]
    return allocations


def _take_cheapest(cell, demand, need, left, allocations):
    exhausted = 0
    for offer in cell:
        if need == 0 or offer.unit_price_cents > demand.max_unit_price_cents:
            break
        if not left[offer.id]:
            exhausted += 1
        elif offer.available_from <= demand.needed_by:
            taken = min(need, left[offer.id])
            left[offer.id] -= taken
            need -= taken
            allocations.append((offer, demand, taken))
    return need, exhausted


def measure(engine, offer_count, demand_count):
    """Generate the market, run one engine, and return its figures (run inside a child process)."""
    offers, demands = synthetic_market(offer_count, demand_count)
    flow_seconds = []
    started = time.perf_counter()  # the engine's call alone; what follows is the benchmark's own counting
    if engine == "optimal":
        with timing(matching_package, "solve_markets", flow_seconds):
            result = match(offers, demands, parallel_from_rows=Base().MATCHING_PARALLEL_FROM_ROWS)
        seconds = time.perf_counter() - started
        triples = [(a.units, a.priority, a.own_region, a.units * a.unit_price_cents) for a in result.allocations]
    else:
        allocations = greedy_first_come(offers, demands)
        seconds = time.perf_counter() - started
        triples = [(q, d.priority, o.producer_region == d.region, q * o.unit_price_cents) for o, d, q in allocations]
    per_class = defaultdict(int)
    for units, priority, _, _ in triples:
        per_class[priority] += units
    asked = defaultdict(int)
    for d in demands:
        asked[d.priority] += d.units
    return {
        "seconds": seconds,
        "flow_seconds": sum(flow_seconds),
        # The helper process (two cores) counts too: both peaks added, as if they coincided.
        "peak_mb": sum(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024,
        "per_class": {str(k): per_class[k] for k in sorted(asked)},
        "asked": {str(k): asked[k] for k in sorted(asked)},
        "offered": sum(o.units for o in offers),
        "own_region": sum(u for u, _, own, _ in triples if own),
        "price": sum(p for *_, p in triples),
    }


@contextmanager
def timing(module, name, seconds):
    """Append to `seconds` the time of each call to module.name during the block."""
    original = getattr(module, name)

    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            seconds.append(time.perf_counter() - started)

    setattr(module, name, timed)
    try:
        yield
    finally:
        setattr(module, name, original)


def in_child(engine, offer_count, demand_count):
    """Run measure() in a fresh interpreter so its peak memory is its own."""
    output = subprocess.run([sys.executable, __file__, "--child", engine, str(offer_count), str(demand_count)],
                            check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def end_to_end(offer_count, demand_count):
    """Read from PostgreSQL, solve, write proposals back (benchmarks/matching_db.py); return its figures.

    Runs in a child process that loads the same seeded market into a PostgreSQL of its own (loading
    not timed) and times one `run_matching`: {"seconds", "solver_seconds" (the run's own `match()`),
    ...}; None if PostgreSQL cannot be had.
    """
    script = ROOT / "benchmarks" / "matching_db.py"
    done = subprocess.run([sys.executable, str(script), str(offer_count), str(demand_count)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        print(f"  end to end failed: {done.stderr.strip().splitlines()[-1:]}", file=sys.stderr, flush=True)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def percent(part, whole):
    """Return part as a percentage of whole (100 when there was nothing to get)."""
    return 100.0 if whole == 0 else 100.0 * part / whole


def report_rows(sizes):
    """Run both engines at every size and return one row of figures per size."""
    rows = []
    for offer_count, demand_count in sizes:
        optimal = in_child("optimal", offer_count, demand_count)
        greedy = in_child("greedy", offer_count, demand_count)
        on_postgresql = end_to_end(offer_count, demand_count)
        rows.append({"offers": offer_count, "demands": demand_count, "optimal": optimal, "greedy": greedy,
                     "end_to_end": on_postgresql,
                     "engine_s": on_postgresql["seconds"] if on_postgresql else optimal["seconds"]})
        print(f"  measured {offer_count} x {demand_count}", file=sys.stderr, flush=True)
    return rows


def headline_pct(figures, optimal):
    """Return the share of the optimum's priority-1 units an engine matched (the first objective)."""
    top = min(optimal["per_class"], key=int)
    return percent(figures["per_class"][top], optimal["per_class"][top])


def table(rows):
    """Format the rows as a Markdown table."""
    classes = sorted(rows[-1]["optimal"]["per_class"], key=int)
    head = ["offers × demands", "engine", "time s", "of which markets s", "end to end s", "its solver s", "peak MB",
            *[f"class {k} units (% opt)" for k in classes], "own-region %", "avg price ¢"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        opt = row["optimal"]
        for name, fig in (("optimal (max flows)", opt), ("greedy first-come", row["greedy"])):
            matched = sum(fig["per_class"].values())
            optimal = name.startswith("optimal")
            flows = f"{fig['flow_seconds']:.2f}" if optimal else "—"
            run = row["end_to_end"] if optimal else None
            in_run = [f"{run['seconds']:.2f}", f"{run['solver_seconds']:.2f}"] if run else ["—", "—"]
            cells = [f"{row['offers']:,} × {row['demands']:,}", name, f"{fig['seconds']:.2f}", flows, *in_run,
                     f"{fig['peak_mb']:.0f}",
                     *[f"{fig['per_class'][k]:,} ({percent(fig['per_class'][k], opt['per_class'][k]):.1f} %)" for k in classes],
                     f"{percent(fig['own_region'], matched):.1f}", f"{fig['price'] / max(matched, 1):.1f}"]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def result_line(row):
    """Return the final RESULT line for the largest size."""
    opt, greedy = row["optimal"], row["greedy"]
    return (f"RESULT matching offers={row['offers']} demands={row['demands']} engine_s={row['engine_s']:.2f} "
            f"solver_s={opt['seconds']:.2f} peak_mb={opt['peak_mb']:.0f} greedy_s={greedy['seconds']:.2f} "
            f"optimum_pct={headline_pct(opt, opt):.1f} greedy_pct={headline_pct(greedy, opt):.1f}")


def write_section(markdown):
    """Replace the matching section of RESULTS.md, leaving other sections alone."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    section = f"{SECTION_START}\n{markdown}\n{SECTION_END}"
    if SECTION_START in text and SECTION_END in text:
        before, rest = text.split(SECTION_START, 1)
        text = before + section + rest.split(SECTION_END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS.write_text(text, encoding="utf-8")


def load_average():
    """Return the 1-minute load average: the 2 cores are shared, so timings depend on it."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def _verdict(met, measured=True):
    return "not measured (no PostgreSQL)" if not measured else "met" if met else "**NOT met**"


def section_markdown(rows, result, loads):
    """Return the RESULTS.md section: how it was run, the table, and the RESULT line."""
    largest = rows[-1]
    growth = ", ".join(f"{r['optimal']['seconds'] / rows[0]['optimal']['seconds']:.1f}×" for r in rows)
    return "\n".join([
        "## Matching engine (`benchmarks/matching.py`)",
        "",
        f"Synthetic national markets (seed {SEED}): 18 regions weighted by population, every mask category,",
        "priority classes from `domain/priority.py`, 40 % of buyers opting in to substitutes, prices around",
        "spring-2020 levels, ceilings rounded to 5 ¢, needs spread over 45 days, demands in lots of about",
        f"50,000 units (never below the {MIN_ORDER_VOLUME:,} a demand may ask), stocks of about 150,000, only offers a",
        "producer may list (a foreign equivalent available before its authorisation ends). Each engine runs in a child",
        "process; peak MB is that process's max RSS (interpreter and market included) plus its helper's.",
        "`time s` of the optimal engine (solver_s) is the in-memory `match()` (columns, markets, grouping,",
        "networks, flow algorithms, pairing, splitting to offers and demands), run as the service runs it: on",
        "two cores from `MATCHING_PARALLEL_FROM_ROWS` offers and demands (150,000; the two largest sizes);",
        "`of which markets s` is the wall time of `solve_markets` (flows, pairing and splitting of every",
        "market, in both processes); `end to end s` (engine_s) is one `run_matching` on PostgreSQL",
        "(`end_to_end`: read, solve, proposals written back and committed; engine_s is solver_s when no",
        "PostgreSQL could be had), and `its solver s` that run's own `match()` on the values it read.",
        "The 2-core machine is shared with other engineers' jobs: timings are noisy "
        f"(1-minute load average {loads[0]:.1f} at the start of this run, {loads[1]:.1f} at the end).",
        "`% opt` compares with the optimum's units in the same class; the optimum itself is checked",
        "against an independent HiGHS integer program in `tests/unit/test_matching.py`.",
        "",
        table(rows),
        "",
        f"Solver time relative to the smallest size: {growth} for sizes ×1, ×2, ×4, ×8.",
        f"Targets at the largest size: 100 % of optimum (met by construction and tests); solver ≤ 3 s "
        f"{'met' if largest['optimal']['seconds'] <= 3 else '**NOT met**'}; end to end ≤ 10 s "
        f"{_verdict(largest['end_to_end'] and largest['end_to_end']['seconds'] <= 10, largest['end_to_end'])}; peak ≤ 1 GB "
        f"{'met' if largest['optimal']['peak_mb'] <= 1024 else '**NOT met**'}; solving the markets takes "
        f"{largest['optimal']['flow_seconds']:.2f} s of it, mostly OR-Tools max flows on the FFP family's network.",
        f"Largest market: {largest['optimal']['offered']:,} units offered, "
        f"{sum(largest['optimal']['asked'].values()):,} asked.",
        "",
        f"`{result}`",
    ])


def main():
    """Run the benchmark, print the table, write RESULTS.md and the RESULT line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", nargs=3, metavar=("ENGINE", "OFFERS", "DEMANDS"))
    parser.add_argument("--sizes", help="comma-separated OFFERSxDEMANDS, the last one reported")
    args = parser.parse_args()
    if args.child:
        engine, offer_count, demand_count = args.child
        print(json.dumps(measure(engine, int(offer_count), int(demand_count))))
        return
    sizes = SIZES if not args.sizes else [tuple(map(int, s.split("x"))) for s in args.sizes.split(",")]
    load_at_start = load_average()
    rows = report_rows(sizes)
    result = result_line(rows[-1])
    print(table(rows))
    print(f"load average: {load_at_start:.1f} at start, {load_average():.1f} at end")
    if not args.sizes:
        write_section(section_markdown(rows, result, (load_at_start, load_average())))
    print(result)


if __name__ == "__main__":
    main()
