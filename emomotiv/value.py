"""The value of emotional connection: statsmodels fits from tier to value.

Customers fall into connection tiers by connection and satisfaction
(:func:`emomotiv.measures.connection_tiers`). Three models link the tiers
to what a customer is worth, each a GLM with survey weights
(``var_weights``) and heteroskedasticity-robust (HC0 sandwich) standard
errors:

- **value**: ``log E[value] = b0 + b1 fully_connected + b2 highly_satisfied``
  (reference: unconnected), Gamma with a log link (Poisson quasi-likelihood
  when some values are 0). With tier indicators only, the fitted means are
  the weighted tier means, so ``exp(b1 - b2)`` is the ratio of mean value,
  fully connected over highly satisfied: the **multiplier**, with a
  delta-method interval on the log scale. OLS on log value is not offered:
  it estimates a ratio of geometric means, which differs from the ratio of
  means whenever the spread of value differs between tiers.
- **attrition** (a 0/1 churn column) and **advocacy** (a promoter flag: the
  recommend rating ``>= promoter_threshold``, 9 on the 0-10 scale, or a 0/1
  column as is): logit on the same indicators; odds ratios of fully connected
  over highly satisfied, and modelled rates per tier.

**Value per connected customer** is the modelled mean value of a fully
connected customer minus that of the average customer who is not connected
(unconnected and highly satisfied mixed in their weighted proportions): what
one more connected customer, won from today's unconnected pool, adds. Its
interval is by the delta method. The ROI simulation multiplies it by the
change in the number of connected customers. A tier of fewer than 10
respondents is too small to compare as a tier (no multiplier), but its
customers are still not connected: the value per connected customer is then
fitted on two groups, connected and not, and ``n`` counts them (the note
says so).

A ratio of tier means can rest on one record: ``summary["warning"]`` says
so when a compared group (the fully connected, the highly satisfied of the
multiplier, the customers who are not connected) holds fewer than
:data:`MIN_HOLDERS` value holders in effect (Kish's size of weight x value
within the group), naming the group and the largest record's share.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ._validation import (
    ValidationError,
    as_numbers,
    check_aligned,
    check_choice,
    check_float,
    check_weights,
    too_large,
    unit_weights,
)
from .results import ValueLink

__all__ = ["definition_warning", "value_of_connection"]

FAMILIES = ("auto", "gamma", "poisson")
TIERS = ("unconnected", "highly_satisfied", "fully_connected")
MIN_TIER = 10
MIN_HOLDERS = 5
"""Fewest effective holders of a compared group's value (Kish's size of
weight x value within the group) before :func:`value_of_connection` warns
that a few records decide its mean. On clean ``make_survey`` data (300 to
20,000 respondents, several seeds) the smallest group holds 17 in effect."""


#: the note of a link without a highly satisfied respondent: no multiplier
NO_SATISFIED = (
    "no multiplier: no highly satisfied respondents to compare connected customers with"
)


def _design(tiers: np.ndarray, present: list[str]) -> np.ndarray:
    cols = [np.ones(len(tiers))]
    cols += [(tiers == s).astype(float) for s in present[1:]]
    return np.column_stack(cols)


def _without_data(fit):
    """A statsmodels result without its respondent-length arrays (memory: a
    million respondents hold hundreds of MB per model); ``summary()``, the
    estimates and their covariance keep working, as the figures the summary
    reads are computed first and its scalars (log-likelihoods, deviance) kept:
    statsmodels 0.14 clears them too, and its ``summary()`` then fails."""
    fit.summary()
    scalars = {k: v for k, v in fit._cache.items() if np.ndim(v) == 0}
    fit.remove_data()
    fit._cache.update(scalars)
    return fit


def _concentration(y, w, groups: dict[str, np.ndarray]) -> str | None:
    """A plain warning when a few records hold most of the value of a group
    the link compares (fewer than :data:`MIN_HOLDERS` in effect, Kish's size
    of weight x value): the group's mean, and so the multiplier or the value
    per connected customer, then rests on them."""
    found = []
    for name, rows in groups.items():
        held = w[rows] * y[rows]
        held = held[held > 0]
        if not len(held):
            continue
        size = float(held.sum() ** 2 / (held**2).sum())
        if size < MIN_HOLDERS:
            found.append(
                f"the {name} ({size:.1f} in effect; one record holds "
                f"{held.max() / held.sum():.0%} of their value)"
            )
    if not found:
        return None
    return (
        f"A few records hold the value of {' and of '.join(found)}. They decide "
        "the multiplier and the value per connected customer; check those "
        "records for a code (999999), a value in another unit or a one-off "
        "account, or trim the extreme values."
    )


def definition_warning(outcome: ArrayLike, tiers: ArrayLike, rule: str) -> str | None:
    """A plain warning when the value link's fully connected (a motivator
    rule) are not the 0/1 outcome's connected customers.

    The driver model, the simulated gains and the plan count the outcome's
    connected customers; the value per connected customer that prices those
    gains is the gap of the rule's group. The warning says how many
    outcome-connected respondents the rule does not count as connected, and
    the reverse; None when the two agree.

    Parameters
    ----------
    outcome : array-like of 0/1
        The connection outcome.
    tiers : array-like
        The value link's tiers (:func:`emomotiv.measures.connection_tiers`).
    rule : str
        The rule in words (``ConnectionMeasures.connected_rule``).

    Examples
    --------
    >>> tiers = ["fully_connected", "unconnected", "unconnected", "fully_connected"]
    >>> definition_warning([1, 1, 0, 1], tiers, "score >= 70")[:40]
    'Fully connected in the value link means '
    >>> definition_warning([1, 0, 0, 1], tiers, "score >= 70") is None
    True
    """
    seg = np.asarray(pd.Series(tiers).astype(object))
    y = np.asarray(pd.to_numeric(pd.Series(np.asarray(outcome)), errors="coerce"))
    known = ~pd.isna(seg) & ~np.isnan(y)
    by_rule = seg == "fully_connected"
    by_outcome = y == 1
    missed = int((known & by_outcome & ~by_rule).sum())
    extra = int((known & by_rule & ~by_outcome).sum())
    if not (missed or extra):
        return None
    return (
        f"Fully connected in the value link means {rule}, not the connection "
        f"outcome: {missed:,} of the {int((known & by_outcome).sum()):,} "
        "respondents connected by the outcome are not connected by that rule, "
        f"and {extra:,} connected by the rule are not by the outcome. The plan's "
        "gains are in the outcome's connected share, priced at the value gap of "
        "the rule's group (the multiplier and the value per connected customer "
        "are the rule's). To price the gains by the outcome's own gap, leave "
        "the rule at its default (the outcome) or give value_per_connected."
    )


def _z(level: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(0.5 + level / 2))


def _observed_rates(y, tiers, present, w) -> dict[str, float]:
    """Each tier's weighted share of 1s (the tier model's fit: it is
    saturated)."""
    rates = {}
    for seg in present:
        rows = tiers == seg
        weights = w[rows] if w[rows].sum() > 0 else None
        rates[seg] = float(np.average(y[rows], weights=weights))
    return rates


def _no_odds_ratio(rates: Mapping[str, float], present, said: Mapping[float, str]):
    """Why the odds ratio of the fully connected over the highly satisfied is
    not defined, or None: every respondent's flag is the same (``said``: 0 or
    1 -> what that means), or one of the two tiers holds only 0s or only 1s
    (its odds are 0 or infinite)."""
    if len(set(rates.values())) == 1 and next(iter(rates.values())) in said:
        return f"no odds ratio: {said[next(iter(rates.values()))]}"
    compared = ("fully_connected", "highly_satisfied")
    if not set(compared) <= set(present):
        return None  # no ratio to give (the rates are the link's figures)
    for seg in compared:
        if rates[seg] in (0.0, 1.0):
            return (
                f"no odds ratio: the rate among the {seg.replace('_', ' ')} is "
                f"{rates[seg]:.0%}, so their odds are "
                f"{'0' if rates[seg] == 0 else 'infinite'}"
            )
    return None


def _logit_link(y, tiers, present, w, level, name, how, said) -> tuple[dict, object]:
    """The tiers' rates of a 0/1 flag and the odds ratio of the fully
    connected over the highly satisfied (a logit on the tiers), with a
    ``note`` instead of the odds ratio where it is not defined."""
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

    rates = _observed_rates(y, tiers, present, w)
    out: dict = {
        "model": f"GLM Binomial (logit) {name} ~ tier, survey weights, HC0",
        "definition": how,
        "rate": rates,
        "n": len(y),
    }
    note = _no_odds_ratio(rates, present, said)
    if note is not None:  # a fit would report a made-up ratio of about 1
        return out | {"note": note}, None
    X = _design(tiers, present)
    with warnings.catch_warnings():  # a third tier's rate of 0: said by its rate
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        model = sm.GLM(y, X, family=sm.families.Binomial(), var_weights=w)
        fit = _without_data(model.fit(cov_type="HC0"))
    for k, seg in enumerate(present):  # the fit's, as the odds ratio's
        eta = fit.params[0] + (fit.params[k] if k else 0.0)
        rates[seg] = float(1 / (1 + np.exp(-eta)))
    z = _z(level)
    if "fully_connected" in present and "highly_satisfied" in present:
        i, j = present.index("fully_connected"), present.index("highly_satisfied")
        c = np.zeros(len(present))
        c[i], c[j] = 1, -1
        est = float(c @ fit.params)
        se = float(np.sqrt(c @ fit.cov_params() @ c))
        out |= {
            "odds_ratio": float(np.exp(est)),
            "odds_ratio_low": float(np.exp(est - z * se)),
            "odds_ratio_high": float(np.exp(est + z * se)),
            "comparison": "fully_connected vs highly_satisfied",
        }
    return out, fit


def value_of_connection(
    value: ArrayLike,
    tiers: ArrayLike,
    *,
    sample_weight: ArrayLike | None = None,
    churned: ArrayLike | None = None,
    advocacy: ArrayLike | None = None,
    promoter_threshold: float = 9.0,
    family: str = "auto",
    level: float = 0.9,
) -> ValueLink:
    """Fit how connection links to value, attrition and advocacy.

    Parameters
    ----------
    value : array-like of shape (n,)
        Customer value (lifetime value or revenue), >= 0.
    tiers : array-like of shape (n,)
        ``unconnected``, ``highly_satisfied`` or ``fully_connected``
        (:func:`emomotiv.measures.connection_tiers`).
    sample_weight : array-like or None
        Survey weights (``var_weights`` in every fit).
    churned : array-like of 0/1 or None
        Attrition flags; fits the attrition logit.
    advocacy : array-like or None
        Recommendation rating (promoter when ``>= promoter_threshold``) or a
        0/1 promoter flag; fits the advocacy logit.
    promoter_threshold : float, default=9.0
        Rating at or above which a respondent is a promoter.
    family : {"auto", "gamma", "poisson"}, default="auto"
        Value model: Gamma GLM with log link, or Poisson quasi-likelihood
        (log link; allows zeros). ``"auto"``: Gamma unless a value is 0.
    level : float, default=0.9
        Confidence level.

    Returns
    -------
    ValueLink
        ``summary`` (multiplier, value per connected customer, attrition,
        advocacy, with intervals), ``table`` (per tier) and ``models``.

    Raises
    ------
    ValidationError
        Negative, infinite or missing values, every value 0, a churn column
        that is not 0/1, or fewer than 10 fully connected respondents.

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=2000, n_facets=10, random_state=0)
    >>> seg = em.connection_tiers(s.survey["connected"], s.survey["satisfaction"])
    >>> link = value_of_connection(s.survey["value"], seg,
    ...                            sample_weight=s.survey["weight"])
    >>> 1.5 < link.summary["multiplier"] < 3.5
    True
    """
    import statsmodels.api as sm

    owner = "value_of_connection"
    check_choice(family, "family", owner, FAMILIES)
    check_aligned(
        tiers, "tiers", value=value, sample_weight=sample_weight, churned=churned,
        advocacy=advocacy,
    )  # fmt: skip
    level = check_float(level, "level", owner, low=0.0, high=1.0, inclusive=False)
    promoter_threshold = check_float(promoter_threshold, "promoter_threshold", owner)
    y, text = as_numbers(value)
    y = y.ravel()
    seg = np.asarray(pd.Series(tiers).astype(object))
    # at mean 1: statsmodels' IRLS stops on an absolute change in deviance,
    # which weights of 1e-8 shrink (a logit link off by 0.2%)
    w = unit_weights(check_weights(sample_weight, len(y)))
    problems = []
    if len(seg) != len(y):
        problems.append(f"value has {len(y)} entries but tiers {len(seg)}.")
    if text:
        problems.append(f"The value column holds text in {text}; code it as numbers.")
    elif np.isnan(y).any():
        problems.append(f"The value column has {int(np.isnan(y).sum())} empty cells.")
    if (y < 0).any():
        problems.append(f"The value column has {int((y < 0).sum())} negative values.")
    if np.isinf(y).any():
        problems.append(
            f"The value column has {int(np.isinf(y).sum())} infinite values; fix "
            "those cells."
        )
    if huge := too_large(y):
        problems.append(f"The value column has {huge}.")
    if not text and len(y) and (y == 0).all():
        problems.append("Every value is 0, so connection cannot be linked to value.")
    unknown = sorted(set(seg[~pd.isna(seg)]) - set(TIERS))
    if unknown:
        problems.append(f"Unknown tiers: {unknown}; expected {list(TIERS)}.")
    weighted = w > 0 if len(seg) == len(y) else True  # weight 0: left out
    n_conn = int(((seg == "fully_connected") & weighted).sum())
    if n_conn < MIN_TIER:
        problems.append(
            f"Only {n_conn} fully connected respondents; at least {MIN_TIER} "
            "are needed to value connection."
        )
    if problems:
        raise ValidationError(problems, subject="value data")

    present = [s for s in TIERS if ((seg == s) & weighted).sum() >= MIN_TIER]
    keep = np.isin(seg, present) & weighted
    rows = np.isin(seg, TIERS) & weighted  # every tier: the value per connected
    # the family of the tier fit, read on its rows (a 0 in a tier too small
    # to compare decides nothing here; the two-group fit checks its own)
    if family == "auto":
        family = "gamma" if (y[keep] > 0).all() else "poisson"
    if family == "gamma" and (y[keep] <= 0).any():
        raise ValidationError(
            ["A Gamma value model needs values > 0; use family='poisson'."],
            subject="value data",
        )
    fam = (
        sm.families.Gamma(sm.families.links.Log())
        if family == "gamma"
        else sm.families.Poisson()
    )
    X = _design(seg[keep], present)
    try:
        fit = sm.GLM(y[keep], X, family=fam, var_weights=w[keep]).fit(cov_type="HC0")
    except (np.linalg.LinAlgError, ValueError) as err:
        # values far apart in size (1e30 among hundreds): no fit converges
        kept = y[keep]
        raise ValidationError(
            [
                f"The value model could not be fitted ({err}). Its values run "
                f"from {kept.min():.3g} to {kept.max():.3g} (median "
                f"{np.median(kept):.3g}): where the largest are far from the "
                "rest, check them (another unit, or a code?)."
            ],
            subject="value data",
        ) from err
    fit = _without_data(fit)
    b, V = fit.params, fit.cov_params()
    z = _z(level)
    idx = {s: k for k, s in enumerate(present)}
    mu = {s: float(np.exp(b[0] + (b[idx[s]] if idx[s] else 0.0))) for s in present}

    def grad_mu(s: str) -> np.ndarray:
        g = np.zeros(len(present))
        g[0] = mu[s]
        if idx[s]:
            g[idx[s]] = mu[s]
        return g

    summary: dict = {
        "model": (
            f"GLM {'Gamma (log link)' if family == 'gamma' else 'Poisson QMLE'} "
            f"value ~ tier (reference {present[0].replace('_', ' ')}), survey "
            "weights, HC0"
        ),
        "level": level,
        "multiplier": None,
        "multiplier_low": None,
        "multiplier_high": None,
        "n": int(keep.sum()),
    }
    # a tier whose values are all 0 has a mean of 0: its log is -inf, which the
    # fit reads as a huge finite coefficient (a multiplier of 1e14, or 1e-15);
    # a respondent of weight 0 is not in the fit, so neither in its mean
    zero = [
        s
        for s in ("fully_connected", "highly_satisfied")
        if s in present and not (y[keep & (seg == s)] > 0).any()
    ]
    if "highly_satisfied" in present and not zero:
        # log(mean fully connected) - log(mean highly satisfied): each tier's
        # coefficient, 0 for the reference tier (the intercept is shared)
        c = np.zeros(len(present))
        for tier, sign in (("fully_connected", 1), ("highly_satisfied", -1)):
            if idx[tier]:
                c[idx[tier]] = sign
        est, se = float(c @ b), float(np.sqrt(c @ V @ c))
        summary |= {
            "multiplier": float(np.exp(est)),
            "multiplier_low": float(np.exp(est - z * se)),
            "multiplier_high": float(np.exp(est + z * se)),
        }
    elif zero:
        summary["note"] = (
            f"no multiplier: every {' and every '.join(zero).replace('_', ' ')} "
            "respondent has a value of 0, so the ratio of mean values is 0 or "
            "infinite, with no interval; the tier means are in the tier table"
        )
    else:
        n_satisfied = int(((seg == "highly_satisfied") & weighted).sum())
        summary["note"] = (
            f"no multiplier: only {n_satisfied} highly satisfied respondent"
            f"{'' if n_satisfied == 1 else 's'}, fewer than the {MIN_TIER} a tier "
            "needs, to compare connected customers with"
            if n_satisfied
            else NO_SATISFIED
        )
    others = [s for s in present if s != "fully_connected"]
    # a tier too small to compare as a tier still holds customers who are
    # not connected: then connected and not connected are fitted as two groups
    small = [
        s
        for s in TIERS
        if s not in present and s != "fully_connected" and ((seg == s) & weighted).any()
    ]
    n_other = int((rows & (seg != "fully_connected")).sum())
    if small and n_other >= MIN_TIER:
        connected = (seg[rows] == "fully_connected").astype(float)
        X2 = np.column_stack([np.ones(len(connected)), connected])
        fam2 = fam if (y[rows] > 0).all() else sm.families.Poisson()  # a 0 among them
        fit2 = sm.GLM(y[rows], X2, family=fam2, var_weights=w[rows]).fit(cov_type="HC0")
        b2, V2 = fit2.params, fit2.cov_params()
        mu_c, mu_n = float(np.exp(b2[0] + b2[1])), float(np.exp(b2[0]))
        grad = np.array([mu_c - mu_n, mu_c])
        vpc, se = mu_c - mu_n, float(np.sqrt(grad @ V2 @ grad))
        others = ["not connected"]
        summary["n"] = int(rows.sum())
        n_small = " and ".join(
            f"{int(((seg == s) & weighted).sum())} {s.replace('_', ' ')}" for s in small
        )
        counted = (
            f"n counts the {n_small} respondents, too few to compare as a tier: "
            "they are among those not connected in the value per connected "
            "customer, not in the multiplier or the tier table"
        )
        summary["note"] = "; ".join(filter(None, [summary.get("note"), counted]))
    else:
        mix = np.array([w[seg == s].sum() for s in others])
        mix = mix / mix.sum()
        base = float(sum(p * mu[s] for p, s in zip(mix, others, strict=True)))
        grad = grad_mu("fully_connected") - sum(
            p * grad_mu(s) for p, s in zip(mix, others, strict=True)
        )
        vpc = mu["fully_connected"] - base
        se = float(np.sqrt(grad @ V @ grad))
    summary |= {
        "value_per_connected": vpc,
        "value_per_connected_low": vpc - z * se,
        "value_per_connected_high": vpc + z * se,
        "value_per_connected_basis": (
            "mean value of a fully connected customer minus that of the "
            "average customer who is not connected"
        ),
        "mean_value": {s: mu[s] for s in present},
    }
    if not others or n_other < MIN_TIER:  # the gap is not the connected mean
        keys = ("value_per_connected", "value_per_connected_low")
        summary |= dict.fromkeys((*keys, "value_per_connected_high"))
        summary["note"] = (
            "no multiplier and no value per connected customer: fewer than "
            f"{MIN_TIER} respondents are unconnected or highly satisfied, too "
            "few to compare connected customers with"
        )
    groups = {"fully connected": rows & (seg == "fully_connected")}
    if summary["multiplier"] is not None:
        groups["highly satisfied"] = keep & (seg == "highly_satisfied")
    if summary["value_per_connected"] is not None:
        groups["customers who are not connected"] = rows & (seg != "fully_connected")
    summary["warning"] = _concentration(y, w, groups)
    table = pd.DataFrame({"tier": present})
    table["mean_value"] = [mu[s] for s in present]
    rel = np.array([np.sqrt(grad_mu(s) @ V @ grad_mu(s)) / mu[s] for s in present])
    table["mean_value_low"] = table["mean_value"] * np.exp(-z * rel)
    table["mean_value_high"] = table["mean_value"] * np.exp(z * rel)
    models = {"value": fit}

    summary["attrition"] = summary["advocacy"] = None
    if churned is not None:
        c = np.asarray(pd.to_numeric(pd.Series(np.asarray(churned)), errors="coerce"))
        if not set(np.unique(c[keep])) <= {0.0, 1.0}:
            raise ValidationError(
                ["The churn column must be 0/1 (1 = the customer left)."],
                subject="value data",
            )
        said = {0.0: "no respondent churned", 1.0: "every respondent churned"}
        summary["attrition"], models["attrition"] = _logit_link(
            c[keep], seg[keep], present, w[keep], level, "churned", "churned = 1", said
        )
        table["attrition_rate"] = [summary["attrition"]["rate"][s] for s in present]
    if advocacy is not None:
        a = np.asarray(pd.to_numeric(pd.Series(np.asarray(advocacy)), errors="coerce"))
        a = a[keep]
        ok = ~np.isnan(a)
        binary = set(np.unique(a[ok])) <= {0.0, 1.0}
        promoter = a if binary else (a >= promoter_threshold).astype(float)
        how = (
            "promoter flag = 1"
            if binary
            else f"promoter: recommendation >= {promoter_threshold:g}"
        )
        top = float(np.max(a[ok])) if ok.any() else np.nan
        said = {
            0.0: "no respondent is a promoter"
            + (
                ""
                if binary
                else f" (recommendation >= {promoter_threshold:g}; the highest "
                f"answer is {top:g}: set the promoter threshold on the "
                "question's own scale, --promoter-threshold)"
            ),
            1.0: "every respondent is a promoter"
            + ("" if binary else f" (recommendation >= {promoter_threshold:g})"),
        }
        summary["advocacy"], models["advocacy"] = _logit_link(
            promoter[ok],
            seg[keep][ok],
            present,
            w[keep][ok],
            level,
            "promoter",
            how,
            said,
        )
        table["promoter_rate"] = [summary["advocacy"]["rate"][s] for s in present]
    return ValueLink(summary, table, models)
