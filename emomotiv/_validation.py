"""Shared checks and error wording.

Every user-facing check in emomotiv goes through this module so that errors
read the same everywhere: a parameter error names the parameter, the function,
what was expected and what was received; a data error lists *every* problem at
once in one :class:`ValidationError`.
"""

from __future__ import annotations

import difflib
import numbers
from collections.abc import Iterable, Sequence

import numpy as np

__all__ = ["EmomotivWarning", "ValidationError"]


class EmomotivWarning(UserWarning):
    """A warning of emomotiv's own: of the data (ratings on an unexpected
    scale, respondents left out), of the settings (too few bootstrap
    replicates) or of a result (a ranking too unstable to read).

    A :class:`UserWarning`, so a filter on ``UserWarning`` still takes it; a
    pipeline can catch, log or refuse emomotiv's warnings apart from other
    libraries'.

    Examples
    --------
    A scheduled job that refuses to publish results emomotiv warned of,
    whatever other libraries say:

    >>> import warnings
    >>> import emomotiv as em
    >>> with warnings.catch_warnings():
    ...     warnings.filterwarnings("error", category=em.EmomotivWarning)
    ...     em.sort_waves(["north", "south"])  # no warning of its own
    ['north', 'south']
    >>> issubclass(em.EmomotivWarning, UserWarning)
    True
    """


class ValidationError(ValueError):
    """Bad input data: one exception that lists every problem found.

    Parameters
    ----------
    problems : sequence of str
        One sentence per problem, each naming the column or facet concerned.
    subject : str, default="input"
        What was checked ("survey", "facet catalog", ...), used in the message.
    context : str or None
        Where the problems were found (which sheet of a workbook was read), a
        line under them that is not itself a problem.

    Attributes
    ----------
    problems : list of str
        The problems, in the order they were found.
    context : str or None
        The line under them.

    Examples
    --------
    >>> err = ValidationError(["Column 'x' is missing."], subject="survey")
    >>> print(err)
    The survey has 1 problem:
      - Column 'x' is missing.
    """

    def __init__(
        self,
        problems: Sequence[str],
        *,
        subject: str = "input",
        context: str | None = None,
    ) -> None:
        self.problems = list(problems)
        self.subject = subject
        self.context = context
        n = len(self.problems)
        lines = [f"The {subject} has {n} problem{'' if n == 1 else 's'}:"]
        lines += [f"  - {p}" for p in self.problems]
        if context:
            lines.append(context)
        super().__init__("\n".join(lines))

    def __reduce__(self):
        # as made, not from the message: an error raised in a worker process
        # (joblib, Dask) comes back with its problems, not its letters
        return _validation_error, (self.problems, self.subject, self.context)


def _validation_error(
    problems: Sequence[str], subject: str, context: str | None = None
) -> ValidationError:
    return ValidationError(problems, subject=subject, context=context)


def index_problems(
    reference: object, reference_name: str, **named: object
) -> list[str]:
    """A problem for each pandas object in ``named`` (name -> value) whose
    index differs from ``reference``'s: every array is read by position,
    so a Series sorted or taken from another frame would pair each
    respondent with another's answer.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"app": [1, 2, 3]})
    >>> index_problems(X, "X", y=pd.Series([0, 1, 1], index=[2, 1, 0]))[0][:40]
    "y's index does not match X's, and y is r"
    >>> index_problems(X, "X", y=pd.Series([0, 1, 1]), sample_weight=None)
    []
    """
    index = getattr(reference, "index", None)
    if index is None:
        return []

    def of(name: str) -> str:
        return name + ("'" if name.endswith("s") else "'s")

    problems = []
    for name, value in named.items():
        if not (hasattr(value, "index") and hasattr(value, "shape")):
            continue
        if len(value) != len(index) or value.index.equals(index):
            continue
        # a frame keeps its columns' names: its rows take the reference's labels
        kept = (
            f"{name}.set_axis({reference_name}.index)"
            if getattr(value, "ndim", 1) == 2
            else f"{name}.to_numpy()"
        )
        problems.append(
            f"{of(name)} index does not match {of(reference_name)}, and {name} "
            f"is read by position: pass {name}.loc[{reference_name}.index] (or "
            f"{kept} if the order is right)."
        )
    return problems


def check_aligned(reference: object, reference_name: str, **named: object) -> None:
    """Raise :class:`ValidationError` naming every object of ``named`` whose
    index differs from ``reference``'s (see :func:`index_problems`)."""
    problems = index_problems(reference, reference_name, **named)
    if problems:
        raise ValidationError(problems)


def check_frame(value: object, name: str, owner: str) -> None:
    """Refuse anything but a DataFrame: columns are addressed by name."""
    import pandas as pd

    if not isinstance(value, pd.DataFrame):
        kind = type(value)
        raise TypeError(
            f"{owner} needs {name} as a pandas DataFrame, its columns named; "
            f"got {kind.__module__}.{kind.__qualname__}."
        )


def column_list(value: Iterable[object], name: str, owner: str) -> list:
    """Column names given as a list; one name alone would be read letter by
    letter, so it is refused with the list to pass."""
    if isinstance(value, str):
        raise TypeError(
            f"The '{name}' parameter of {owner} must be a list of column names; "
            f"got the string '{value}': pass ['{value}']."
        )
    return list(value)


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """Return ``" Did you mean 'x'?"`` for the closest candidate, or ``""``."""
    matches = difflib.get_close_matches(str(name), [str(c) for c in candidates], n=1)
    return f" Did you mean '{matches[0]}'?" if matches else ""


def many(n: int, noun: str) -> str:
    """``"1 cell"``, ``"3 cells"``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def preview(values: Iterable[object], n: int = 3) -> str:
    """A short, quoted preview of offending values: ``'a', 'b', 'c' (+4 more)``."""
    return listed([repr(v) for v in values], n)


def listed(items: Iterable[str], n: int = 5) -> str:
    """The first ``n`` of ``items`` as written, then how many more:
    ``'a' (12), 'b' (9) (+4 more)``."""
    items = list(items)
    shown = ", ".join(items[:n])
    return shown + (f" (+{len(items) - n} more)" if len(items) > n else "")


def check_int(
    value: object,
    name: str,
    owner: str,
    *,
    min_value: int | None = None,
    allow_none: bool = False,
) -> int | None:
    """Check an integer parameter and return it, with scikit-learn's wording."""
    if value is None and allow_none:
        return None
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if ok and (min_value is None or value >= min_value):
        return int(value)
    bound = "" if min_value is None else f" >= {min_value}"
    extra = " or None" if allow_none else ""
    raise ValueError(
        f"The '{name}' parameter of {owner} must be an int{bound}{extra}. "
        f"Got {value!r} instead."
    )


def check_n_jobs(value: object, owner: str) -> int | None:
    """``n_jobs``: None, or an int other than 0 (-1 means every core)."""
    check_int(value, "n_jobs", owner, allow_none=True)
    if value == 0:
        raise ValueError(
            f"The 'n_jobs' parameter of {owner} must be an int other than 0 or "
            "None. Got 0 instead."
        )
    return value


def check_float(
    value: object,
    name: str,
    owner: str,
    *,
    low: float | None = None,
    high: float | None = None,
    inclusive: bool = True,
    allow_none: bool = False,
) -> float | None:
    """Check a real-valued parameter within ``[low, high]`` (or open bounds)."""
    if value is None and allow_none:
        return None
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if ok:
        v = float(value)
        above = low is None or (v >= low if inclusive else v > low)
        below = high is None or (v <= high if inclusive else v < high)
        if above and below and v == v:
            return v
    if low is not None and high is not None:
        brackets = "[]" if inclusive else "()"
        rule = f" in the range {brackets[0]}{low}, {high}{brackets[1]}"
    elif low is not None:
        rule = f" {'>=' if inclusive else '>'} {low}"
    elif high is not None:
        rule = f" {'<=' if inclusive else '<'} {high}"
    else:
        rule = ""
    extra = " or None" if allow_none else ""
    raise ValueError(
        f"The '{name}' parameter of {owner} must be a float{rule}{extra}. "
        f"Got {value!r} instead.{number_hint(value)}"
    )


def number_hint(value: object) -> str:
    """The way out for a number given as text: a number in quotes
    ("500000", as a study file may hold it), or with units ("500k")."""
    if not isinstance(value, str):
        return ""
    try:
        return f" Give it as a number, without quotes: {float(value):g}."
    except ValueError:
        return " Give it as a plain number, without quotes, units or separators."


#: The largest size of an amount or a score emomotiv takes: its square (in a
#: variance, a regression) still fits in a float. Larger is another unit or
#: a code. (A smaller value can still be too far from the others for a fit,
#: which then says so; weights are scaled to a mean of 1 first, so their
#: size does not matter.)
TOO_LARGE = 1e150


def too_large(values: object) -> str:
    """How many finite numbers in ``values`` are larger than
    :data:`TOO_LARGE` in size, said as a clause ("" when none).

    Examples
    --------
    >>> print(too_large([1.0, 1e200, -1e160, np.inf]))
    2 numbers too large to compute with (over 1e150 in size: another unit, or a code?)
    >>> too_large([1.0, np.nan])
    ''
    """
    x = np.asarray(values, dtype=float)
    n = int((np.isfinite(x) & (np.abs(np.nan_to_num(x)) > TOO_LARGE)).sum())
    if not n:
        return ""
    return (
        f"{many(n, 'number')} too large to compute with (over 1e150 in size: "
        "another unit, or a code?)"
    )


def as_numbers(values: object) -> tuple[np.ndarray, str]:
    """Values as float (pandas' missing values as NaN), and the cells of text
    that is not a number: ``"2 rows: 'a', 'b'"``, or ``""`` when none."""
    import pandas as pd

    array = np.asarray(values)
    if array.dtype.kind in "biuf":  # numbers already: no pass over objects
        return array.astype(float), ""
    given = pd.Series(np.ravel(np.asarray(values, dtype=object)))
    numbers = pd.to_numeric(given, errors="coerce")
    text = numbers.isna() & given.notna()
    found = sorted(set(given[text]), key=str)
    cells = f"{int(text.sum())} rows: {preview(found)}" if found else ""
    return numbers.to_numpy(dtype=float).reshape(np.shape(values)), cells


def check_weights(sample_weight, n: int) -> np.ndarray:
    """Survey weights as a float array of length ``n`` (ones when None).

    Examples
    --------
    >>> check_weights(None, 2).tolist()
    [1.0, 1.0]
    >>> check_weights("weight", 2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: sample_weight is the string 'weight', not weights: ...
    """
    if sample_weight is None:
        return np.ones(n)
    if isinstance(sample_weight, str):  # a column's name, as analyze takes it
        raise ValueError(
            f"sample_weight is the string {sample_weight!r}, not weights: pass "
            f"the values, such as survey[{sample_weight!r}]."
        )
    try:
        w = np.asarray(sample_weight, dtype=float)
    except (TypeError, ValueError):  # text, or pandas' <NA> among objects
        w, text = as_numbers(sample_weight)
        if text:
            raise ValueError(
                f"sample_weight must be numbers; it holds text in {text}."
            ) from None
    if w.shape != (n,):
        raise ValueError(
            f"sample_weight must have one entry per respondent ({n}); "
            f"got shape {w.shape}."
        )
    counts = {
        "missing": int(np.isnan(w).sum()),
        "infinite": int(np.isinf(w).sum()),
        "negative": int((w < 0).sum()),
    }
    found = [f"{k} in {v} row{'' if v == 1 else 's'}" for k, v in counts.items() if v]
    if found:
        raise ValueError(
            f"sample_weight must be finite and >= 0; it is {', '.join(found)}. "
            "Give those respondents a weight (0 leaves them out) or drop them."
        )
    if n and not w.sum() > 0:
        raise ValueError(
            "sample_weight sums to zero: no respondent counts. Give the "
            "respondents to analyse a weight > 0."
        )
    return w


def unit_weights(weights: np.ndarray) -> np.ndarray:
    """Survey weights rescaled to mean 1 over the respondents with a weight
    (unchanged when they sum to 0).

    A boosted model's regularisation (``min_child_weight``, ``reg_lambda``)
    is in units of summed weight, so weights that sum to 1 would stop every
    split and expansion weights would loosen them: at mean 1 the model is the
    same whether the weights sum to 1, to the sample size or to the
    population. Respondents of weight 0 are left out of the mean, as they
    are of the fit.

    Examples
    --------
    >>> unit_weights(np.array([0.1, 0.3])).tolist()
    [0.5, 1.5]
    >>> unit_weights(np.array([0.1, 0.0, 0.3])).tolist()
    [0.5, 0.0, 1.5]
    """
    total = weights.sum()
    return weights * (np.count_nonzero(weights) / total) if total > 0 else weights


def check_choice(value: object, name: str, owner: str, choices: Sequence[object]):
    """Check that a parameter is one of ``choices`` and return it."""
    if value in choices:
        return value
    options = ", ".join(repr(c) for c in choices)
    raise ValueError(
        f"The '{name}' parameter of {owner} must be one of {options}. "
        f"Got {value!r} instead."
    )


def check_currency(value: object, owner: str) -> str | None:
    """Check that ``currency`` is a short sign or code and return it.

    Examples
    --------
    >>> check_currency("€", "Report"), check_currency(None, "Report")
    ('€', None)
    """
    ok = value is None or (
        isinstance(value, str)
        and 1 <= len(value) <= 8
        and value == value.strip()
        and value.isprintable()
        and not any(c.isdigit() or c.isspace() or c in "+-" for c in value)
    )
    if not ok:
        raise ValueError(
            f"The 'currency' parameter of {owner} (--currency) must be a currency "
            "sign or code of 1 to 8 characters without digits, spaces or signs, "
            f"such as '€', '$' or 'EUR'. Got {value!r} instead."
        )
    return value
