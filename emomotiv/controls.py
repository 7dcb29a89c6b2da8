"""Controls: what the model must see but no scenario moves.

Two kinds of column join the facet ratings in the driver model's design
matrix:

- **the halo score** (``__halo__``): each respondent's general warmth toward
  the brand and use of the rating scale, estimated from their own ratings.
  Warmth lifts every rating a respondent gives *and* is part of feeling
  connected, so without it a predictive model credits any highly rated
  touchpoint with what belongs to who rates it (Büschken, Otter & Allenby
  2013; Rossi, Gilula & Allenby 2001 on scale-usage heterogeneity). With it,
  a facet's importance and simulated gain are what the facet adds *given*
  the respondent's warmth;
- **context controls** named by the user (purpose of the purchase, product,
  class of service, tenure, region, age): numeric columns enter as they are,
  categorical ones as one indicator column per level (``column=level``);
  missing values stay missing, as unrated facets do.

Controls are scored (their share of importance, and its direction, goes to
``controls.csv`` and the report's "what the touchpoints do not explain") but
never ranked among the touchpoints, never moved by a scenario and never
funded by the plan.

How the halo score is computed (:func:`halo_score`). Ratings are first
standardised within each facet over the respondents who rated it (weighted),
so that a facet everybody rates 9 does not count as warmth; then, over the
facets each respondent rated (missing-aware):

- ``"mean"``: the mean of their standardised ratings;
- ``"factor"``: a one-factor score: each facet weighted by its loading on the
  first principal component of the pairwise correlation matrix over its
  uniqueness (Bartlett's score), so that facets that carry more of the
  shared warmth count more;
- ``"profile"``: ``"mean"`` plus a second column, the spread of the
  respondent's standardised ratings (``__spread__``): scale use has a level
  (some rate everything high) and a width (some use the whole range);
- ``"components"``: the respondent's scores on the leading principal
  components of the pairwise correlation matrix, one component per
  :data:`FACETS_PER_COMPONENT` facets (at least two): ``__halo__`` on the
  first, ``__halo_2__``, ``__halo_3__``, ... on the others, each the
  probabilistic-PCA posterior mean given the facets the respondent rated
  (Tipping & Bishop 1999; a respondent who rated few is pulled toward the
  average). Warmth and scale use both lift every rating, so one score
  cannot tell them apart; several dimensions of the respondent's profile
  (warmth, scale use, the journey stages) let the model hold fixed the part
  that moves connection;
- ``"none"``: no halo score.

The score is computed once, on all respondents, and then held fixed: a
scenario that raises one rating leaves the respondent's warmth as it was.
It reads the ratings only (never the outcome), the raised one included.

What :func:`design_matrix` checks: one error lists every problem of the
named controls (absent, a facet, named twice, without a single value); a
warning names a numeric control that nearly copies a facet (it would take
the facet's effect, and no scenario moves it), a control that alone
accounts for most of the outcome's variation (given ``y``: the outcome, or
what follows from it), a numeric control holding a "no answer" code (999)
and a facet whose ratings go against the respondent's others (a scale that
runs from best to worst, which the halo score would read as warmth).

What a control should be that is not one: :func:`routed_facets` names the
facets rated (nearly) only within one level of a segment column the model
does not see (a lounge only Premium customers can use). The model cannot
tell such a facet from the segment, so its importance and a reach scenario's
gain carry what sets the segment apart; :func:`emomotiv.analyze` warns of
them (:func:`routing_warning`) with the segment as the control to give.
:func:`usage_led_facets` names the facets whose importance comes mostly from
*who* rated them rather than *how*: a touchpoint used mostly by customers who
are already connected (whose missing ratings the model reads as "not
connected"), or mostly by those who are not (a help line, used by those who
had a problem) (:func:`usage_warning`).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ._stats import (
    column_moments,
    row_chunk,
    row_chunks,
    weighted_corr_columns,
    weighted_corr_matrix,
)
from ._validation import (
    EmomotivWarning,
    ValidationError,
    check_aligned,
    check_choice,
    check_frame,
    check_weights,
    column_list,
    did_you_mean,
    listed,
    preview,
)

__all__ = [
    "HALO_METHODS",
    "Design",
    "design_matrix",
    "encode_controls",
    "halo_score",
    "partial_out",
    "usage_led_facets",
    "usage_shares",
    "usage_warning",
]

HALO_METHODS = ("none", "mean", "factor", "profile", "components")
HALO = "__halo__"
# the halo score's model columns (every method's): no control may take them
RESERVED = re.compile(r"__(halo(_\d+)?|spread)__")


def design_hint(missing: list[str], *, controls: bool = True) -> str:
    """How to rebuild the columns an analysis adds (the halo score's
    ``__halo__``, a context control's ``column=level``), when X lacks them;
    ``controls`` also says to name them as controls (for an explanation).

    Examples
    --------
    >>> design_hint(["__halo__", "purpose=saving"], controls=False)[:58]
    " '__halo__', 'purpose=saving' are columns em.design_matrix"
    >>> design_hint(["mobile_app"])
    ''
    """
    made = [
        str(name)
        for name in missing
        if (str(name).startswith("__") and str(name).endswith("__")) or "=" in str(name)
    ]
    if not made:
        return ""
    named = ", with controls=design.columns," if controls else ""
    return (
        f" {preview(made)} {'is a column' if len(made) == 1 else 'are columns'} "
        "em.design_matrix makes (the halo score the analysis controls for, a "
        f"context control's 'column=level'): pass design.matrix{named} where "
        "design = em.design_matrix(X, data=survey, halo=..., controls=[...], "
        "sample_weight=...) with the analysis's settings."
    )


SPREAD = "__spread__"
FACETS_PER_COMPONENT = 8  # ``"components"``: 12 components for 100 facets
HALO_LABEL = "General warmth (halo)"
MIN_FACETS = 3
MAX_LEVELS = 30
OTHER = "(other)"
CODES = (99, 999, 9999, 99999, 999999)  # "no answer" in survey exports
COPY_CORR = 0.95  # a numeric control this correlated with a facet copies it
LEAK_SHARE = 0.8  # a control that explains this much of the outcome is it
# ... and this much is more than customer context known before the experience
# usually explains (docs/concepts/halo.md: what it caught, what it let by)
SUSPECT_SHARE = 0.3
LEAK_BANDS = 20  # a number's bands of values, for that share
REVERSED_CORR = -0.2  # a facet this far against the others runs best to worst
MIN_PAIRS = 50  # respondents a warning rests on, at least
# a facet this much of whose weighted raters are in one level of a column the
# model does not see, a level holding less than ROUTED_LEVEL of the
# respondents, is routed by it (a lounge only Premium customers can use)
ROUTED_SHARE = 0.95
ROUTED_LEVEL = 0.6
# a facet this much of whose mean |SHAP| is the gap between its raters' and its
# non-raters' mean SHAP rests on who rated it: no-effect facets rated mostly by
# the connected measured 0.99 to 1, true drivers of make_survey at most 0.92
# (docs/concepts/shap.md, "Importance from who uses a touchpoint")
USAGE_SHARE = 0.95


def _standardise(values: np.ndarray, mean: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """Each column centred and scaled by its raters' mean and sd; NaN kept."""
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (values - mean) / np.where(sd > 0, sd, np.nan)
    return np.where(~np.isnan(values) & (sd > 0), z, np.nan)


def _row_score(z: np.ndarray, loading: np.ndarray | None = None) -> np.ndarray:
    """Missing-aware score of each row over its non-missing entries.

    Without loadings, the row mean; with loadings ``l`` (uniqueness ``1 - l²``),
    Bartlett's factor score ``sum(l z / u) / sum(l² / u)`` over the rated
    facets.
    """
    seen = ~np.isnan(z)
    if loading is None:
        num_coef = den_coef = np.ones(z.shape[1])
    else:
        num_coef = loading / (1 - loading**2)
        den_coef = loading * num_coef
    num = np.where(seen, z * num_coef, 0.0).sum(axis=1)
    den = (seen * den_coef).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def _first_loadings(values: pd.DataFrame, weights: np.ndarray) -> np.ndarray:
    """Loadings on the first principal component of the correlation matrix."""
    eigval, eigvec = np.linalg.eigh(_correlation(values, weights))
    loading = eigvec[:, -1] * np.sqrt(max(eigval[-1], 0.0))
    if loading.sum() < 0:
        loading = -loading
    return np.clip(loading, 0.0, 0.95)


def _correlation(values: pd.DataFrame, weights: np.ndarray) -> np.ndarray:
    """Pairwise correlation matrix, a pair never rated together counted 0."""
    corr = weighted_corr_matrix(values, weights)
    corr = np.where(np.isfinite(corr), corr, 0.0)
    np.fill_diagonal(corr, 1.0)
    return corr


def _leading_loadings(
    values: pd.DataFrame, weights: np.ndarray, k: int
) -> tuple[np.ndarray, float]:
    """Probabilistic PCA of the correlation matrix (Tipping & Bishop 1999):
    loadings (facets x k) on the ``k`` leading components and the noise
    variance (the mean of the other eigenvalues).

    The first component is signed so that its loadings sum to a positive
    number (warmer respondents score higher), each other so that its largest
    loading is positive.
    """
    eigval, eigvec = np.linalg.eigh(_correlation(values, weights))
    order = np.argsort(eigval)[::-1]
    top, rest = order[:k], order[k:]
    noise = float(np.clip(eigval[rest], 0.0, None).mean()) if len(rest) else 0.0
    loading = eigvec[:, top] * np.sqrt(np.clip(eigval[top] - noise, 0.0, None))
    largest = loading[np.abs(loading).argmax(axis=0), np.arange(k)]
    sign = np.where(largest < 0, -1.0, 1.0)
    sign[0] = -1.0 if loading[:, 0].sum() < 0 else 1.0
    return loading * sign, noise


def _component_scores(z: np.ndarray, loading: np.ndarray, noise: float) -> np.ndarray:
    """Each row's expected component scores given the facets it rated: the
    probabilistic-PCA posterior mean ``(L'L + noise I)^-1 L'z`` over the
    rated facets' loadings ``L``, which shrinks a component toward 0 the less
    the row's ratings say about it; NaN for a row that rated nothing."""
    seen = ~np.isnan(z)
    p, k = loading.shape
    outer = (loading[:, :, None] * loading[:, None, :]).reshape(p, k * k)
    gram = (seen.astype(float) @ outer).reshape(len(z), k, k)
    gram += max(noise, 1e-6) * np.eye(k)
    rhs = np.where(seen, z, 0.0) @ loading
    scores = np.linalg.solve(gram, rhs[..., None])[..., 0]
    scores[~seen.any(axis=1)] = np.nan
    return scores


def _n_components(n_facets: int) -> int:
    """Components of the ``"components"`` halo design for ``n_facets`` facets.

    One per :data:`FACETS_PER_COMPONENT` facets, rounded down, at least two
    and at most ``n_facets - 1``.

    Examples
    --------
    >>> _n_components(100), _n_components(30), _n_components(5)
    (12, 3, 2)
    """
    return int(min(max(2, n_facets // FACETS_PER_COMPONENT), n_facets - 1))


# respondents below which a halo score, standardised over them, is arbitrary
FEW_TO_SCORE = 30


def halo_score(
    X: pd.DataFrame, *, method: str = "mean", sample_weight: ArrayLike | None = None
) -> pd.DataFrame:
    """Each respondent's general warmth and scale use, from their own ratings.

    Parameters
    ----------
    X : DataFrame of shape (n_respondents, n_facets)
        Facet ratings; NaN = touchpoint not experienced.
    method : {"mean", "factor", "profile", "components", "none"}, default="mean"
        The design (see the module notes): the mean of the respondent's
        within-facet standardised ratings, a one-factor (Bartlett) score, the
        mean plus the spread of those ratings, the scores on the leading
        principal components (one per eight facets), or no score.
    sample_weight : array-like of shape (n_respondents,), default=None
        Survey weights for the within-facet standardisation and the factor.

    Returns
    -------
    DataFrame
        Indexed like ``X``: ``__halo__`` (and ``__spread__`` for
        ``"profile"``, ``__halo_2__``, ``__halo_3__``, ... for
        ``"components"``; no column for ``"none"``). A respondent who rated
        no facet (or fewer than two, for the spread; for ``"factor"``, none
        with a positive loading, such as only a facet scored best to worst)
        gets NaN, which the model treats as it treats an unrated facet.

    Warns
    -----
    EmomotivWarning
        For fewer than :data:`FEW_TO_SCORE` respondents: the standardisation
        over so few makes the score arbitrary (score new respondents within
        a survey of many).

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=400, n_facets=12, random_state=0)
    >>> halo = em.halo_score(s.survey[s.catalog["facet"]])
    >>> list(halo.columns), len(halo)
    (['__halo__'], 400)
    >>> abs(float(halo["__halo__"].mean())) < 0.1
    True
    """
    check_choice(method, "method", "halo_score", HALO_METHODS)
    if not isinstance(X, pd.DataFrame):
        raise TypeError("X must be a DataFrame of facet ratings, one column per facet.")
    check_aligned(X, "X", sample_weight=sample_weight)
    weights = check_weights(sample_weight, len(X))
    if method == "none":
        return pd.DataFrame(index=X.index)
    if len(X) < FEW_TO_SCORE:
        warnings.warn(
            f"The halo score standardises each facet over the respondents given, "
            f"here {len(X)}: so few make it arbitrary (one alone has none). Score "
            "new respondents within a survey of many, such as the one the model "
            "was fitted on.",
            EmomotivWarning,
            stacklevel=2,
        )
    _, mean, var = column_moments(X, weights)
    sd = np.sqrt(var)
    if method == "components":
        return _components_frame(X, weights, mean, sd)
    loading = _first_loadings(X, weights) if method == "factor" else None
    score = np.empty(len(X))
    spread = np.empty(len(X))
    for rows in row_chunks(len(X)):  # a chunk of respondents at a time
        z = _standardise(row_chunk(X, rows), mean, sd)
        score[rows] = _row_score(z, loading)
        if method == "profile":
            spread[rows] = _spread(z, score[rows])
    out = pd.DataFrame({HALO: score}, index=X.index)
    if method == "profile":
        out[SPREAD] = spread
    return out


def _components_frame(X, weights, mean, sd) -> pd.DataFrame:
    """The ``"components"`` design's columns (see :func:`halo_score`)."""
    k = _n_components(X.shape[1])
    loading, noise = _leading_loadings(X, weights, k)
    scores = np.empty((len(X), k))
    for rows in row_chunks(len(X)):
        z = _standardise(row_chunk(X, rows), mean, sd)
        scores[rows] = _component_scores(z, loading, noise)
    names = [HALO, *(f"__halo_{j}__" for j in range(2, k + 1))]
    return pd.DataFrame(scores, index=X.index, columns=names)


def _spread(z: np.ndarray, score: np.ndarray) -> np.ndarray:
    """SD of each row's standardised ratings around its score (two or more)."""
    seen = ~np.isnan(z)
    count = seen.sum(axis=1)
    dev = np.where(seen, z - score[:, None], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        spread = np.sqrt((dev**2).sum(axis=1) / (count - 1))
    return np.where(count >= 2, spread, np.nan)


def _is_numeric(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(
        column
    )


def _levels(column: pd.Series) -> pd.Series:
    """A categorical control's values as text, without surrounding spaces; a
    blank (empty, or spaces only) is missing, as an empty rating is."""
    text = column.astype(object).where(column.notna())
    text = text.map(lambda v: v if v is None or v != v else str(v).strip())
    return text.where(text != "")


def encode_controls(data: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Context columns as model columns: numbers as they are, categories one-hot.

    A numeric column enters as it is (missing stays NaN). Any other column
    (text, category, bool) becomes one 0/1 column per level, named
    ``column=level``, in sorted order of the levels (spaces around a value
    dropped); a respondent whose value is missing or blank has NaN in every
    one of them. Beyond the 30 most frequent levels (a tie broken by name),
    the rest share one ``column=(other)`` column.

    Parameters
    ----------
    data : DataFrame
        The survey.
    columns : sequence of str
        The control columns.

    Returns
    -------
    DataFrame
        The encoded columns, indexed like ``data``; ``attrs["groups"]`` maps
        each encoded column to its control and ``attrs["kinds"]`` each control
        to ``"numeric"`` or ``"categorical"``.

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"purpose": ["business", "leisure", None],
    ...                      "tenure": [1.0, None, 7.0]})
    >>> encode_controls(data, ["purpose", "tenure"])
       purpose=business  purpose=leisure  tenure
    0               1.0              0.0     1.0
    1               0.0              1.0     NaN
    2               NaN              NaN     7.0
    """
    columns = column_list(columns, "columns", "encode_controls")
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ValidationError(
            [
                f"The control column '{c}' is not in the survey."
                f"{did_you_mean(c, data.columns)}"
                for c in missing
            ],
            subject="survey",
        )
    parts: dict[str, np.ndarray] = {}
    groups: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for name in columns:
        column = data[name]
        if _is_numeric(column):
            parts[name] = column.to_numpy(dtype=float)
            groups[name] = name
            kinds[name] = "numeric"
            continue
        kinds[name] = "categorical"
        text = _levels(column)
        counts = text.value_counts()
        # the most frequent levels, a tie by name (the row order changes nothing)
        ranked = sorted(counts.index, key=lambda level: (-counts[level], level))
        if len(ranked) > MAX_LEVELS:
            keep = ranked[:MAX_LEVELS]
            text = text.where(text.isna() | text.isin(keep), OTHER)
        absent = text.isna().to_numpy()
        for level in sorted(text.dropna().unique()):
            dummy = (text == level).to_numpy(dtype=float)
            dummy[absent] = np.nan
            parts[f"{name}={level}"] = dummy
            groups[f"{name}={level}"] = name
    out = pd.DataFrame(parts, index=data.index)
    out.attrs["groups"] = groups
    out.attrs["kinds"] = kinds
    return out


@dataclass(frozen=True, repr=False, eq=False)
class Design:
    """The driver model's design matrix: facets, then the control columns.

    Attributes
    ----------
    matrix : DataFrame
        Facet ratings, then the halo score column(s), then encoded controls.
    facets : list of str
        The facet columns (the only ones a scenario may move).
    groups : dict of str -> str
        Each control column of ``matrix`` -> the control it belongs to
        (``__halo__`` for the halo score columns).
    kinds : dict of str -> str
        Each control -> ``"halo"`` or ``"context"``.
    labels : dict of str -> str
        Each control -> its label in tables and the report.
    halo : str
        The halo design used.
    info : dict
        Notes (why a halo score was skipped, the encodings).

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=300, n_facets=10, random_state=0)
    >>> d = em.design_matrix(s.survey[s.catalog["facet"]], data=s.survey,
    ...                      controls=["customer_type"])
    >>> d
    Design(10 facets; controls: __halo__, customer_type)
    >>> d.kinds
    {'__halo__': 'halo', 'customer_type': 'context'}
    """

    matrix: pd.DataFrame
    facets: list[str]
    groups: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    halo: str = "none"
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def controls(self) -> list[str]:
        """The control names, halo first."""
        return list(self.kinds)

    @property
    def columns(self) -> list[str]:
        """The control columns of ``matrix`` (what no scenario moves)."""
        return list(self.groups)

    def __repr__(self) -> str:
        names = ", ".join(self.controls) or "none"
        return f"Design({len(self.facets)} facets; controls: {names})"


def design_matrix(
    X: pd.DataFrame,
    *,
    data: pd.DataFrame | None = None,
    halo: str = "mean",
    controls: Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
    sample_weight: ArrayLike | None = None,
    y: ArrayLike | None = None,
) -> Design:
    """Facet ratings with the halo score and the encoded context controls.

    Parameters
    ----------
    X : DataFrame of shape (n_respondents, n_facets)
        Facet ratings; NaN = not experienced.
    data : DataFrame or None
        The survey holding the ``controls`` columns (default: ``X``). Its rows
        are matched to ``X``'s by label when it holds every row of ``X``
        (``X`` may be some of the survey's rows), else by position.
    halo : {"mean", "factor", "profile", "components", "none"}, default="mean"
        The halo design (see :func:`halo_score`). Skipped, with a note in
        ``info``, when there are fewer than three facets.
    controls : sequence of str or None
        Context columns (see :func:`encode_controls`).
    labels : mapping of str -> str or None
        Labels for the controls (default: the column name).
    sample_weight : array-like or None
        Survey weights (for the halo score's standardisation and the checks).
    y : array-like of shape (n_respondents,) or None
        The outcome, only to warn of a control that nearly is it; it never
        enters the matrix.

    Returns
    -------
    Design

    Raises
    ------
    ValidationError
        Listing every problem at once: a control column that is not in the
        survey (with the nearest name), is a facet, is named twice, has no
        value at all, or makes a model column that another already makes;
        ``data`` whose rows cannot be matched to ``X``'s.

    Warns
    -----
    EmomotivWarning
        Also kept in ``info["warnings"]``: a numeric control that nearly
        copies a facet, a control that alone accounts for most of the
        outcome's variation (with ``y``), a numeric control holding a code
        such as 999, a facet that goes against the respondent's other
        ratings (a scale that runs from best to worst).

    Examples
    --------
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=300, n_facets=10, random_state=0)
    >>> d = em.design_matrix(s.survey[s.catalog["facet"]], halo="profile")
    >>> list(d.matrix.columns[-2:]), d.groups
    (['__halo__', '__spread__'], {'__halo__': '__halo__', '__spread__': '__halo__'})
    """
    check_choice(halo, "halo", "design_matrix", HALO_METHODS)
    check_frame(X, "X", "design_matrix")
    controls = column_list(controls or [], "controls", "design_matrix")
    check_aligned(X, "X", y=y, sample_weight=sample_weight)
    weights = check_weights(sample_weight, len(X))
    data, problems = _rows_of(X if data is None else data, X)
    problems += _control_problems(data, controls, X.columns)
    if y is not None and len(y) != len(X):
        problems.append(
            f"y has {len(y):,} entries but X {len(X):,} rows: pass the outcome "
            "of the same respondents, one entry each."
        )
    if problems:
        raise ValidationError(problems, subject="survey")
    facets = [str(c) for c in X.columns]
    parts = [X]
    groups: dict[str, str] = {}
    kinds: dict[str, str] = {}
    names: dict[str, str] = {}
    info: dict[str, Any] = {}
    labels = dict(labels or {})
    used = halo
    if halo != "none" and len(facets) < MIN_FACETS:
        used = "none"
        info["halo_note"] = (
            f"no halo score: it needs at least {MIN_FACETS} facets, got {len(facets)}"
        )
    if used != "none":
        score = halo_score(X, method=used, sample_weight=weights)
        parts.append(score)
        groups |= dict.fromkeys(score.columns, HALO)
        kinds[HALO] = "halo"
        names[HALO] = labels.get(HALO, HALO_LABEL)
    encoded = encode_controls(data, controls)
    if controls:
        parts.append(encoded)
        groups |= encoded.attrs["groups"]
        for name in controls:
            kinds[name] = "context"
            names[name] = labels.get(name, name)
        info["encoding"] = encoded.attrs["kinds"]
    matrix = pd.concat(parts, axis=1)
    _refuse_twice_made(matrix, groups)
    notes = _copy_warnings(X, encoded, weights, data, controls)
    notes += _code_warnings(encoded)
    if y is not None:
        leak_notes, info["outcome_like"] = _facet_leak_warnings(X, y, weights)
        notes += leak_notes
        notes += _leak_warnings(data, controls, y, weights)
    notes += _reversed_warnings(X, weights, halo=used != "none")
    for note in notes:
        warnings.warn(note, EmomotivWarning, stacklevel=2)
    info["warnings"] = notes
    return Design(matrix, facets, groups, kinds, names, used, info)


def _rows_of(data: pd.DataFrame, X: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """``data``'s rows in ``X``'s order, indexed like ``X``: by label when
    ``data`` holds every row of ``X`` (not when both are numbered 0, 1, 2,
    ... and differ in length), else by position."""
    check_frame(data, "data", "design_matrix")
    if data is X or data.index.equals(X.index):
        return data, []
    if len(data) != len(X) and _numbered(X.index) and _numbered(data.index):
        return data, [  # 0..m-1 inside 0..n-1 says nothing of which row is which
            f"data has {len(data):,} rows and X {len(X):,}, both numbered 0, 1, "
            "2, ...: the numbers do not say which survey row each row of X is. "
            "Pass X with the survey's own row labels (no reset_index), or data "
            "of X's rows only."
        ]
    if data.index.is_unique and X.index.isin(data.index).all():
        return data.loc[X.index], []
    if len(data) == len(X):
        return data.set_axis(X.index), []
    if not data.index.is_unique and X.index.isin(data.index).all():
        twice = data.index[data.index.duplicated()].unique()
        shown = ", ".join(repr(label) for label in twice[:3])
        return data, [
            f"data has {len(data):,} rows and X {len(X):,}, and {len(twice):,} "
            f"of data's row labels stand for more than one row ({shown}"
            f"{', ...' if len(twice) > 3 else ''}), so X's rows cannot be found "
            "among them by label: give data unique row labels (pd.concat(..., "
            "ignore_index=True) then take X from it), or pass data of X's rows "
            "only."
        ]
    return data, [
        f"data has {len(data):,} rows and X {len(X):,}, and X's row labels are "
        "not all among data's: pass the survey X was taken from (the same "
        "rows, or a frame that holds every row of X under the same label)."
    ]


def _numbered(index: pd.Index) -> bool:
    """A default index: 0, 1, ..., n-1 (a reset frame's)."""
    return isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1


def _control_problems(
    data: pd.DataFrame, controls: Sequence[str], facets: Sequence[str]
) -> list[str]:
    """Every problem of the named controls: absent from ``data``, a facet,
    named twice, or without a single value (``validate`` checks the same)."""
    controls, facets = list(controls), set(facets)
    named = list(dict.fromkeys(controls))
    columns = [str(c) for c in data.columns]
    problems = [
        f"The control column '{c}' is not in the survey.{did_you_mean(c, columns)}"
        for c in named
        if c not in data.columns
    ]
    problems += [
        f"The control column '{c}' is also a facet: a touchpoint is ranked, "
        "not held fixed; drop it from the controls."
        for c in named
        if c in facets
    ]
    problems += [
        f"The control column '{c}' has a name the analysis gives its halo "
        "score (general warmth, made from the ratings): rename the column."
        for c in named
        if RESERVED.fullmatch(c)
    ]
    problems += [
        f"The control column '{c}' is named more than once."
        for c in named
        if controls.count(c) > 1
    ]
    problems += [
        f"The control column '{c}' has no value: every respondent's is "
        "missing or blank, so there is nothing to hold fixed."
        for c in named
        if c in data.columns and c not in facets and len(data)
        if (
            data[c].isna().all()
            if _is_numeric(data[c])
            else _levels(data[c]).isna().all()
        )
    ]
    return problems


def _refuse_twice_made(matrix: pd.DataFrame, groups: Mapping[str, str]) -> None:
    """A model column made twice (a control ``a=b`` and the level ``b`` of a
    control ``a``; a facet named like a halo column) is refused."""
    twice = list(dict.fromkeys(matrix.columns[matrix.columns.duplicated()]))
    if twice:
        raise ValidationError(
            [
                f"The model column '{c}' would be made twice (by the "
                f"{'control ' + repr(groups[c]) if c in groups else 'facets'} "
                "and another column): rename one of them."
                for c in twice
            ],
            subject="survey",
        )


def routed_facets(
    X: pd.DataFrame, groups: pd.Series, weights: np.ndarray
) -> list[dict[str, Any]]:
    """Facets rated (nearly) only within one level of ``groups`` (a segment
    column the model does not see): at least ``ROUTED_SHARE`` of their
    weighted raters (``MIN_PAIRS`` raters or more) in one level that holds
    less than ``ROUTED_LEVEL`` of the respondents' weight. Each as
    ``{"facet", "column", "level", "share", "level_share"}``, the most
    confined first."""
    levels = _levels(pd.Series(np.asarray(groups, dtype=object), index=X.index))
    known = levels.notna().to_numpy() & (weights > 0)
    if not known.any() or levels[known].nunique() < 2:
        return []
    w = pd.Series(np.where(known, weights, 0.0), index=X.index)
    sizes = w.groupby(levels[known]).sum() / w.sum()
    found = []
    for facet in X.columns:
        rated = X[facet].notna().to_numpy() & known
        if rated.sum() < MIN_PAIRS:
            continue
        by_level = w[rated].groupby(levels[rated]).sum()
        level = by_level.idxmax()
        share = float(by_level.max() / by_level.sum())
        if share >= ROUTED_SHARE and sizes[level] < ROUTED_LEVEL:
            found.append(
                {
                    "facet": str(facet),
                    "column": str(groups.name),
                    "level": str(level),
                    "share": share,
                    "level_share": float(sizes[level]),
                }
            )
    return sorted(found, key=lambda r: -r["share"])


def routing_warning(routed: Sequence[Mapping[str, Any]]) -> str | None:
    """The warning naming :func:`routed_facets`' facets (one column's), or None."""
    if not routed:
        return None
    column = routed[0]["column"]
    by_level: dict[str, list[Mapping[str, Any]]] = {}
    for r in routed:
        by_level.setdefault(r["level"], []).append(r)
    shown = "; ".join(
        listed([f"'{r['facet']}' ({r['share']:.0%})" for r in rows])
        + f" by {column} = {level}, {rows[0]['level_share']:.0%} of the respondents"
        " (weighted)"
        for level, rows in by_level.items()
    )
    one = len(routed) == 1
    it, its = ("it", "its") if one else ("them", "their")
    head = (
        f"{'A touchpoint is' if one else f'{len(routed)} touchpoints are'} rated "
        f"(nearly) only within one segment (share of the weighted raters): "
        f"{shown}. "
    )
    within = (
        f"Read {it} within {its} segment (segment_drivers.csv) before acting "
        f"on {its} whole-survey rank or a reach scenario."
    )
    if routed[0].get("controlled"):
        return head + (
            f"'{column}' is a control, which takes part of what sets that "
            "segment apart but not always all: where rating the touchpoint and "
            "belonging to the segment are one split for the model, a touchpoint "
            "with no effect can keep a high rank (3rd of 29 on one of four test "
            f"surveys). {within}"
        )
    return head + (
        f"The model does not see '{column}', so it cannot tell what "
        f"{'the touchpoint does' if one else 'they do'} from what sets that "
        f"segment apart: {its} importance and rank carry the segment's "
        "difference in the outcome, and a reach scenario (ExtendReach: opening "
        "a touchpoint to everyone) credits the touchpoint with what differs "
        f"between the segment and the others. {within} Holding the segment "
        f"fixed (--control {column}, controls=['{column}']) takes part of that "
        "difference away."
    )


def _explained_facets(explanation: Any, facets: Sequence[str] | None) -> list[str]:
    """The facets of ``explanation`` to measure: ``facets`` (each one of its
    columns), else every column but the halo score's."""
    names = [str(c) for c in (getattr(explanation, "feature_names", None) or [])]
    if facets is None:
        return [c for c in names if not RESERVED.fullmatch(c)]
    absent = [str(f) for f in facets if str(f) not in names]
    if absent:
        raise ValueError(
            f"The explanation has no column for {listed(map(repr, absent))}: "
            "give the facets of the model it explains."
        )
    return [str(f) for f in facets]


def usage_shares(
    explanation: Any,
    sample_weight: ArrayLike | None = None,
    *,
    facets: Sequence[str] | None = None,
) -> pd.Series:
    """The part of each facet's importance that comes from *who* rated it.

    For facet ``j``, with ``g(i)`` respondent ``i``'s group (rated ``j`` or
    not) and ``m_g`` the weighted mean SHAP value of ``j`` within group
    ``g``: the between-group part ``B = sum_i w_i |m_g(i)| / sum_i w_i`` over
    the total ``T = sum_i w_i |phi_ij| / sum_i w_i`` (the facet's mean
    |SHAP|). ``B <= T``, so the share runs from 0 (within each group the
    facet's SHAP averages 0: its importance is how the rating moves the
    prediction) to 1 (every rater gets one value and every non-rater
    another: its importance is whether the respondent rated it at all).

    Parameters
    ----------
    explanation : shap.Explanation
        Per-respondent SHAP values (``values``) of the model's columns
        (``feature_names``) and their ratings (``data``, NaN where not
        rated), as :attr:`emomotiv.ImportanceResult.explanation` holds.
    sample_weight : array-like of shape (n_respondents,), default=None
        The explained respondents' survey weights.
    facets : sequence of str, default=None
        The facets to measure; every column but the halo score's by default.

    Returns
    -------
    Series
        The share per facet (NaN for a facet without importance).

    Examples
    --------
    >>> import numpy as np, shap
    >>> from emomotiv.controls import usage_shares
    >>> e = shap.Explanation(values=np.array([[0.5, 0.2], [0.5, -0.2],
    ...                                       [-0.5, 0.1], [-0.5, -0.1]]),
    ...                      data=np.array([[7.0, 3.0], [8.0, 9.0],
    ...                                     [np.nan, 4.0], [np.nan, 8.0]]),
    ...                      feature_names=["lounge", "app"])
    >>> usage_shares(e).round(2).to_dict()
    {'lounge': 1.0, 'app': 0.0}
    """
    names = [str(c) for c in (getattr(explanation, "feature_names", None) or [])]
    chosen = _explained_facets(explanation, facets)
    keep = [names.index(f) for f in chosen]
    phi = np.asarray(explanation.values, dtype=float)[:, keep]
    rated = ~np.isnan(np.asarray(explanation.data, dtype=float)[:, keep])
    w = check_weights(sample_weight, len(phi))
    total = np.average(np.abs(phi), axis=0, weights=w)
    between = np.zeros(len(keep))
    for group in (rated, ~rated):
        wg = w[:, None] * group
        size = wg.sum(axis=0)
        mean = np.divide(
            (wg * phi).sum(axis=0), size, out=np.zeros(len(keep)), where=size > 0
        )
        between += size * np.abs(mean)
    between /= w.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(total > 0, np.minimum(between / total, 1.0), np.nan)
    return pd.Series(share, index=pd.Index(chosen, name="facet"), name="usage_share")


def usage_led_facets(
    explanation: Any,
    y: ArrayLike,
    sample_weight: ArrayLike | None = None,
    *,
    facets: Sequence[str] | None = None,
    threshold: float = USAGE_SHARE,
) -> list[dict[str, Any]]:
    """Facets whose importance comes mostly from who rated them.

    A touchpoint used mostly by customers who are already connected (a
    loyalty app, a club, a premium service) is rated mostly by them: the
    model reads its missing ratings as "not connected", and TreeSHAP credits
    that to the touchpoint (and the other way round for one used mostly by
    customers who are not: a help line, used by those who had a problem),
    which can then top the ranking with no effect of its own (its one-point
    gain, which moves the ratings of its raters only, stays near 0). Such a
    facet is named where at least ``threshold`` of its importance is the gap
    between its raters and its non-raters
    (:func:`usage_shares`), with ``MIN_PAIRS`` raters and non-raters or more.

    Parameters
    ----------
    explanation : shap.Explanation
        Per-respondent SHAP values and ratings
        (:attr:`emomotiv.ImportanceResult.explanation`).
    y : array-like of shape (n_respondents,)
        The explained respondents' outcome (1 = connected, or a score).
    sample_weight : array-like of shape (n_respondents,), default=None
        Their survey weights.
    facets : sequence of str, default=None
        The facets to check (:func:`emomotiv.analyze` checks those with more
        than an even share of importance); every one by default.
    threshold : float, default=USAGE_SHARE
        The share of importance from who rated the facet that names it.

    Returns
    -------
    list of dict
        ``{"facet", "usage_share", "connected_raters", "connected_others",
        "reach"}``: the share, the weighted mean outcome (the connected
        share, for a 0/1 outcome) among the facet's raters and among the
        others, and the weighted share who rated it; the highest share
        first.

    Examples
    --------
    >>> import numpy as np, shap
    >>> from emomotiv.controls import usage_led_facets
    >>> rng = np.random.default_rng(0)
    >>> used = rng.random(200) < 0.5
    >>> e = shap.Explanation(values=np.c_[np.where(used, 0.4, -0.4)],
    ...                      data=np.c_[np.where(used, 8.0, np.nan)],
    ...                      feature_names=["club"])
    >>> found = usage_led_facets(e, used.astype(int))
    >>> [(r["facet"], r["usage_share"], r["connected_raters"]) for r in found]
    [('club', 1.0, 1.0)]
    """
    shares = usage_shares(explanation, sample_weight, facets=facets)
    names = [str(c) for c in explanation.feature_names]
    data = np.asarray(explanation.data, dtype=float)
    w = check_weights(sample_weight, len(data))
    outcome = np.asarray(y, dtype=float)
    check_aligned(outcome, "y", sample_weight=w)
    found = []
    for facet, share in shares.items():
        missing = np.isnan(data[:, names.index(facet)])
        rated, others = ~missing & (w > 0), missing & (w > 0)
        if not share >= threshold or min(rated.sum(), others.sum()) < MIN_PAIRS:
            continue
        found.append(
            {
                "facet": facet,
                "usage_share": float(share),
                "connected_raters": float(np.average(outcome[rated], weights=w[rated])),
                "connected_others": float(
                    np.average(outcome[others], weights=w[others])
                ),
                "reach": float(w[rated].sum() / w[w > 0].sum()),
            }
        )
    return sorted(found, key=lambda r: -r["usage_share"])


def usage_warning(
    found: Sequence[Mapping[str, Any]],
    *,
    outcome: str = "connected",
    binary: bool = True,
    labels: Mapping[str, str] | None = None,
) -> str | None:
    """The warning naming :func:`usage_led_facets`' facets, or None.

    Parameters
    ----------
    found : sequence of dict
        :func:`usage_led_facets`' facets.
    outcome : str, default="connected"
        The outcome's name, as the warning says it.
    binary : bool, default=True
        Whether the outcome is 0/1 (its shares are said as percentages) or a
        score (its means as numbers).
    labels : mapping, optional
        Each facet's label, by which the warning names it (a facet without
        one is named by its id).

    Returns
    -------
    str or None
        The warning; None when ``found`` is empty.

    Examples
    --------
    >>> from emomotiv.controls import usage_warning
    >>> note = usage_warning([{"facet": "club", "usage_share": 0.8,
    ...                        "connected_raters": 0.62,
    ...                        "connected_others": 0.14, "reach": 0.4}])
    >>> note[:62]
    "A touchpoint's rank rests mostly on who rated it, not on how: "
    >>> "connected 62% among its raters vs 14% among the others" in note
    True
    """
    if not found:
        return None

    def said(value: float) -> str:
        return f"{value:.0%}" if binary else f"{value:.3g}"

    what = outcome if binary else f"mean {outcome}"
    labels = labels or {}
    shown = listed(
        f"'{labels.get(r['facet']) or r['facet']}' ({r['usage_share']:.0%} of its "
        f"importance; {what} "
        f"{said(r['connected_raters'])} among its raters vs "
        f"{said(r['connected_others'])} among the others)"
        for r in found
    )
    one = len(found) == 1
    it, its = ("it", "its") if one else ("them", "their")
    acts = "what it does" if one else "what they do"
    whose = (
        "A touchpoint's rank rests"
        if one
        else f"The ranks of {len(found)} touchpoints rest"
    )
    return (
        f"{whose} mostly on who rated {it}, not on how: {shown}. The model reads a "
        f"missing rating as a sign of the outcome, so {its} importance says who "
        f"uses {it} (customers who differ in the outcome whatever "
        f"{'it does' if one else 'they do'}), not {acts}. The one-point gain "
        f"(roi.csv, the report's ROI table) reads what {its} rating does. "
        f"Read {its} rank with care; where use "
        "itself can be grown, the reach scenario (ExtendReach) says what more "
        "use would add, with the same care: it too credits "
        f"{'the touchpoint' if one else 'each touchpoint'} with who uses it."
    )


def _numeric(encoded: pd.DataFrame) -> list[str]:
    """The numeric controls of :func:`encode_controls`' output."""
    kinds = encoded.attrs.get("kinds", {})
    return [c for c, kind in kinds.items() if kind == "numeric"]


def _as_numbers(data: pd.DataFrame, encoded: pd.DataFrame, controls) -> dict:
    """Each control as numbers where it is one: a numeric control as it
    enters the model, a text one whose every value reads as a number (a
    rating exported as text, "7") as those numbers."""
    numbers = {name: encoded[name].to_numpy(dtype=float) for name in _numeric(encoded)}
    for name in controls:
        if name in numbers:
            continue
        levels = _levels(data[name])
        values = pd.to_numeric(levels, errors="coerce")
        if levels.notna().any() and values.notna().eq(levels.notna()).all():
            numbers[name] = values.to_numpy(dtype=float)
    return numbers


def _copy_warnings(
    X: pd.DataFrame, encoded: pd.DataFrame, weights, data: pd.DataFrame, controls
) -> list[str]:
    """A control that nearly copies a facet (|r| >= COPY_CORR over at least
    MIN_PAIRS respondents who have both): a numeric one, or a text one whose
    values are numbers (``data``'s ``controls``)."""
    notes = []
    for name, column in _as_numbers(data, encoded, controls).items():
        values = column[:, None]
        corr, both = np.full(X.shape[1], np.nan), np.zeros(X.shape[1], dtype=int)
        for j, facet in enumerate(X.columns):  # one facet at a time: memory
            rated = X[facet].to_numpy(dtype=float)[:, None]
            corr[j] = weighted_corr_columns(rated, values, weights)[0]
            both[j] = int((~np.isnan(rated) & ~np.isnan(values)).sum())
        close = np.flatnonzero((np.abs(corr) >= COPY_CORR) & (both >= MIN_PAIRS))
        if len(close):
            j = close[np.argmax(np.abs(corr[close]))]
            notes.append(
                f"The control '{name}' nearly copies the facet '{X.columns[j]}' "
                f"(correlation {corr[j]:+.2f} over {both[j]:,} respondents who "
                "have both): the model splits the facet's effect with it and no "
                "scenario moves it, so the facet's importance and gain shrink. "
                "Leave the control out, unless it is customer context and the "
                "facet is not a touchpoint."
            )
    return notes


def _code_warnings(encoded: pd.DataFrame) -> list[str]:
    """A numeric control holding a 'no answer' code (99, 999, ...) far above
    every other value."""
    notes = []
    for name in _numeric(encoded):
        values = encoded[name].dropna()
        for code in CODES:
            rest = values[values != code]
            if (values == code).any() and len(rest) and rest.abs().max() * 2 < code:
                notes.append(
                    f"The control '{name}' has {int((values == code).sum()):,} "
                    f"respondents at {code}, the others at most {rest.max():g}: a "
                    "code for no answer? It is read as a very large value; blank "
                    "it (NaN) before the analysis."
                )
                break
    return notes


def _explained_share(groups: pd.Series, y: np.ndarray, weights: np.ndarray) -> float:
    """Adjusted correlation ratio: the weighted share of the variance of
    ``y`` between the ``groups`` (NaN = no group), corrected for their number."""
    ok = groups.notna().to_numpy() & ~np.isnan(y) & (weights > 0)
    key, y, w = groups.to_numpy()[ok], y[ok], weights[ok]
    k = len(pd.unique(key))
    if k < 2 or len(y) <= k + 1:
        return np.nan
    total = np.average((y - np.average(y, weights=w)) ** 2, weights=w)
    if total <= 0:
        return np.nan
    frame = pd.DataFrame({"key": key, "wy": w * y, "w": w})
    sums = frame.groupby("key")[["wy", "w"]].transform("sum")
    within = np.average((y - sums["wy"] / sums["w"]) ** 2, weights=w)
    return float(1 - (within / total) * (len(y) - 1) / (len(y) - k))


def _explained_shares(data: pd.DataFrame, names, y, weights) -> dict:
    """Each named column's adjusted share of the outcome's variation
    (:func:`_explained_share`): by its levels, or a number of many values by
    its bands of values; name -> (share, "values" or "bands of values")."""
    y = np.asarray(y)
    if not np.issubdtype(y.dtype, np.number):
        y = pd.factorize(pd.Series(y), use_na_sentinel=True)[0].astype(float)
        y[y < 0] = np.nan
    y = y.astype(float)
    shares = {}
    for name in names:
        column = data[name]
        if _is_numeric(column) and column.nunique() > LEAK_BANDS:
            # equal values share a band: the row order changes nothing
            bands = pd.qcut(column, LEAK_BANDS, labels=False, duplicates="drop")
            groups, by = pd.Series(bands, index=column.index), "bands of values"
        elif _is_numeric(column):  # grouped on its values (no text: fast)
            groups, by = column.astype(float), "values"
        else:
            groups, by = _levels(column), "values"
        shares[name] = (_explained_share(groups, y, weights), by)
    return shares


def _leak_warnings(data: pd.DataFrame, controls, y, weights) -> list[str]:
    """A control that alone accounts for most of the outcome's variation
    (``LEAK_SHARE``), or for more than context usually does
    (``SUSPECT_SHARE``)."""
    notes = []
    for name, (share, by) in _explained_shares(data, controls, y, weights).items():
        if share >= LEAK_SHARE:
            notes.append(
                f"The control '{name}' alone accounts for {share:.0%} of the "
                f"outcome's variation (by its {by}): it nearly is the outcome, or "
                "follows from it (satisfaction, value, advocacy). Held fixed, it "
                "takes that share from every touchpoint; leave it out unless it "
                "is customer context known before the experience."
            )
        elif share >= SUSPECT_SHARE:
            notes.append(
                f"The control '{name}' alone accounts for {share:.0%} of the "
                f"outcome's variation (by its {by}), more than customer context "
                "usually does: if it follows from the experience or from "
                "connection (satisfaction, recommendation, value, loyalty), held "
                "fixed it takes its share from every touchpoint and shrinks "
                "their gains; leave it out unless it is known before the "
                "experience."
            )
    return notes


def _facet_leak_warnings(X: pd.DataFrame, y, weights) -> tuple[list[str], list[str]]:
    """A facet that alone accounts for most of the outcome's variation among
    its raters (``LEAK_SHARE``, at least ``MIN_PAIRS`` of them): the outcome
    in disguise (overall satisfaction, likelihood to recommend) left in the
    touchpoint grid, which takes every touchpoint's importance and would be
    funded first. The warnings, and the facets they name."""
    rated = (X.notna() & (np.asarray(weights)[:, None] > 0)).sum().to_numpy()
    names = [c for c, n in zip(X.columns, rated, strict=True) if n >= MIN_PAIRS]
    notes, leaked = [], []
    for name, (share, by) in _explained_shares(X, names, y, weights).items():
        if share >= LEAK_SHARE:
            leaked.append(str(name))
            notes.append(
                f"The facet '{name}' alone accounts for {share:.0%} of the "
                f"outcome's variation among its raters (by its {by}): it nearly "
                "is the outcome, or follows from it (overall satisfaction, "
                "likelihood to recommend), not a touchpoint. Ranked, it takes "
                "the importance of every touchpoint and a plan funds it first; "
                "drop it from the facets."
            )
    return notes, leaked


def _item_rest_correlation(X: pd.DataFrame, weights: np.ndarray):
    """Each facet's weighted correlation with the mean of the respondent's
    other standardised ratings, and the respondents it rests on."""
    top = float(np.max(weights, initial=0.0))
    weights = weights / top if top > 0 else weights  # no overflow at 1e170
    _, mean, var = column_moments(X, weights)
    sd = np.sqrt(var)
    sums = np.zeros((6, X.shape[1]))  # weight, x, r, xx, rr, xr
    count = np.zeros(X.shape[1])
    for rows in row_chunks(len(X)):
        z = _standardise(row_chunk(X, rows), mean, sd)
        seen = ~np.isnan(z)
        x = np.where(seen, z, 0.0)
        n = seen.sum(axis=1, keepdims=True)
        ok = seen & (n >= 2) & (weights[rows, None] > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            r = np.where(ok, (x.sum(axis=1, keepdims=True) - x) / (n - 1), 0.0)
        w = np.where(ok, weights[rows, None], 0.0)
        sums += [(w * term).sum(axis=0) for term in (1, x, r, x * x, r * r, x * r)]
        count += ok.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        total, sx, sr, sxx, srr, sxr = sums
        cov = sxr / total - sx * sr / total**2
        var_x, var_r = sxx / total - (sx / total) ** 2, srr / total - (sr / total) ** 2
        corr = cov / np.sqrt(var_x * var_r)
    return corr, count


def _reversed_warnings(
    X: pd.DataFrame, weights: np.ndarray, halo: bool = True
) -> list[str]:
    """Facets that go against the respondent's other ratings: a scale that
    runs from best to worst, whose effect the model reads the wrong way
    round (and, with a ``halo`` score, whose high ratings count as warmth)."""
    corr, count = _item_rest_correlation(X, weights)
    against = np.flatnonzero((corr <= REVERSED_CORR) & (count >= MIN_PAIRS))
    if not len(against):
        return []
    shown = [f"'{X.columns[j]}' ({corr[j]:+.2f})" for j in against[:5]]
    more = f" and {len(against) - 5} more" if len(against) > 5 else ""
    one = len(against) == 1
    warmth = "The halo score then reads a bad experience as warmth, and the"
    return [
        f"The facet{'' if one else 's'} {', '.join(shown)}{more} "
        f"{'goes' if one else 'go'} against the respondent's other ratings "
        "(correlation with the mean of the others): a scale that runs from "
        f"best to worst? {warmth if halo else 'The'} model reads the facet's "
        "effect the wrong way round; reverse its codes (scale_min + scale_max "
        "minus the rating: 6 minus it on a 1-5 scale, 8 on a 1-7 one, 11 on "
        "a 1-10 one) before the analysis."
    ]


def partial_out(
    X: pd.DataFrame,
    controls: pd.DataFrame,
    y: ArrayLike | None = None,
    *,
    sample_weight: ArrayLike | None = None,
) -> tuple[pd.DataFrame, np.ndarray | None]:
    """Ratings (and the outcome) with the controls regressed out, for partial
    correlations.

    Each facet is regressed on the controls (weighted least squares with an
    intercept) over the respondents who rated it, and replaced by its
    residual; missing ratings stay missing. The outcome, when given, is
    regressed on the controls over every respondent. Correlations of the
    residuals are the partial correlations given the controls, so the
    classical methods run on them decompose what the facets explain beyond
    the context (Shapley regression is then relaimpo's ``lmg`` with the
    controls in every model, ``always=``, over 1 minus the controls' R²). A
    missing control value is replaced by the control's weighted mean, with
    an indicator column for it.

    The halo score is a function of the ratings themselves: the facets'
    residuals given it are collinear, and with missing ratings their pairwise
    correlations form no correlation matrix, so the classical methods on
    them split an R² of 1 that the data do not have (and warn).
    :func:`emomotiv.analyze` regresses out the context controls only.

    Parameters
    ----------
    X : DataFrame of shape (n_respondents, n_facets)
        Facet ratings; NaN = not experienced.
    controls : DataFrame of shape (n_respondents, n_controls)
        Control columns (e.g. ``Design.matrix[Design.columns]``).
    y : array-like of shape (n_respondents,) or None
        The outcome.
    sample_weight : array-like or None
        Survey weights.

    Returns
    -------
    (DataFrame, ndarray or None)
        The residual ratings, indexed and named like ``X``, and the residual
        outcome.

    Examples
    --------
    >>> import numpy as np
    >>> import emomotiv as em
    >>> s = em.make_survey(n_respondents=400, n_facets=12, random_state=0)
    >>> X = s.survey[s.catalog["facet"]]
    >>> halo = em.halo_score(X)
    >>> rest, _ = em.partial_out(X, halo)
    >>> bool(abs(rest.corrwith(halo["__halo__"])).max() < 0.01)
    True
    """
    check_aligned(X, "X", controls=controls, y=y, sample_weight=sample_weight)
    weights = check_weights(sample_weight, len(X))
    C = controls.to_numpy(dtype=float)
    blank = np.isnan(C)
    if blank.any():
        fill = np.array(
            [
                np.average(C[~blank[:, k], k], weights=weights[~blank[:, k]])
                if (~blank[:, k]).any()
                else 0.0
                for k in range(C.shape[1])
            ]
        )
        flags = blank[:, blank.any(axis=0)].astype(float)
        C = np.column_stack([np.where(blank, fill, C), flags])
    design = np.column_stack([np.ones(len(C)), C])
    root = np.sqrt(weights)

    def residual(values: np.ndarray, rows: np.ndarray) -> np.ndarray:
        A = design[rows] * root[rows, None]
        coef = np.linalg.lstsq(A, values[rows] * root[rows], rcond=None)[0]
        return values[rows] - design[rows] @ coef

    values = X.to_numpy(dtype=float)
    out = np.full_like(values, np.nan)
    for j in range(values.shape[1]):
        rows = ~np.isnan(values[:, j])
        if rows.sum() > design.shape[1]:
            out[rows, j] = residual(values[:, j], rows)
    rest = pd.DataFrame(out, index=X.index, columns=X.columns)
    if y is None:
        return rest, None
    target = np.asarray(y, dtype=float)
    return rest, residual(target, np.ones(len(target), dtype=bool))
