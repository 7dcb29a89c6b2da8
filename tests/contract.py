"""An AnalysisResult carrying every table and summary key of the integration
contract (issues 3-6), built from a real skeleton result.

The numbers are made up but consistent (shares sum to 1, intervals contain
their estimates, ranks follow importance), so the report and plots can be
tested before the steps that compute them exist. Keep the names in step with
the contract in the brief and DESIGN.md.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

MOTIVATORS = [
    "stand_out",
    "confidence_future",
    "wellbeing",
    "freedom",
    "thrill",
    "belonging",
    "protect_environment",
    "be_the_person",
    "security",
    "succeed",
]
METHODS = [
    "shap",
    "relative_weights",
    "shapley_regression",
    "std_beta",
    "squared_correlation",
]
DRIVERS_ORDER = [
    "facet",
    "label",
    "stage",
    "importance",
    "importance_low",
    "importance_high",
    "rank",
    "p_top",
    "direction",
    "stated_importance",
    "stated_rank",
    "gap",
    "quadrant",
    "reach",
    "mean_score",
]


def _shares(values) -> np.ndarray:
    values = np.clip(np.asarray(values, float), 1e-9, None)
    return values / values.sum()


def contract_result(base, catalog: pd.DataFrame, *, seed: int = 0):
    """``base`` (a skeleton AnalysisResult) with every contract output added."""
    rng = np.random.default_rng(seed)
    d = base.drivers.copy()
    n = len(d)
    imp = d["importance"].to_numpy(float)
    spread = 0.35 * imp + 0.002
    d["importance_low"] = np.clip(imp - spread, 0, None)
    d["importance_high"] = imp + spread
    d["rank_low"] = np.maximum(1, d["rank"] - 2)
    d["rank_high"] = np.minimum(n, d["rank"] + 2)
    d["p_top"] = np.clip(1.2 - d["rank"] / 10, 0, 1).round(3)
    stated = d["facet"].map(catalog.set_index("facet")["stated_importance"])
    stated_share = stated.astype(float) / stated.sum()
    d["stated_importance"] = stated_share  # a share, as analyze writes it
    d["stated_rank"] = stated.rank(ascending=False, method="min").astype(int)
    d["gap"] = d["importance"] - stated_share
    high_derived = d["importance"] >= 1 / n
    high_stated = stated_share >= 1 / n
    d["quadrant"] = np.select(
        [high_derived & high_stated, high_derived, high_stated],
        ["core_driver", "hidden_driver", "table_stakes"],
        "low_priority",
    )
    d["p_quadrant"] = 0.8
    extras = [c for c in d.columns if c not in DRIVERS_ORDER]
    d = d[DRIVERS_ORDER + extras]

    stage_names = list(dict.fromkeys(catalog["stage"]))
    by_stage = d.groupby("stage")["importance"].agg(["sum", "size"])
    by_stage = by_stage.reindex(stage_names)
    stages = pd.DataFrame(
        {
            "stage": stage_names,
            "importance": by_stage["sum"].to_numpy(),
            "importance_low": by_stage["sum"].to_numpy() * 0.75,
            "importance_high": by_stage["sum"].to_numpy() * 1.25,
            "n_facets": by_stage["size"].to_numpy(),
        }
    )
    stages["rank"] = stages["importance"].rank(ascending=False).astype(int)

    methods = d[["facet", "label"]].copy()
    for k, method in enumerate(METHODS):
        noise = rng.normal(0, 0.3 * k / len(METHODS), n)
        methods[method] = _shares(imp * np.exp(noise))
    for method in METHODS:
        methods[f"rank_{method}"] = (
            methods[method].rank(ascending=False, method="first").astype(int)
        )

    motivators = d[["facet", "label"]].copy()
    for k, name in enumerate(MOTIVATORS):
        motivators[name] = np.round(np.tanh(rng.normal(0.1 * (k % 3), 0.3, n)), 3)

    tiers = pd.DataFrame(
        {
            "tier": ["fully_connected", "highly_satisfied", "other"],
            "share": [0.25, 0.20, 0.55],
            "mean_value": [2200.0, 1000.0, 600.0],
            "attrition_rate": [0.08, 0.15, 0.21],
        }
    )

    delta = 0.02 * imp / imp.max()
    cost = np.round(rng.uniform(20_000, 200_000, n), -3)
    value_per_connected = 1500.0
    population = 100_000
    delta_value = delta * population * value_per_connected
    roi = pd.DataFrame(
        {
            "facet": d["facet"],
            "label": d["label"],
            "delta_connected": delta,
            "delta_connected_low": delta * 0.6,
            "delta_connected_high": delta * 1.4,
            "delta_value": delta_value,
            "delta_value_low": delta_value * 0.6,
            "delta_value_high": delta_value * 1.4,
            "p_value": np.exp(-200 * delta),
            "cost": cost,
            "roi": (delta_value - cost) / cost,  # net, as plan_improvements
        }
    )
    roi.insert(9, "beyond_noise", roi["p_value"] < 0.05)
    roi = roi.sort_values("roi", ascending=False, ignore_index=True)
    roi["priority"] = np.arange(1, n + 1)
    plan = roi[
        ["facet", "label", "cost", "delta_connected", "delta_value", "beyond_noise"]
    ].assign(roi=roi["roi"])
    plan = plan.assign(priority=roi["priority"], selected=roi["priority"] <= 4)
    plan["cumulative_cost"] = np.where(plan["selected"], plan["cost"].cumsum(), np.nan)
    chosen = plan.loc[plan["selected"]]

    change = rng.normal(0, 0.004, n)
    change[0] = 0.06
    changes = pd.DataFrame(
        {
            "facet": d["facet"],
            "label": d["label"],
            "importance_before": np.clip(imp - change, 0, None),
            "importance_after": imp,
            "change": change,
            "change_low": change - 0.01,
            "change_high": change + 0.01,
            "flagged": np.abs(change) > 0.01,
            "rank_before": d["rank"] + np.r_[5, np.zeros(n - 1, int)],
            "rank_after": d["rank"],
        }
    )
    changes["rank_change"] = changes["rank_before"] - changes["rank_after"]

    combined = float(chosen["delta_connected"].sum()) * 0.9
    summary = dict(base.summary)
    summary["uncertainty"] = {
        "n_boot": 200,
        "level": 0.9,
        "sample_size": 600,
        "top_k": 10,
        "estimator": "bagged",
        "stability": {
            "top_k_overlap": 0.82,
            "threshold": 0.6,
            "low": False,
            "warning": None,
        },
    }
    summary["agreement"] = {
        "spearman": {
            a: {
                b: (1.0 if a == b else 0.8 - 0.05 * abs(i - j))
                for j, b in enumerate(METHODS)
            }
            for i, a in enumerate(METHODS)
        },
        "disagreements": [
            {
                "facet": d["facet"].iloc[2],
                "label": d["label"].iloc[2],
                "ranks": {
                    m: int(r) for m, r in zip(METHODS, [3, 9, 8, 11, 14], strict=True)
                },
            }
        ],
    }
    summary["diagnostics"] = {
        "condition_number": 42.5,
        "vif_max": 3.1,
        "vif_top": {d["facet"].iloc[0]: 3.1, d["facet"].iloc[1]: 2.4},
        "halo_share": 0.38,
        "suppressors": [d["facet"].iloc[-1]],
        "weak_fit": False,
        "cv": {"roc_auc": 0.81, "roc_auc_std": 0.02},
    }
    counts = d["quadrant"].value_counts()
    summary["stated"] = {
        "source": "catalog",
        "rank_correlation": float(
            pd.Series(imp).corr(pd.Series(stated.to_numpy()), method="spearman")
        ),
        "thresholds": {"stated": 1 / n, "derived": 1 / n},
        "counts": {
            q: int(counts.get(q, 0))
            for q in ["core_driver", "hidden_driver", "table_stakes", "low_priority"]
        },
    }
    summary["measures"] = {
        "cronbach_alpha": 0.87,
        "connected_rule": "mean motivator score >= 5.5",
        "tiers": dict(zip(tiers["tier"], tiers["share"], strict=True)),
    }
    summary["value"] = {
        "multiplier": 2.2,
        "multiplier_low": 1.9,
        "multiplier_high": 2.5,
        "value_per_connected": value_per_connected,
        "value_per_connected_low": 1200.0,
        "value_per_connected_high": 1800.0,
        "model": "log-linear regression of value on connection",
        "attrition": {
            "model": "GLM Binomial (logit) churned ~ segment",
            "definition": "churned within a year",
            "rate": {"fully_connected": 0.08, "highly_satisfied": 0.15, "other": 0.21},
            "n": 600,
            "odds_ratio": 0.49,
            "odds_ratio_low": 0.31,
            "odds_ratio_high": 0.77,
            "comparison": "fully_connected vs highly_satisfied",
        },
        "advocacy": None,
    }
    summary["plan"] = {
        "budget": 500_000.0,
        "spent": float(chosen["cost"].sum()),
        "population": population,
        "value_per_connected": value_per_connected,
        "value_source": "value_link",
        "combined_delta_connected": combined,
        "combined_delta_connected_low": combined * 0.6,
        "combined_delta_connected_high": combined * 1.4,
        "sum_individual_delta_connected": float(chosen["delta_connected"].sum()),
        "combined_delta_value": combined * population * value_per_connected,
        "roi": combined * population * value_per_connected / float(chosen["cost"].sum())
        - 1,
        "points": 1,
        "selected_within_noise": list(chosen.loc[~chosen["beyond_noise"], "facet"]),
        "noise": {
            "alpha": 0.1,
            "correction": "fdr_bh",
            "n_raise": int(roi["beyond_noise"].sum()),
            "n_lower": 0,
            "rule": "beyond noise: the bootstrap p-value of the change against zero "
            f"stays below 0.1 after the Benjamini-Hochberg correction over the {n} "
            "touchpoints, so on average at most 10% of those flagged are false; it "
            "covers sampling noise, not a bias of the model",
        },
        "assumption": (
            "Each scenario moves only the facets it names; every other rating of a "
            "respondent stays as it is."
        ),
    }
    flagged = changes.loc[changes["flagged"]]
    summary["tracking"] = {
        "waves": {"before": "2026Q2", "after": "2026Q3"},
        "sample_size": {"before": 600, "after": 600},
        "n_facets": n,
        "added": [],
        "dropped": [],
        "n_flagged": len(flagged),
        "flagged": {
            "up": list(flagged.loc[flagged["change"] > 0, "facet"]),
            "down": list(flagged.loc[flagged["change"] < 0, "facet"]),
        },
        "top10": {"entered": [d["facet"].iloc[0]], "left": []},
        "kpis": {
            "connected_share": {
                "before": 0.23,
                "after": 0.25,
                "change": 0.02,
                "change_low": -0.01,
                "change_high": 0.05,
                "beyond_noise": False,
            },
            "value_multiplier": {"before": 2.1, "after": 2.2, "change": 0.1},
            "attrition.odds_ratio": {"before": 0.52, "after": 0.49, "change": -0.03},
        },
        "rule": "A facet is flagged when its change is beyond noise (Holm, 5%).",
        "alpha": 0.05,
        "correction": "holm",
        "uncertainty": "replicates",
    }
    segment_drivers, summary["segments"] = _segment_drivers(d, rng)
    value_drivers, summary["value_drivers"] = _value_drivers(roi, value_per_connected)
    tables = {
        "segment_drivers": segment_drivers,
        "value_drivers": value_drivers,
        "drivers": d,
        "stages": stages,
        "methods": methods,
        "motivators": motivators,
        "tiers": tiers,
        "roi": roi,
        "plan": plan,
        "changes": changes,
    }
    return replace(base, tables=tables, summary=summary)


def _segment_drivers(d: pd.DataFrame, rng) -> tuple[pd.DataFrame, dict]:
    """Two ranked segments and one too small; the top facet differs."""
    parts = []
    for name, n in (("Advised", 1800), ("Self-directed", 3000)):
        share = _shares(d["importance"].to_numpy() * rng.uniform(0.7, 1.3, len(d)))
        part = d[["facet", "label"]].assign(segment=name, n=n, importance=share)
        part["importance_low"] = share * 0.8
        part["importance_high"] = share * 1.2
        part["rank"] = part["importance"].rank(ascending=False, method="first")
        part["delta_connected"] = share * 0.2
        part["delta_connected_low"] = share * 0.1
        part["delta_connected_high"] = share * 0.3
        parts.append(part.assign(p_top=0.5, ranked=True, note=None))
    parts.append(
        d[["facet", "label"]].assign(
            segment="Retirement",
            n=120,
            ranked=False,
            note="not ranked: 120 respondents, below the minimum of 300",
        )
    )
    table = pd.concat(parts, ignore_index=True)
    p = pd.Series(np.linspace(0.001, 1, len(d)), index=d["facet"])
    table["p_differ"] = table["facet"].map(p)
    table["p_differ_adj"] = table["facet"].map(np.minimum(p * len(d), 1))
    table["differs"] = table["p_differ_adj"] < 0.05
    sizes = {
        "Advised": {"n": 1800, "ranked": True, "note": None, "stability": None},
        "Self-directed": {"n": 3000, "ranked": True, "note": None, "stability": None},
        "Retirement": {"n": 120, "ranked": False, "note": parts[-1]["note"].iloc[0]},
    }
    summary = {"min_size": 300, "alpha": 0.05, "segments": sizes, "note": None}
    return table, summary


def _value_drivers(roi: pd.DataFrame, vpc: float) -> tuple[pd.DataFrame, dict]:
    """Value drivers: the connection part from roi, a direct part on top."""
    via = roi["delta_connected"].to_numpy() * vpc
    total = via + np.linspace(40, -5, len(roi))
    table = pd.DataFrame(
        {
            "facet": roi["facet"],
            "label": roi["label"],
            "importance": _shares(np.abs(total) + 1),
            "delta_mean_value": total,
            "delta_mean_value_low": total - 10,
            "delta_mean_value_high": total + 10,
            "delta_mean_value_via_connection": via,
            "share_via_connection": via / total,
        }
    )
    table["importance_low"] = table["importance"] * 0.8
    table["importance_high"] = table["importance"] * 1.2
    summary = {"objective": "tweedie", "fit": {"r2": 0.31}, "n_boot": 20}
    return table.sort_values("delta_mean_value", ascending=False), summary
