"""The evaluation figures the README and the docs quote are those of the committed
results (evaluation/results/*.json), interval and all: a result run again with
other figures fails here until every quote says the same."""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "evaluation" / "results"


def words(path: str) -> str:
    """The file's text with line breaks and runs of blanks as one space."""
    return " ".join((ROOT / path).read_text(encoding="utf-8").split())


def figure(value: float, ci: list[float], digits: int, sign: bool = False) -> str:
    form = f"{'+' if sign else ''}.{digits}f"
    return f"{value:{form}} [{ci[0]:{form}}, {ci[1]:{form}}]"


def percent(value: float, ci: list[float]) -> str:
    return f"{100 * value:.1f} % [{100 * ci[0]:.1f} %, {100 * ci[1]:.1f} %]"


def rolling_quotes() -> list[tuple[str, str]]:
    r = json.loads((RESULTS / "rolling.json").read_text())
    ties = r["ties"]["pooled"]
    pymk = r["pymk"]["pooled"]

    def auc(name: str) -> str:
        return figure(ties[name]["auc"], ties[name]["ci"], 3)

    def p10(name: str, digits: int) -> str:
        return figure(pymk[name]["precision@10"], pymk[name]["precision@10_ci"], digits)

    gain = r["ties"]["fitted_minus_best_single"]
    lead = r["pymk"]["fitted_minus_best_structural"]
    assert r["pymk"]["best_structural"] == "katz"
    behind = r["pymk"]["fitted_minus"]["feature:new"]
    dev = json.loads((RESULTS / "rolling_dev.json").read_text())["pymk"]["fitted_minus"]
    best = r["ties"]["best_single"]
    return [
        ("README.md", f"ROC AUC {auc('fitted')}, against {auc(best)} for {best} alone"),
        ("README.md", f"{auc('count')} for the message count"),
        ("README.md", f"{auc('default model')} for the hand-set default model"),
        ("README.md", f"precision@10 is {p10('fitted', 3)} against {p10('katz', 3)} for Katz"),
        ("docs/ties.md", f"the model fitted on the history **{ties['fitted']['auc']:.3f}**"),
        ("docs/ties.md", f"the default hand-set model {auc('default model')}"),
        ("docs/ties.md", f"{best} alone, the best single feature, {auc(best)}"),
        ("docs/ties.md", f"Fitted minus {best}: {figure(gain['auc'], gain['ci'], 3, True)}"),
        ("docs/opportunities.md", f"Katz {p10('katz', 3)}, the former default"),
        ("docs/opportunities.md", f"the former default {p10('previous default', 4)}"),
        (
            "docs/opportunities.md",
            f"ahead of Katz by {figure(lead['precision@10'], lead['ci'], 3, True)}",
        ),
        ("docs/scale.md", f"precision@10 is {p10('fitted', 3)}"),
        ("README.md", f"in the last 30 days, {p10('feature:new', 3)} (fitted minus it"),
        ("docs/opportunities.md", f"in the last 30 days rank at {p10('feature:new', 3)}"),
        *(
            (path, f"minus it {figure(behind['precision@10'], behind['ci'], 4, True)}")
            for path in ("README.md", "docs/opportunities.md")
        ),
        *(
            (path, figure(dev["feature:new"]["precision@10"], dev["feature:new"]["ci"], 4, True))
            for path in ("README.md", "docs/opportunities.md")
        ),
        ("README.md", f"ahead of {best} by {figure(gain['auc'], gain['ci'], 3, True)}"),
        *class_quotes(r["classes"]),
        ("docs/scale.md", f"heuristic's {p10('previous default', 4)}"),
        *synthetic_pymk_quotes(),
    ]


def class_quotes(c: dict) -> list[tuple[str, str]]:
    """Strong and weak on CollegeMsg (truth from the month after each cut)."""
    methods = c["methods"]

    def pr(name: str) -> str:
        got = methods[name]["strong"]
        return (
            f"precision {figure(got['precision'], got['precision_ci'], 3)} and recall "
            f"{figure(got['recall'], got['recall_ci'], 3)}"
        )

    best = c["best_single"]
    gain = c["fitted_minus_best_single"]["strong_precision"]
    single = methods[best]["strong"]
    strong_units = sum(row["truly_strong"] for row in c["per_cut"])
    units = sum(row["pairs"] for row in c["per_cut"])
    return [
        ("README.md", f"fitted model's strong class has {pr('fitted')}"),
        ("docs/ties.md", f"has {pr('fitted')}"),
        ("docs/ties.md", f"broader, {pr('default model')}"),
        ("docs/ties.md", f"`{best.split(' ')[0].removeprefix('feature:')}` (the message"),
        (
            "docs/ties.md",
            f"has precision {figure(single['precision'], single['precision_ci'], 3)} — "
            f"fitted minus it {figure(gain['value'], gain['ci'], 3, True)}",
        ),
        ("docs/ties.md", f"({strong_units} of {units:,} (cut, pair) units are strong)"),
    ]


def synthetic_pymk_quotes() -> list[tuple[str, str]]:
    pooled = json.loads((RESULTS / "pymk.json").read_text())["pymk"]["pooled"]

    def p10(name: str, digits: int) -> str:
        return figure(pooled[name]["precision@10"], pooled[name]["precision@10_ci"], digits)

    return [
        ("docs/opportunities.md", f"precision@10 of the fitted ranker {p10('fitted', 3)}"),
        ("docs/opportunities.md", f"against {p10('previous default', 3)} for the former default"),
        ("docs/opportunities.md", f"and {p10('aa', 4)} for Adamic–Adar"),
    ]


def synthetic_quotes() -> list[tuple[str, str]]:
    s = json.loads((RESULTS / "ties.json").read_text())["synthetic"]
    strong = s["default"]["per_class"]["strong"]
    fitted = s["fitted"]["per_class"]["strong"]
    default_pr = (
        f"precision {percent(strong['precision'], strong['precision_ci'])} and recall "
        f"{percent(strong['recall'], strong['recall_ci'])}"
    )
    quotes = [("README.md", f"has {default_pr}"), ("docs/ties.md", f"has {default_pr}")]
    c = json.loads((RESULTS / "ties.json").read_text())["collegemsg"]
    for key, model in (("structure_default", "the default model"), ("structure", "the fitted")):
        got = c[key]
        share = got["open_triads"]["strong_strong"]["open_share"]
        quotes.append(("docs/ties.md", f"Spearman {got['spearman_strength_vs_mutual']:.2f}"))
        if model == "the default model":
            weak = got["open_triads"]["weak_weak"]["open_share"]
            quotes.append(("docs/ties.md", f"({100 * share:.0f} % vs {100 * weak:.0f} %"))
        else:
            wedges = got["open_triads"]["strong_strong"]["wedges"]
            quotes.append(("docs/ties.md", f"{100 * share:.0f} % of only {wedges}"))
    if any(f["fitted"] for f in s["fits"]):
        quotes.append(
            (
                "docs/ties.md",
                f"precision {percent(fitted['precision'], fitted['precision_ci'])} and "
                f"recall {percent(fitted['recall'], fitted['recall_ci'])}",
            )
        )
    return quotes


@pytest.mark.parametrize(("path", "quote"), rolling_quotes() + synthetic_quotes())
def test_the_docs_quote_the_committed_results(path, quote):
    assert quote in words(path), f"{path} should say: {quote}"


def test_the_commands_give_the_evaluated_figures():
    """``ties --all`` and ``suggest --all``, run by evaluation/external_check.py on
    CollegeMsg at the first reporting cut, give what rolling_eval.py reports there:
    the same pairs and outcomes, the fitted model's AUC, Katz's precision. The
    product's ranker draws its negative rows with another seed than the
    evaluation's, so its precision is compared within the interval."""
    ext = json.loads((RESULTS / "external_collegemsg.json").read_text())
    r = json.loads((RESULTS / "rolling.json").read_text())
    ties = next(c for c in r["ties"]["per_cut"] if c["cut"] == ext["as_of"])
    pymk = next(c for c in r["pymk"]["per_cut"] if c["cut"] == ext["as_of"])
    got = ext["ties"]
    assert (got["pairs"], got["in_touch_again"]) == (ties["pairs"], ties["positives"])
    assert (got["missing_from_ties_all"], got["not_in_the_file"]) == (0, 0)
    assert got["auc"]["weakties ties --all"]["auc"] == pytest.approx(ties["auc"]["fitted"][0])
    for name in ("recency", "count"):
        mine = "message count" if name == "count" else name
        assert got["auc"][mine]["auc"] == pytest.approx(ties["auc"][name][0]), name
    found = ext["suggest"]
    assert (found["people_with_a_new_pair"], found["new_pairs"]) == (
        pymk["people"],
        pymk["positives"],
    )
    p10 = found["precision_at_k"]
    assert p10["katz"]["precision"] == pytest.approx(pymk["precision@10"]["katz"], abs=1e-4)
    lo, hi = p10["weakties suggest --all"]["interval"]
    assert lo <= pymk["precision@10"]["fitted"] <= hi


def test_the_rolling_results_hold_every_baseline_the_evaluation_promises():
    """Tie persistence beside the count, recency, the decayed count and random;
    people you may know beside RA, AA, Katz, common neighbours, random and each
    single input of the ranker (the candidate's new contacts, activity, ...); both
    with intervals."""
    r = json.loads((RESULTS / "rolling.json").read_text())
    ties, pymk = r["ties"]["pooled"], r["pymk"]["pooled"]
    for name in ("fitted", "default model", "count", "recency", "decayed count", "random"):
        assert len(ties[name]["ci"]) == 2, name
    assert ties["random"]["ci"][0] < 0.5 < ties["random"]["ci"][1]
    singles = ("jaccard", "places", "new", "active", "idle", "degree", "age")
    for name in ("fitted", "ra", "aa", "katz", "cn", "random", *(f"feature:{n}" for n in singles)):
        assert len(pymk[name]["precision@10_ci"]) == 2, name
    # every single method, paired against the fitted ranker with the same draw
    assert set(r["pymk"]["fitted_minus"]) == set(pymk) - {"fitted"}
    best = r["pymk"]["best_single"]
    assert best == max(
        (m for m in pymk if m not in ("fitted", "random")), key=lambda m: pymk[m]["precision@10"]
    )
    assert r["pymk"]["fitted_minus_best_single"] == r["pymk"]["fitted_minus"][best]


def test_the_rolling_results_hold_strong_and_weak_beside_every_baseline():
    """Per-class precision and recall on CollegeMsg for the fitted and the default
    model, beside the majority class, random and every single feature at the fitted
    model's rate, each with an interval; and the intervals resample people."""
    r = json.loads((RESULTS / "rolling.json").read_text())
    assert r["replicates"] >= 1000 and r["people"] == 1899
    methods = r["classes"]["methods"]
    singles = [m for m in r["ties"]["pooled"] if m not in ("fitted", "default model")]
    expected = ["fitted", "default model", "majority (always weak)"]
    expected += [f"{m} (top, at the fitted rate)" for m in singles]
    for name in expected:
        for cls in ("strong", "weak"):
            got = methods[name][cls]
            assert len(got["recall_ci"]) == 2, (name, cls)
            assert got["precision"] is None or len(got["precision_ci"]) == 2, (name, cls)
    assert methods["majority (always weak)"]["strong"]["recall"] == 0
    rate = sum(row["called_strong"]["fitted"] for row in r["classes"]["per_cut"])
    for name in expected[3:]:
        assert methods[name]["strong"]["called"] == rate, name


def fallback_quotes() -> list[tuple[str, str]]:
    r = json.loads((RESULTS / "default_choice.json").read_text())
    ties, sug = r["ties"], r["suggest"]

    def fig(part: dict, stage: str, name: str) -> str:
        got = part[stage]["mean"][name]
        return figure(got["value"], got["ci"], 4)

    def diff(d: dict) -> str:
        return figure(d["value"], d["ci"], 4, True)

    def said(method: str) -> str:
        """A method as the docs name it: the ranker's inputs in words."""
        return {"feature:new": "new-contacts count"}.get(method, method)

    t, s = ties["choice"], sug["choice"]
    return [
        (
            "docs/ties.md",
            f"{t['best_challenger']} minus the default model "
            f"{diff(t['challenger_minus_incumbent'])}",
        ),
        ("docs/ties.md", f"the default model {fig(ties, 'reporting', 'default model')}"),
        ("docs/ties.md", f"recency {fig(ties, 'reporting', 'recency')}"),
        ("docs/ties.md", f"random {fig(ties, 'reporting', 'random')}"),
        ("docs/ties.md", f"minus recency {diff(ties['reported']['chosen_minus_best_other'])}"),
        (
            "docs/opportunities.md",
            f"{said(s['best_challenger'])} minus Katz {diff(s['challenger_minus_incumbent'])}",
        ),
        ("docs/opportunities.md", f"Katz {fig(sug, 'reporting', 'katz')}"),
        ("docs/opportunities.md", f"random {fig(sug, 'reporting', 'random')}"),
        (
            "docs/opportunities.md",
            f"Katz minus the {said(sug['reported']['best_other'])} "
            f"{diff(sug['reported']['chosen_minus_best_other'])}",
        ),
    ]


@pytest.mark.parametrize(("path", "quote"), fallback_quotes())
def test_the_docs_quote_the_fallback_choice(path, quote):
    assert quote in words(path), f"{path} should say: {quote}"


def test_the_fallbacks_are_those_the_development_cuts_chose():
    """evaluation/default_choice.py's rule, applied again to its committed development
    figures alone, gives the fallbacks the product uses (the hand-set default model for
    ties, Katz's index for suggestions): a rerun that chose otherwise fails here until
    the product follows it. The reporting cuts take no part in the choice."""
    r = json.loads((RESULTS / "default_choice.json").read_text())
    product = {"ties": "default model", "suggest": "katz"}
    for part, used in product.items():
        dev = r[part]["development"]["mean"]
        choice = r[part]["choice"]
        assert choice["incumbent"] == used
        challengers = {m: v["value"] for m, v in dev.items() if m not in (used, "random")}
        best = max(challengers, key=challengers.__getitem__)
        assert choice["best_challenger"] == best, part
        gap = choice["challenger_minus_incumbent"]
        assert gap["value"] == pytest.approx(dev[best]["value"] - dev[used]["value"], abs=1e-4)
        chosen = best if gap["ci"][0] > 0 else used
        assert chosen == choice["chosen"] == used, f"{part}: the evidence chose {chosen}"


def sociopatterns_quotes() -> list[tuple[str, str]]:
    """evaluation/external_sociopatterns.py's results as docs/ties.md quotes them."""

    def got(name: str) -> dict:
        return json.loads((RESULTS / f"external_{name}.json").read_text())

    def auc(r: dict, key: str) -> str:
        v = r["ties"]["auc"][key]
        return figure(v["auc"], v["interval"], 3)

    def p10(r: dict, key: str) -> str:
        v = r["suggest"]["precision_at_k"][key]
        return figure(v["precision"], v["interval"], 3)

    high, ward, primary = got("thiers_2012"), got("hospital"), got("primary_school")
    for r in (high, ward, primary):
        assert r["ties"]["models"] == ["default"], "the docs say no fit was possible"
    return [
        ("docs/ties.md", f"`ties --all` has AUC {auc(high, 'weakties ties --all')} in the high"),
        ("docs/ties.md", f"against {auc(high, 'message count')} for the message count"),
        ("docs/ties.md", f"{auc(primary, 'weakties ties --all')} in the primary school"),
        ("docs/ties.md", f"count's {auc(primary, 'message count')}"),
        ("docs/ties.md", f"hospital ward {auc(ward, 'weakties ties --all')}"),
        ("docs/ties.md", f"behind recency's {auc(ward, 'recency')}"),
        ("docs/ties.md", f"(high school {p10(high, 'weakties suggest --all')})"),
        (
            "docs/ties.md",
            f"primary school, {p10(primary, 'cn')} against "
            f"{p10(primary, 'weakties suggest --all')}",
        ),
    ]


@pytest.mark.parametrize(("path", "quote"), sociopatterns_quotes())
def test_the_docs_quote_the_sociopatterns_check(path, quote):
    assert quote in words(path), f"{path} should say: {quote}"


def _figures_with_intervals() -> list[tuple[float, float, float]]:
    """Every (value, low, high) the committed results hold: a number beside a pair
    of numbers in the same JSON object (``{"auc": v, "interval": [lo, hi]}``,
    ``{"value": v, "ci": [lo, hi]}``, ...)."""
    found: list[tuple[float, float, float]] = []

    def number(x: object) -> bool:
        return isinstance(x, int | float) and not isinstance(x, bool)

    def walk(node: object) -> None:
        if isinstance(node, dict):
            values = [v for v in node.values() if number(v)]
            pairs = [
                v
                for v in node.values()
                if isinstance(v, list) and len(v) == 2 and all(number(t) for t in v)
            ]
            found.extend((v, lo, hi) for lo, hi in pairs for v in values)
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    for path in [*RESULTS.glob("*.json"), *(ROOT / "benchmarks" / "results").glob("*.json")]:
        walk(json.loads(path.read_text()))
    return found


def test_every_figure_quoted_with_its_interval_is_a_committed_result():
    """Not only the quotes listed above: any ``x [a, b]`` in the README or the docs
    must be a value and its interval that a committed result holds, to the digits
    quoted (a figure left from a result run again since fails here)."""
    import re

    form = re.compile(r"([+\-−]?\d+\.\d+) \[([+\-−]?\d+\.\d+), ([+\-−]?\d+\.\d+)\]")
    held = _figures_with_intervals()

    def same(quoted: str, value: float) -> bool:
        quoted = quoted.replace("−", "-")
        return abs(round(value, len(quoted.split(".")[1])) - float(quoted)) < 1e-9

    orphans = [
        f"{path.relative_to(ROOT)}: {m.group(0)}"
        for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
        for m in form.finditer(path.read_text(encoding="utf-8"))
        if not any(
            same(m.group(1), v) and same(m.group(2), lo) and same(m.group(3), hi)
            for v, lo, hi in held
        )
    ]
    assert held and not orphans, orphans
