"""Synthetic surveys with known ground truth, and the bundled sample.

:func:`make_survey` draws a respondent-level survey from a generative model
whose every effect is known, so that each method in emomotiv can be checked
against the truth rather than against another method.

The generative model
--------------------
- Each respondent has a *halo* ``h ~ N(0, 1)``: general brand warmth that
  lifts all their ratings together. Facet ``f`` is rated
  ``round(mu_f + sd_f * (lambda_f * h + sqrt(1 - lambda_f**2) * e))`` clipped
  to 1-10, so ratings are skewed to the top and correlated. Each facet is
  experienced by a share ``reach_f`` of respondents; the rest leave it empty.
- Connection is logistic: ``connected = 1[eta + logistic noise > 0]`` with
  ``eta = alpha + sum_f g_f(x_f)``. A facet's effect ``g_f`` is ``linear``
  (``b * (x - mean)``), ``threshold`` (``b * 1[x >= 9]``: delight only at the
  top), ``penalty`` (``-b * 1[x <= 4]``: hurts only at the bottom) or none;
  one pair of linear drivers also interacts (not where ``effects`` or, for
  a segment, ``segment_effects`` removes either). A facet not experienced
  adds 0.
  ``alpha`` is set so that the expected connected share is ``connected_share``.
  By default the halo does not enter ``eta``: ratings correlate, but only the
  drivers move connection.
- Confounding, off by default (each switch draws from its own random stream,
  so a survey with every switch off is exactly the survey of earlier
  releases, and tests and the bundled sample keep their meaning):
  ``halo_effect`` adds ``halo_effect * h`` to ``eta`` (warmth is part of
  feeling connected: the confounder of real driver data); ``scale_usage``
  passes each respondent's true ratings through their own use of the scale
  (a shift of every rating, and a wider or narrower use of the range) before
  they are written down, and connection responds to the true rating;
  ``stage_factor`` gives each respondent a factor per journey stage that
  moves all ratings of the stage together and not connection;
  ``context_effect`` adds a ``purpose`` column (``long-term saving`` /
  ``active trading``) that moves connection by ``context_effect`` on the
  logit and lowers the ratings of three facets (two with no effect, one
  driver) by 1.5 points: the customer context that drives both ratings and
  connection; ``selective_use`` makes who uses a touchpoint depend on the
  respondent (by default use is drawn independently of everything, which
  real non-use never is): a general activity and warmth raise the use of
  every touchpoint, and in the "Get help" stage the less warm are the ones
  who needed help, so non-use clusters, and with ``halo_effect`` it goes
  with connection.
- Ten motivator items (1-7) load on the latent connection propensity;
  satisfaction (1-10) mostly on the halo; lifetime value is lognormal with a
  mean that is ``value_multiplier`` times higher for connected customers than
  for highly satisfied (satisfaction >= 9) unconnected ones.
- Stated importance (catalog, 1-5) disagrees with the truth on purpose:
  hidden drivers are said to be unimportant, table stakes (no effect) vital.

``true_uplift`` is exact for the drawn respondents: the expected change in the
weighted connected share when every respondent who rated the facet rates it
one point higher (capped at 10) on the common scale, everything else (halo,
scale use, stage factors, context, other ratings) unchanged.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from ._validation import check_choice, check_float, check_int, did_you_mean

__all__ = ["SyntheticSurvey", "load_sample", "make_survey", "make_waves"]

SAMPLE_SEED = 2026
SCALE_MAX = 10
HIGH_SATISFACTION = 9

STAGES = {
    "Discover": [
        ("brand_reputation", "Brand reputation"),
        ("advertising", "Advertising that speaks to me"),
        ("website_information", "Clear website information"),
        ("online_reviews", "Online reviews"),
        ("friend_referral", "Referral from a friend"),
        ("fee_transparency", "Transparent fees"),
        ("product_range", "Range of products"),
        ("comparison_tools", "Comparison tools"),
        ("first_contact", "First contact with an adviser"),
        ("social_media", "Social media presence"),
        ("seminar_invitation", "Invitation to a seminar"),
        ("pricing_clarity", "Pricing clarity"),
        ("app_store_rating", "App store rating"),
        ("sustainability_info", "Sustainability information"),
        ("awards", "Industry awards"),
        ("newsletter", "Newsletter"),
        ("branch_location", "Branch location"),
    ],
    "Open account": [
        ("account_opening", "Ease of opening an account"),
        ("identity_check", "Identity check"),
        ("help_transferring_funds", "Help transferring funds"),
        ("paperwork", "Amount of paperwork"),
        ("opening_speed", "Speed of account opening"),
        ("funding_options", "Ways to fund the account"),
        ("welcome_note", "Personal welcome note"),
        ("welcome_call", "Welcome call"),
        ("e_signature", "Electronic signature"),
        ("account_types", "Choice of account types"),
        ("joint_account_setup", "Joint account set-up"),
        ("beneficiary_setup", "Naming beneficiaries"),
        ("password_setup", "Password and security set-up"),
        ("opening_status_updates", "Status updates while opening"),
        ("initial_deposit_bonus", "Initial deposit bonus"),
        ("terms_clarity", "Clarity of terms"),
        ("document_upload", "Document upload"),
    ],
    "Get started": [
        ("investing_videos", "Online investing videos"),
        ("first_trade_guidance", "Guidance on the first trade"),
        ("app_tour", "App tour"),
        ("goal_setting", "Goal-setting tool"),
        ("risk_questionnaire", "Risk questionnaire"),
        ("model_portfolios", "Model portfolios"),
        ("starter_checklist", "Starter checklist"),
        ("webinar", "Beginner webinar"),
        ("personal_contact", "Named personal contact"),
        ("learning_library", "Learning library"),
        ("demo_account", "Practice account"),
        ("notification_setup", "Notification set-up"),
        ("price_alerts", "Price alerts"),
        ("onboarding_email", "Onboarding e-mails"),
        ("first_month_checkin", "First-month check-in"),
        ("glossary", "Jargon-free glossary"),
        ("tax_wrapper_guidance", "Guidance on tax-advantaged accounts"),
    ],
    "Invest": [
        ("mobile_app", "Mobile app"),
        ("trading_website", "Trading website"),
        ("research_tools", "Research tools"),
        ("order_execution", "Order execution"),
        ("trading_fees", "Trading fees"),
        ("market_news", "Market news"),
        ("portfolio_dashboard", "Portfolio dashboard"),
        ("watchlists", "Watchlists"),
        ("fund_screener", "Fund screener"),
        ("statements", "Statements"),
        ("app_reliability", "App reliability"),
        ("charting", "Charting tools"),
        ("recurring_investments", "Recurring investments"),
        ("fractional_shares", "Fractional shares"),
        ("dividend_reinvestment", "Dividend reinvestment"),
        ("performance_reporting", "Performance reporting"),
        ("cash_interest", "Interest on cash"),
    ],
    "Get help": [
        ("phone_support", "Phone support"),
        ("chat_support", "Chat support"),
        ("email_response", "E-mail response time"),
        ("help_centre", "Help centre articles"),
        ("advisor_access", "Access to an adviser"),
        ("complaint_handling", "Complaint handling"),
        ("wait_time", "Waiting time"),
        ("first_contact_resolution", "Problem solved first time"),
        ("staff_knowledge", "Staff knowledge"),
        ("staff_empathy", "Staff empathy"),
        ("callback_option", "Call-back option"),
        ("fraud_support", "Fraud support"),
        ("outage_communication", "Outage communication"),
        ("transfer_out_help", "Help transferring out"),
        ("tax_documents", "Tax documents"),
        ("secure_messaging", "Secure messaging"),
        ("accessibility", "Accessibility support"),
    ],
    "Grow": [
        ("portfolio_review", "Portfolio review"),
        ("personalised_insights", "Personalised insights"),
        ("rewards_programme", "Rewards programme"),
        ("educational_events", "Educational events"),
        ("community_forum", "Investor community"),
        ("anniversary_message", "Anniversary message"),
        ("retirement_planning", "Retirement planning"),
        ("family_accounts", "Family accounts"),
        ("loyalty_pricing", "Loyalty pricing"),
        ("referral_rewards", "Referral rewards"),
        ("annual_summary", "Annual summary"),
        ("financial_health_check", "Financial health check"),
        ("exclusive_research", "Exclusive research"),
        ("advisor_relationship", "Ongoing adviser relationship"),
        ("life_event_support", "Support at life events"),
        ("goal_progress", "Progress towards goals"),
        ("thank_you_notes", "Thank-you notes"),
    ],
}

# The story of the brokerage: what drives connection and what customers say.
# facet -> (effect kind, hidden?) ; hidden drivers are said to be unimportant.
NAMED_DRIVERS = {
    "welcome_note": ("linear", True),
    "investing_videos": ("linear", True),
    "personalised_insights": ("linear", True),
    "goal_setting": ("linear", True),
    "personal_contact": ("threshold", True),
    "anniversary_message": ("threshold", True),
    "community_forum": ("threshold", True),
    "staff_empathy": ("linear", False),
    "mobile_app": ("linear", False),
    "portfolio_review": ("linear", False),
    "advisor_relationship": ("linear", False),
    "life_event_support": ("threshold", False),
    "app_reliability": ("penalty", False),
    "first_contact_resolution": ("penalty", False),
    "order_execution": ("penalty", False),
}
NAMED_INTERACTION = ("welcome_note", "investing_videos")
NAMED_TABLE_STAKES = (
    "help_transferring_funds",
    "trading_fees",
    "account_opening",
    "phone_support",
    "statements",
    "identity_check",
)
STRONG = ("welcome_note", "investing_videos")
INTERACTION = 0.05

MOTIVATORS = (
    "stand_out",
    "confident_future",
    "well_being",
    "freedom",
    "thrill",
    "belonging",
    "environment",
    "be_who_i_want",
    "security",
    "succeed",
)
CUSTOMER_TYPES = ("Self-directed", "Advised", "Retirement")
CUSTOMER_TYPE_WEIGHT = (0.8, 1.4, 1.1)
SEGMENT_VALUE = {"unconnected": 1.0, "highly_satisfied": 1.3}
STATED_FORMS = ("ratings", "ranks", "maxdiff")
STATED_STREAM = 4  # separate random stream for per-respondent stated importance
CHURN_RATE = {"unconnected": 0.20, "highly_satisfied": 0.14, "fully_connected": 0.07}


@dataclass(frozen=True, repr=False, eq=False)
class SyntheticSurvey:
    """A survey, its facet catalog and the ground truth that generated it.

    Attributes
    ----------
    survey : DataFrame
        One row per respondent (see :func:`make_survey`).
    catalog : DataFrame
        The facet catalog (``facet, label, stage, touchpoint,
        stated_importance, cost, scale_min, scale_max``).
    truth : DataFrame
        Indexed by facet: ``kind`` (``linear``, ``threshold``, ``penalty`` or
        ``none``), ``effect`` (logit scale), ``interacts_with``, ``is_driver``,
        ``hidden_driver``, ``table_stakes``, ``reach`` and ``true_uplift``.
    value_multiplier : float
        True ratio of mean value, fully connected over highly satisfied.
    roles : dict
        Role keywords for :func:`emomotiv.analyze`: ``analyze(s.survey,
        s.catalog, **s.roles)``. They name every role column of the survey,
        ``churned`` and ``recommend`` too (``churn``, ``advocacy``), as
        ``emomotiv init`` guesses them; ``controls`` when the survey has
        context.
    truth_by_wave : dict of str -> DataFrame
        For a multi-wave survey (:func:`make_waves`), each wave's truth by
        wave label; ``truth`` is then the latest wave's. Empty otherwise.
    truth_by_segment : dict of str -> DataFrame
        With ``segment_effects``, each customer type's truth (``kind,
        effect, is_driver, true_uplift`` within the segment, and ``differs``:
        the facet's effect is not the same in every segment). Empty
        otherwise.
    value_truth : DataFrame or None
        With ``value_effects``, per facet: ``value_effect`` (direct, per
        point), ``true_delta_value`` (exact expected change in mean value
        for +1 point), ``true_via_connection`` (the part from the change in
        connection, at the respondent's value gap between connected and not)
        and ``true_share_via_connection``; satisfaction is held at its drawn
        value.
    respondents : DataFrame or None
        What each respondent brings besides the touchpoints, row for row
        with ``survey`` (the same ``respondent_id``): ``halo`` (general
        warmth ``h``), ``scale_shift`` (the shift of every rating by their
        scale use, in facet standard deviations; 0 without scale use) and
        ``scale_stretch`` (their use of the range around the facet mean; 1
        without scale use). Never in the survey: what an analysis can only
        estimate, here to measure how well it does.

    Examples
    --------
    >>> s = make_survey(n_respondents=300, n_facets=10, random_state=0)
    >>> len(s.survey), len(s.catalog), s.roles["connection"]
    (300, 10, 'connected')
    >>> set(s.drivers) == set(s.truth.index[s.truth["is_driver"]])
    True
    """

    survey: pd.DataFrame
    catalog: pd.DataFrame
    truth: pd.DataFrame
    value_multiplier: float
    roles: dict = field(default_factory=dict)
    truth_by_wave: dict = field(default_factory=dict)
    truth_by_segment: dict = field(default_factory=dict)
    value_truth: pd.DataFrame | None = None
    respondents: pd.DataFrame | None = None

    @property
    def drivers(self) -> list[str]:
        """True drivers, largest true uplift first."""
        t = self.truth[self.truth["is_driver"]]
        return list(t.sort_values("true_uplift", ascending=False).index)

    def __repr__(self) -> str:
        n, p = len(self.survey), len(self.catalog)
        return (
            f"SyntheticSurvey({n} respondents, {p} facets, "
            f"{int(self.truth['is_driver'].sum())} true drivers)"
        )


def _facet_names(n_facets: int, n_stages: int) -> list[tuple[str, str, str]]:
    """(facet id, label, stage) in journey order, spread evenly over stages."""
    stages = list(STAGES)[:n_stages] + [
        f"Stage {k + 1}" for k in range(len(STAGES), n_stages)
    ]
    sizes = [n_facets // n_stages + (k < n_facets % n_stages) for k in range(n_stages)]
    out = []
    for stage, size in zip(stages, sizes, strict=True):
        named = STAGES.get(stage, [])
        for k in range(size):
            if k < len(named):
                out.append((*named[k], stage))
            else:
                slug = stage.lower().replace(" ", "_")
                out.append(
                    (f"{slug}_{k + 1:02d}", f"{stage} touchpoint {k + 1}", stage)
                )
    return out


def _effect_spec(facets: list[str], rng: np.random.Generator) -> pd.DataFrame:
    """Draw each facet's effect kind and size; named story facets first."""
    p = len(facets)
    spec = pd.DataFrame(
        {"kind": "none", "effect": 0.0, "hidden_driver": False, "table_stakes": False},
        index=pd.Index(facets, name="facet"),
    )
    for f, (kind, hidden) in NAMED_DRIVERS.items():
        if f in spec.index:
            spec.loc[f, ["kind", "hidden_driver"]] = [kind, hidden]
    for f in NAMED_TABLE_STAKES:
        if f in spec.index:
            spec.loc[f, "table_stakes"] = True
    n_drivers = max(2, round(0.15 * p))
    n_stakes = max(1, round(0.06 * p)) if p >= 8 else 0
    free = [f for f in facets if spec.loc[f, "kind"] == "none"]
    free = [f for f in free if not spec.loc[f, "table_stakes"]]
    order = rng.permutation(len(free))
    free = [free[i] for i in order]
    n_new = max(0, n_drivers - int((spec["kind"] != "none").sum()))
    kinds = ["linear", "threshold", "linear", "penalty"]
    for k, f in enumerate(free[:n_new]):
        spec.loc[f, ["kind", "hidden_driver"]] = [kinds[k % len(kinds)], k % 2 == 0]
    rest = free[n_new:]
    n_stakes_new = max(0, n_stakes - int(spec["table_stakes"].sum()))
    spec.loc[rest[:n_stakes_new], "table_stakes"] = True

    sizes = {
        "linear": rng.uniform(0.14, 0.24, p),
        "threshold": rng.uniform(0.8, 1.1, p),
        "penalty": rng.uniform(1.2, 1.6, p),
    }
    for kind, draw in sizes.items():
        mask = (spec["kind"] == kind).to_numpy()
        spec.loc[mask, "effect"] = draw[mask]
    for f in STRONG:
        if f in spec.index:
            spec.loc[f, "effect"] = 0.30
    return spec


def _override_effects(
    spec: pd.DataFrame, effects: Mapping[str, float], name: str = "effects"
):
    """``spec`` with some facets' effect sizes replaced (see ``make_survey``);
    ``name`` is the parameter the errors name."""
    problems = _effects_problems(spec, effects, name)
    if problems:
        raise ValueError(" ".join(problems))
    spec = spec.copy()
    for facet, size in effects.items():
        spec.loc[facet, "effect"] = float(size)
        if size == 0:
            spec.loc[facet, ["kind", "hidden_driver"]] = ["none", False]
        else:
            if spec.loc[facet, "kind"] == "none":
                spec.loc[facet, "kind"] = "linear"
            spec.loc[facet, "table_stakes"] = False
    return spec


def _effects_problems(spec, effects, name: str) -> list[str]:
    """What is wrong with an ``effects`` mapping, every problem at once."""
    if not isinstance(effects, Mapping):
        return [
            f"The '{name}' parameter of make_survey must be a mapping of facet "
            f"-> effect size or None. Got {effects!r} instead."
        ]
    problems = []
    for facet, size in effects.items():
        if facet not in spec.index:
            hint = did_you_mean(facet, spec.index)
            problems.append(f"'{facet}' in {name} is not a facet of this survey.{hint}")
        else:
            try:
                check_float(
                    size, f"{name}['{facet}']", "make_survey", low=0.0, high=MAX_LOGIT
                )
            except ValueError as err:
                problems.append(str(err))
    return problems


# -- confounding: halo in connection, scale use, stage factors, context --------

HALO_EFFECTS = {"none": 0.0, "moderate": 1.0, "strong": 2.0}
MAX_LOGIT = 10.0  # largest effect on the connection logit a parameter may ask for
MAX_VALUE_EFFECT = 1.0  # largest direct effect on log value, per rating point
SCALE_LOCATION_SD = 0.5  # respondent's shift of every rating, in facet SDs
SCALE_RANGE_SD = 0.25  # sd of the log of the respondent's use of the range
CONTEXT_COLUMN = "purpose"
CONTEXT_LEVELS = ("long-term saving", "active trading")
CONTEXT_SHARE = 0.35  # share of respondents in the second level
CONTEXT_SHIFT = -1.5  # rating points, second level, on the context facets
CONFOUND_STREAM = 11  # separate streams: the survey without them is unchanged
USE_STREAM = 4  # the respondents' activity, under ``selective_use``
USE_ACTIVITY = 0.8  # logit of use per sd of a respondent's general activity
USE_WARMTH = 0.5  # logit of use per sd of warmth; the reverse for getting help
HELP_STAGE = "Get help"


@dataclass(frozen=True)
class _Confounding:
    """What the respondents bring besides the touchpoints (see ``make_survey``).

    ``stage`` (n, p): each respondent's journey-stage factor times its
    loading, per facet; ``shift`` (n, p): the context's shift of the true
    ratings; ``location`` and ``range_`` (n,): scale use; ``eta`` (n,): what
    warmth and context add to the connection logit; ``context`` (n,) 0/1 or
    None; ``context_facets``: the facets whose ratings the context moves.
    """

    stage: np.ndarray
    stage_load: float
    shift: np.ndarray
    location: np.ndarray | None
    range_: np.ndarray | None
    eta: np.ndarray
    context: np.ndarray | None
    context_facets: tuple[str, ...]

    @classmethod
    def draw(
        cls,
        n,
        facets,
        stage_of,
        spec,
        halo,
        *,
        halo_effect,
        scale_usage,
        stage_factor,
        context_effect,
        random_state,
        sample_seed,
    ):
        p = len(facets)
        study = np.random.default_rng(
            None if random_state is None else [random_state, CONFOUND_STREAM]
        )

        def people(k):
            return _respondent_stream(random_state, sample_seed, k)

        # Stage factors, then scale use, on one stream: both drawn whether
        # on or not, so that either switch leaves the other's draws alone.
        scale = people(1)
        levels = list(dict.fromkeys(stage_of))
        factors = scale.standard_normal((n, len(levels)))
        shift_sd, range_sd = scale.standard_normal(n), scale.standard_normal(n)
        stage = np.zeros((n, p))
        if stage_factor > 0:
            member = np.array([levels.index(s) for s in stage_of])
            stage = stage_factor * factors[:, member]
        location = range_ = None
        if scale_usage > 0:
            location = scale_usage * SCALE_LOCATION_SD * shift_sd
            range_ = np.exp(scale_usage * SCALE_RANGE_SD * range_sd)
        eta = halo_effect * halo
        shift = np.zeros((n, p))
        context, hit = None, ()
        if context_effect > 0:
            context = (people(3).random(n) < CONTEXT_SHARE).astype(int)
            drivers = [f for f in facets if spec.loc[f, "kind"] != "none"]
            others = [
                f
                for f in facets
                if spec.loc[f, "kind"] == "none" and not spec.loc[f, "table_stakes"]
            ]
            hit = tuple(study.permutation(others)[:2]) + tuple(
                study.permutation(drivers)[:1]
            )
            cols = [facets.index(f) for f in hit]
            shift[:, cols] = CONTEXT_SHIFT * context[:, None]
            eta = eta + context_effect * context
        return cls(stage, stage_factor, shift, location, range_, eta, context, hit)

    def observed(self, latent, mu, sd):
        """Ratings as given: the true latent rating through the scale use."""
        if self.location is None:
            return latent
        return mu + sd * self.location[:, None] + self.range_[:, None] * (latent - mu)


def _respondent_stream(random_state, sample_seed, k) -> np.random.Generator:
    """The respondents' stream of one confounding switch (``k``): switching
    another one on or off leaves its draws as they are."""
    if random_state is None:
        return np.random.default_rng()
    tail = [] if sample_seed is None else [7, sample_seed]
    return np.random.default_rng([random_state, CONFOUND_STREAM, k, *tail])


def _reach_of_each(reach, stage_of, halo, selective_use, stream) -> np.ndarray:
    """Each respondent's chance to use each touchpoint: ``reach`` for all, or
    with ``selective_use`` tilted on the logit by their activity and warmth
    (warm customers use more; those who needed help are the less warm)."""
    from scipy.special import expit, logit

    if selective_use == 0:
        return reach
    activity = stream.standard_normal(len(halo))
    sign = np.where(stage_of == HELP_STAGE, -1.0, 1.0)
    tilt = USE_ACTIVITY * activity[:, None] + USE_WARMTH * halo[:, None] * sign
    return expit(logit(np.clip(reach, 1e-6, 1 - 1e-6)) + selective_use * tilt)


def _sample_stream(random_state: int | None, sample_seed: int) -> np.random.Generator:
    """The respondents' own stream for ``sample_seed`` (see ``make_survey``)."""
    if random_state is None:
        return np.random.default_rng()
    return np.random.default_rng([random_state, 7, sample_seed])


def _contributions(x: np.ndarray, spec: pd.DataFrame, means: np.ndarray) -> np.ndarray:
    """Each facet's additive effect on the logit; 0 where not experienced."""
    kind = spec["kind"].to_numpy()
    b = spec["effect"].to_numpy()
    out = np.zeros_like(x)
    lin = kind == "linear"
    out[:, lin] = b[lin] * np.nan_to_num(x[:, lin] - means[lin])
    thr = kind == "threshold"
    out[:, thr] = b[thr] * np.nan_to_num(x[:, thr] >= 9)
    pen = kind == "penalty"
    out[:, pen] = -b[pen] * np.nan_to_num(x[:, pen] <= 4)
    return out


def _interaction(x: np.ndarray, means: np.ndarray, pair: tuple[int, int] | None):
    """The one interaction term between two linear drivers (0 if either missing)."""
    if pair is None:
        return np.zeros(len(x))
    i, j = pair
    return INTERACTION * np.nan_to_num((x[:, i] - means[i]) * (x[:, j] - means[j]))


def _interaction_rows(pair, seg_specs, seg_of) -> np.ndarray:
    """1 for the respondents whose segment keeps both partners of the
    interaction as drivers, 0 where ``segment_effects`` removed one: a facet
    without effect in a segment moves no one's connection there."""
    on = np.ones(len(seg_of))
    if pair is None:
        return on
    for s, s_spec in seg_specs.items():
        if (s_spec["kind"].iloc[list(pair)] == "none").any():
            on[seg_of == s] = 0.0
    return on


def _raised_logits(eta, shift, x, raised, means, pair, on) -> np.ndarray:
    """Each respondent's logit with facet ``j`` one point higher (column
    ``j``), everything else as drawn: the counterfactual of every truth."""
    out = eta[:, None] + shift
    for j in () if pair is None else pair:
        x1 = x.copy()
        x1[:, j] = raised[:, j]
        out[:, j] += on * (_interaction(x1, means, pair) - _interaction(x, means, pair))
    return out


def _segment_specs(
    spec: pd.DataFrame, segment_effects: Mapping[str, Mapping[str, float]] | None
) -> dict[str, pd.DataFrame]:
    """Each customer type's effect table under ``segment_effects`` (else {})."""
    if segment_effects is None:
        return {}
    if not isinstance(segment_effects, Mapping):
        raise ValueError(
            "The 'segment_effects' parameter of make_survey must be a mapping of "
            f"customer type -> effects, or None. Got {segment_effects!r} instead."
        )
    problems = []
    unknown = [s for s in segment_effects if s not in CUSTOMER_TYPES]
    if unknown:
        problems.append(
            f"Unknown customer types in 'segment_effects': {unknown}; expected "
            f"some of {list(CUSTOMER_TYPES)}."
        )
    for s in CUSTOMER_TYPES:
        if s in segment_effects:
            name = f"segment_effects['{s}']"
            problems += _effects_problems(spec, segment_effects[s], name)
    if problems:
        raise ValueError(" ".join(problems))
    return {
        s: _override_effects(spec, segment_effects.get(s, {})) for s in CUSTOMER_TYPES
    }


def _segment_contributions(x, spec, means, seg_of, seg_specs) -> np.ndarray:
    """:func:`_contributions`, with each segment's own effects where it has them."""
    if not seg_specs:
        return _contributions(x, spec, means)
    out = np.zeros_like(x)
    for s, s_spec in seg_specs.items():
        rows = seg_of == s
        out[rows] = _contributions(x[rows], s_spec, means)
    return out


def _segment_truth(seg_specs, seg_of, eta, eta_up, w):
    """Exact per-segment truth: effects and the expected uplift of +1 point."""
    from scipy.special import expit

    if not seg_specs:
        return {}
    effects = pd.DataFrame({s: t["effect"] for s, t in seg_specs.items()})
    differs = effects.nunique(axis=1) > 1
    out = {}
    for s, s_spec in seg_specs.items():
        rows = seg_of == s
        base = expit(eta[rows])
        uplift = np.empty(eta_up.shape[1])
        for j in range(eta_up.shape[1]):
            uplift[j] = np.average(expit(eta_up[rows, j]) - base, weights=w[rows])
        out[s] = s_spec[["kind", "effect"]].assign(
            is_driver=(s_spec["kind"] != "none").to_numpy(),
            true_uplift=uplift,
            differs=differs.to_numpy(),
        )
    return out


def _direct_value(x, means, facets, value_effects) -> np.ndarray:
    """Each respondent's direct value multiplier under ``value_effects``."""
    if not value_effects:
        return np.ones(len(x))
    if not isinstance(value_effects, Mapping):
        raise ValueError(
            "The 'value_effects' parameter of make_survey must be a mapping of "
            f"facet -> effect per point, or None. Got {value_effects!r} instead."
        )
    unknown = [f for f in value_effects if f not in facets]
    problems = []
    if unknown:
        hints = "".join(did_you_mean(f, facets) for f in unknown)
        problems.append(f"{unknown} are not facets of this survey.{hints}")
    for facet, c in value_effects.items():
        try:
            check_float(
                c,
                f"value_effects['{facet}']",
                "make_survey",
                low=-MAX_VALUE_EFFECT,
                high=MAX_VALUE_EFFECT,
            )
        except ValueError as err:
            problems.append(str(err))
    if problems:
        raise ValueError(" ".join(problems))
    log = np.zeros(len(x))
    for facet, c in value_effects.items():
        j = facets.index(facet)
        log += float(c) * np.nan_to_num(x[:, j] - means[j])
    return np.exp(log)


def _value_truth(effects, seg_value, sat, eta, eta_up, x, raised, means, facets, w):
    """Exact expected change in mean value per +1 point, and the part via connection."""
    from scipy.special import expit

    if not effects:
        return None
    c = np.array([float(effects.get(f, 0.0)) for f in facets])
    direct = _direct_value(x, means, facets, effects)
    m_conn = seg_value["fully_connected"]
    m_not = np.where(
        sat >= HIGH_SATISFACTION,
        seg_value["highly_satisfied"],
        seg_value["unconnected"],
    )
    p0 = expit(eta)
    base = 1500.0 * direct * (p0 * m_conn + (1 - p0) * m_not)
    total, via = np.empty(len(facets)), np.empty(len(facets))
    for j in range(len(facets)):
        p1 = expit(eta_up[:, j])
        direct1 = direct * np.exp(c[j] * np.nan_to_num(raised[:, j] - x[:, j]))
        after = 1500.0 * direct1 * (p1 * m_conn + (1 - p1) * m_not)
        total[j] = np.average(after - base, weights=w)
        via[j] = np.average(1500.0 * direct * (p1 - p0) * (m_conn - m_not), weights=w)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(np.abs(total) > 0, via / total, np.nan)
    return pd.DataFrame(
        {
            "value_effect": c,
            "true_delta_value": total,
            "true_via_connection": via,
            "true_share_via_connection": share,
        },
        index=pd.Index(facets, name="facet"),
    )


def make_survey(
    n_respondents: int = 5000,
    n_facets: int = 100,
    *,
    n_stages: int = 6,
    connected_share: float = 0.25,
    value_multiplier: float = 2.2,
    wave: str = "2026Q3",
    stated_form: str | None = None,
    random_state: int | None = None,
    effects: Mapping[str, float] | None = None,
    sample_seed: int | None = None,
    halo_effect: float | str = 0.0,
    scale_usage: bool | float = False,
    stage_factor: float = 0.0,
    context_effect: float = 0.0,
    segment_effects: Mapping[str, Mapping[str, float]] | None = None,
    value_effects: Mapping[str, float] | None = None,
    selective_use: float = 0.0,
) -> SyntheticSurvey:
    """Draw a synthetic experience survey with known drivers of connection.

    Parameters
    ----------
    n_respondents : int, default=5000
        Number of respondents (rows).
    n_facets : int, default=100
        Number of facets (touchpoints), spread evenly over ``n_stages``.
    n_stages : int, default=6
        Journey stages.
    connected_share : float, default=0.25
        Expected share of emotionally connected respondents.
    value_multiplier : float, default=2.2
        True ratio of mean lifetime value, fully connected over highly
        satisfied customers (1 to 100).
    wave : str or int, default="2026Q3"
        Label written in the ``wave`` column (an int as its text, as
        :func:`make_waves` writes its labels).
    stated_form : {"ratings", "ranks", "maxdiff"} or None
        Also write per-respondent stated importance in ``stated__<facet>``
        columns (after the other columns), consistent with the catalog's
        ``stated_importance`` (so it disagrees with the truth in the same
        way): ``"ratings"`` on a 1-5 scale, ``"ranks"`` (a full ranking,
        1 = most important, from a rank-ordered logit on the catalog value),
        or ``"maxdiff"`` (zero-centred individual utilities). Drawn from a
        separate random stream, so the rest of the survey is unchanged.
    random_state : int or None
        Seed; the same seed gives the same survey on every run.
    effects : mapping of str -> float or None
        Override the true effect of some facets, on the logit scale of their
        kind (per rating point for ``linear``, the jump for ``threshold`` and
        ``penalty``): ``{"welcome_note": 0.0}`` removes a driver,
        ``{"welcome_note": 0.6}`` doubles it (sizes from 0 to 10). A facet
        without an effect becomes a ``linear`` driver. Only the outcome
        changes: ratings, catalog and stated importance are those of the same
        seed without the override, so two calls differing only in
        ``effects`` differ only in how connection responds.
    sample_seed : int or None
        Draw the respondents from a separate stream seeded by
        ``(random_state, sample_seed)``, so that the study (the facets'
        effects, rating distributions, catalog costs and stated importance)
        is drawn from ``random_state`` alone: surveys with the same
        ``random_state`` and any ``sample_seed``, of any size, share their
        study and differ in their respondents, as survey waves do (see
        :func:`make_waves`). ``None`` (default) draws the study and the
        respondents from one stream, as always: such a survey shares only
        the facets' effects with those drawn with a ``sample_seed``, and its
        rating distributions, costs and stated importance change with
        ``n_respondents``. Without a ``random_state`` nothing is shared.
    halo_effect : float or {"none", "moderate", "strong"}, default=0.0
        How strongly general warmth ``h`` moves connection directly, on the
        logit per standard deviation of ``h`` ("moderate" = 1.0, "strong" =
        2.0; the facet effects together have a logit standard deviation of
        about 2.3 on the default survey). 0 keeps today's survey, where
        warmth only correlates the ratings. Real surveys sit above 0: warmth
        toward the brand is part of feeling connected. At most 10.
    scale_usage : bool or float, default=False
        Respondent-specific use of the rating scale: ``True`` (= 1.0) shifts
        all of a respondent's ratings by ``N(0, 0.5)`` facet standard
        deviations and stretches them around the facet mean by
        ``exp(N(0, 0.25))``; a float (at most 4) scales both. Connection
        responds to the rating before scale use.
    stage_factor : float, default=0.0
        Loading (at most 0.6) of a per-respondent factor for each journey
        stage on that stage's ratings: ratings within a stage correlate
        beyond the halo, connection does not move with it.
    context_effect : float, default=0.0
        With a value > 0 (at most 10), a ``purpose`` column (35% ``active
        trading``) that adds ``context_effect`` to the connection logit of
        active traders and lowers their ratings of three facets by 1.5 points;
        ``roles["controls"]`` then names it and ``truth["context_shift"]``
        marks the facets it moves.
    segment_effects : mapping of str -> mapping of str -> float, or None
        Segment-specific drivers: for a customer type (``"Self-directed"``,
        ``"Advised"``, ``"Retirement"``, the ``customer_type`` column), facet
        effects that replace the study's for that segment's respondents
        only, read as ``effects`` is. ``truth_by_segment`` then gives each
        segment's exact truth, and ``differs`` marks the facets whose effect
        is not the same in every segment.
    value_effects : mapping of str -> float, or None
        Facets that move value directly, not through connection: a
        respondent's value is multiplied by ``exp(c * (rating - mean))``
        for each such facet (``c`` per rating point, either sign, at most 1
        in size; nothing when not experienced). ``value_truth`` then gives,
        per facet, the exact expected change in mean value when every
        respondent who rated it rates it one point higher, and the part of
        it through connection. ``value_multiplier`` stays the ratio of the
        segments' base values: a direct effect of a facet that connected
        customers rate higher lifts their mean value beyond it (a ratio of
        about 2.3 for ``{"investing_videos": 0.3}`` at the default 2.2).
    selective_use : float, default=0.0
        Touchpoint use that depends on the respondent, as real non-use does
        (at most 3): each respondent's chance to use a touchpoint is its
        ``reach`` tilted on the logit by ``selective_use`` times (0.8 x
        their general activity, ``N(0, 1)``, plus 0.5 x their warmth ``h``;
        minus that for the "Get help" stage, used by those who had a
        problem). Then ``reach`` is the use at average activity and warmth;
        ``truth["reach"]`` stays the share who used it. 0 draws use
        independently of everything.

    Returns
    -------
    SyntheticSurvey
        ``survey`` (columns ``respondent_id, wave, customer_type, weight``,
        the facets, ``motivator__*``, ``satisfaction, connected, value,
        churned, recommend``), ``catalog``, ``truth``, ``value_multiplier``,
        ``roles`` and ``respondents`` (each respondent's warmth and scale
        use).

    Examples
    --------
    >>> s = make_survey(n_respondents=500, n_facets=20, random_state=0)
    >>> s.survey.shape
    (500, 39)
    >>> bool(s.truth["is_driver"].any())
    True
    """
    from scipy.optimize import brentq
    from scipy.special import expit

    owner = "make_survey"
    n = check_int(n_respondents, "n_respondents", owner, min_value=10)
    p = check_int(n_facets, "n_facets", owner, min_value=4)
    n_stages = check_int(n_stages, "n_stages", owner, min_value=1)
    if n_stages > p:
        raise ValueError(
            f"The 'n_stages' parameter of make_survey must be <= n_facets ({p}). "
            f"Got {n_stages} instead: pass n_stages={p} or fewer (the default is "
            "6 stages)."
        )
    share = check_float(connected_share, "connected_share", owner, low=0.02, high=0.9)
    mult = check_float(value_multiplier, "value_multiplier", owner, low=1.0, high=100.0)
    check_int(random_state, "random_state", owner, min_value=0, allow_none=True)
    check_int(sample_seed, "sample_seed", owner, min_value=0, allow_none=True)
    # ``rng`` draws the study (effects, facet distributions, catalog), ``draw``
    # the respondents; by default they are one and the same stream.
    if stated_form is not None:
        check_choice(stated_form, "stated_form", owner, STATED_FORMS)
    if isinstance(wave, int | np.integer) and not isinstance(wave, bool):
        wave = str(wave)  # a wave number, written as make_waves writes its labels
    if not isinstance(wave, str) or not wave.strip():
        raise ValueError(
            f"The 'wave' parameter of make_survey must be a non-empty str or an "
            f"int (the label of the wave column, e.g. '2026Q3'). Got {wave!r} "
            "instead."
        )
    rng = np.random.default_rng(random_state)
    draw = rng if sample_seed is None else _sample_stream(random_state, sample_seed)

    names = _facet_names(p, n_stages)
    facets = [f for f, _, _ in names]
    stage_of = np.array([s for _, _, s in names])
    said = _effect_spec(facets, rng)
    spec = said if effects is None else _override_effects(said, effects)

    halo_effect = HALO_EFFECTS.get(halo_effect, halo_effect)
    check_float(halo_effect, "halo_effect", owner, low=0.0, high=MAX_LOGIT)
    if isinstance(scale_usage, bool):
        scale_usage = float(scale_usage)
    scale_usage = check_float(scale_usage, "scale_usage", owner, low=0.0, high=4.0)
    check_float(stage_factor, "stage_factor", owner, low=0.0, high=0.6)
    check_float(context_effect, "context_effect", owner, low=0.0, high=MAX_LOGIT)
    check_float(selective_use, "selective_use", owner, low=0.0, high=3.0)

    # Ratings: halo-correlated, skewed to the top, structurally missing.
    halo = draw.standard_normal(n)
    mu = rng.uniform(6.6, 8.4, p)
    sd = rng.uniform(1.5, 2.2, p)
    load = rng.uniform(0.45, 0.75, p)
    reach = rng.uniform(0.55, 0.97, p)
    reach[stage_of == "Open account"] = rng.uniform(
        0.9, 1.0, (stage_of == "Open account").sum()
    )
    reach[stage_of == HELP_STAGE] = rng.uniform(
        0.3, 0.65, (stage_of == HELP_STAGE).sum()
    )
    noise = draw.standard_normal((n, p))
    conf = _Confounding.draw(
        n,
        facets,
        stage_of,
        said,  # the study's effects: an override of ``effects`` moves no rating
        halo,
        halo_effect=halo_effect,
        scale_usage=scale_usage,
        stage_factor=stage_factor,
        context_effect=context_effect,
        random_state=random_state,
        sample_seed=sample_seed,
    )
    unique = np.sqrt(1 - load**2 - conf.stage_load**2)
    latent = mu + sd * (load * halo[:, None] + conf.stage + unique * noise)
    latent = latent + conf.shift
    # ``r``: the rating on the common scale (what connection responds to);
    # ``x``: the rating as given, through the respondent's scale use.
    r = np.clip(np.rint(latent), 1, SCALE_MAX)
    x = np.clip(np.rint(conf.observed(latent, mu, sd)), 1, SCALE_MAX)
    use_stream = _respondent_stream(random_state, sample_seed, USE_STREAM)
    unused = draw.random((n, p)) > _reach_of_each(
        reach, stage_of, halo, selective_use, use_stream
    )
    r[unused] = np.nan
    x[unused] = np.nan

    customer_type = draw.choice(len(CUSTOMER_TYPES), size=n, p=[0.5, 0.3, 0.2])
    weight = np.asarray(CUSTOMER_TYPE_WEIGHT)[customer_type] * draw.lognormal(0, 0.2, n)
    weight = weight / weight.mean()

    means = np.nanmean(r, axis=0)
    pair = None
    if all(f in facets for f in NAMED_INTERACTION):
        pair = (facets.index(NAMED_INTERACTION[0]), facets.index(NAMED_INTERACTION[1]))
    else:
        linear = [facets.index(f) for f in said.index[said["kind"] == "linear"]]
        pair = (linear[0], linear[1]) if len(linear) >= 2 else None
    if pair is not None and (spec["kind"].iloc[list(pair)] == "none").any():
        pair = None  # an override removed one partner: no interaction left
    seg_specs = _segment_specs(spec, segment_effects)
    seg_of = np.asarray(CUSTOMER_TYPES)[customer_type]
    contrib = _segment_contributions(r, spec, means, seg_of, seg_specs)
    inter_on = _interaction_rows(pair, seg_specs, seg_of)
    eta0 = contrib.sum(axis=1) + inter_on * _interaction(r, means, pair) + conf.eta
    alpha = brentq(
        lambda a: np.average(expit(a + eta0), weights=weight) - share, -30, 30
    )
    eta = alpha + eta0

    propensity = eta + draw.logistic(size=n)
    connected = (propensity > 0).astype(int)

    # Exact expected uplift of +1 point for each facet, everything else unchanged.
    base = np.average(expit(eta), weights=weight)
    raised = np.minimum(r + 1, SCALE_MAX)
    shift = _segment_contributions(raised, spec, means, seg_of, seg_specs) - contrib
    eta_up = _raised_logits(eta, shift, r, raised, means, pair, inter_on)
    uplift = np.empty(p)
    for j in range(p):
        uplift[j] = np.average(expit(eta_up[:, j]), weights=weight) - base

    z = (propensity - propensity.mean()) / propensity.std()
    rho = rng.uniform(0.55, 0.8, len(MOTIVATORS))
    motiv = 4.2 + 1.3 * (
        rho * z[:, None]
        + np.sqrt(1 - rho**2) * draw.standard_normal((n, len(MOTIVATORS)))
    )
    motiv = np.clip(np.rint(motiv), 1, 7)
    satisfaction = np.clip(
        np.rint(7.3 + 1.3 * halo + 0.4 * z + 1.0 * draw.standard_normal(n)), 1, 10
    )

    segment = np.where(
        connected == 1,
        "fully_connected",
        np.where(satisfaction >= HIGH_SATISFACTION, "highly_satisfied", "unconnected"),
    )
    seg_value = {
        **SEGMENT_VALUE,
        "fully_connected": SEGMENT_VALUE["highly_satisfied"] * mult,
    }
    sigma = 0.6
    value = (
        1500.0
        * np.vectorize(seg_value.get)(segment)
        * np.exp(sigma * draw.standard_normal(n) - sigma**2 / 2)
        * _direct_value(r, means, facets, value_effects)
    )
    churned = (draw.random(n) < np.vectorize(CHURN_RATE.get)(segment)).astype(int)
    recommend = np.clip(
        np.rint(6.5 + 1.2 * z + 0.6 * halo + 1.2 * draw.standard_normal(n)), 0, 10
    )

    survey = pd.DataFrame(
        {
            "respondent_id": [f"R{i + 1:05d}" for i in range(n)],
            "wave": wave,
            "customer_type": np.asarray(CUSTOMER_TYPES)[customer_type],
            "weight": weight.round(4),
        }
    )
    if conf.context is not None:
        survey[CONTEXT_COLUMN] = np.asarray(CONTEXT_LEVELS)[conf.context]
    survey = pd.concat(
        [
            survey,
            pd.DataFrame(x, columns=facets),
            pd.DataFrame(motiv, columns=[f"motivator__{m}" for m in MOTIVATORS]),
            pd.DataFrame(
                {
                    "satisfaction": satisfaction,
                    "connected": connected,
                    "value": value.round(2),
                    "churned": churned,
                    "recommend": recommend,
                }
            ),
        ],
        axis=1,
    )

    # What customers say follows the study's drivers, not this wave's effects.
    stated = rng.uniform(2.5, 4.1, p)
    is_driver = (said["kind"] != "none").to_numpy()
    hidden = said["hidden_driver"].to_numpy()
    stakes = said["table_stakes"].to_numpy()
    stated[hidden] = rng.uniform(1.7, 2.5, hidden.sum())
    stated[is_driver & ~hidden] = rng.uniform(3.9, 4.5, (is_driver & ~hidden).sum())
    stated[stakes] = rng.uniform(4.4, 4.9, stakes.sum())
    is_driver = (spec["kind"] != "none").to_numpy()
    hidden = spec["hidden_driver"].to_numpy()
    stakes = spec["table_stakes"].to_numpy()
    cost = np.round(rng.uniform(40_000, 300_000, p), -4)
    catalog = pd.DataFrame(
        {
            "facet": facets,
            "label": [label for _, label, _ in names],
            "stage": stage_of,
            "touchpoint": [label for _, label, _ in names],
            "stated_importance": stated.round(2),
            "cost": cost,
            "scale_min": 1,
            "scale_max": SCALE_MAX,
        }
    )

    interacts = pd.Series("", index=spec.index)
    if pair is not None:
        interacts.iloc[pair[0]] = facets[pair[1]]
        interacts.iloc[pair[1]] = facets[pair[0]]
    truth = spec.assign(
        interacts_with=interacts,
        is_driver=is_driver,
        hidden_driver=hidden,
        table_stakes=stakes,
        reach=np.average(~np.isnan(x), axis=0, weights=weight),
        true_uplift=uplift,
    )[
        [
            "kind",
            "effect",
            "interacts_with",
            "is_driver",
            "hidden_driver",
            "table_stakes",
            "reach",
            "true_uplift",
        ]
    ]

    roles = {
        "connection": "connected",
        "value": "value",
        "satisfaction": "satisfaction",
        "weight": "weight",
        "segment": "customer_type",
        "wave": "wave",
        "id": "respondent_id",
        "churn": "churned",
        "advocacy": "recommend",
    }
    if conf.context is not None:
        roles["controls"] = [CONTEXT_COLUMN]
        hit = truth.index.isin(conf.context_facets)
        truth["context_shift"] = np.where(hit, CONTEXT_SHIFT, 0.0)
    if stated_form is not None:
        # each wave's respondents state their own importance (``sample_seed``)
        tail = [] if sample_seed is None else [7, sample_seed]
        stated_rng = np.random.default_rng(
            None if random_state is None else [random_state, STATED_STREAM, *tail]
        )
        per = _stated_columns(catalog, n, stated_form, stated_rng)
        survey = pd.concat([survey, per], axis=1)
    by_segment = _segment_truth(seg_specs, seg_of, eta, eta_up, weight)
    value_truth = _value_truth(
        value_effects,
        seg_value,
        satisfaction,
        eta,
        eta_up,
        r,
        raised,
        means,
        facets,
        weight,
    )
    respondents = pd.DataFrame(
        {
            "respondent_id": survey["respondent_id"],
            "halo": halo,
            "scale_shift": 0.0 if conf.location is None else conf.location,
            "scale_stretch": 1.0 if conf.range_ is None else conf.range_,
        }
    )
    return SyntheticSurvey(
        survey,
        catalog,
        truth,
        mult,
        roles,
        truth_by_segment=by_segment,
        value_truth=value_truth,
        respondents=respondents,
    )


def make_waves(
    n_respondents: int = 5000,
    n_facets: int = 100,
    *,
    waves: Sequence[str] = ("2026Q2", "2026Q3"),
    effects: Mapping[str, Mapping[str, float]] | None = None,
    random_state: int | None = 0,
    **options: Any,
) -> SyntheticSurvey:
    """Draw several waves of one study: new respondents, the same drivers.

    Every wave is ``make_survey(..., random_state=random_state,
    sample_seed=k, wave=label)`` for its position ``k``: the facets' effects,
    rating distributions and catalog are the study's, the respondents are
    drawn afresh, so any change in the findings between waves is sampling
    noise, except where ``effects`` changes a driver on purpose.

    Parameters
    ----------
    n_respondents, n_facets : int
        Respondents per wave, and facets.
    waves : sequence of str, default=("2026Q2", "2026Q3")
        Wave labels, oldest first.
    effects : mapping of str -> mapping of str -> float, or None
        Per wave label, the effect overrides passed to
        :func:`make_survey` (``{"2026Q3": {"goal_setting": 0.0}}`` removes
        that driver in the second wave).
    random_state : int or None, default=0
        The study's seed; ``None`` draws one fresh seed for the study, which
        every wave then shares.
    **options
        Other keyword arguments of :func:`make_survey` (``n_stages``,
        ``connected_share``, ``value_multiplier``, ``halo_effect``,
        ``scale_usage``, ``stage_factor``, ``context_effect``): the
        confounding is the study's, each wave's respondents draw their own
        warmth, scale use, stage factors and context.

    Returns
    -------
    SyntheticSurvey
        ``survey``: the waves stacked, ids prefixed by the wave label;
        ``catalog``: shared; ``truth``: the latest wave's; ``truth_by_wave``;
        ``truth_by_segment`` and ``value_truth`` (with ``segment_effects``
        and ``value_effects``): the latest wave's, as ``truth``.

    Examples
    --------
    >>> s = make_waves(300, 12, effects={"2026Q3": {"mobile_app": 0.0}})
    >>> s.survey["wave"].value_counts().sort_index().to_dict()
    {'2026Q2': 300, '2026Q3': 300}
    >>> float(s.truth_by_wave["2026Q3"].loc["mobile_app", "effect"])
    0.0
    """
    check_int(random_state, "random_state", "make_waves", min_value=0, allow_none=True)
    if random_state is None:  # one study for every wave, not one per wave
        random_state = int(np.random.SeedSequence().generate_state(1)[0])
    labels = [str(w) for w in waves]
    if not labels or len(set(labels)) != len(labels):
        raise ValueError(
            "The 'waves' parameter of make_waves must be a non-empty sequence "
            f"of distinct labels. Got {waves!r} instead."
        )
    effects = dict(effects or {})
    unknown = sorted(set(effects) - set(labels))
    if unknown:
        raise ValueError(
            f"The 'effects' parameter of make_waves names waves {unknown} that "
            f"are not in waves={labels}."
        )
    # what make_waves sets itself; the rest of make_survey's parameters pass on
    taken = {"n_respondents", "n_facets", "wave", "random_state", "effects"}
    taken.add("sample_seed")  # each wave's own draw
    passed_on = [p for p in inspect.signature(make_survey).parameters if p not in taken]
    strange = [name for name in options if name not in passed_on]
    if strange:
        hints = " ".join(
            f"Unknown option '{n}'.{did_you_mean(n, [*passed_on, 'waves'])}"
            for n in strange
        )
        raise TypeError(
            f"make_waves: {hints} It takes waves, effects, random_state and "
            f"the options of make_survey: {', '.join(passed_on)}."
        )
    parts = [
        make_survey(
            n_respondents,
            n_facets,
            wave=label,
            random_state=random_state,
            effects=effects.get(label),
            sample_seed=k,
            **options,
        )
        for k, label in enumerate(labels)
    ]
    frames, people = [], []
    for label, part in zip(labels, parts, strict=True):
        for frame, kept in ((part.survey, frames), (part.respondents, people)):
            frame = frame.copy()
            frame["respondent_id"] = label + "-" + frame["respondent_id"]
            kept.append(frame)
    last = parts[-1]
    return SyntheticSurvey(
        pd.concat(frames, ignore_index=True),
        last.catalog,
        last.truth,
        last.value_multiplier,
        last.roles,
        {label: part.truth for label, part in zip(labels, parts, strict=True)},
        truth_by_segment=last.truth_by_segment,
        value_truth=last.value_truth,
        respondents=pd.concat(people, ignore_index=True),
    )


def _stated_columns(
    catalog: pd.DataFrame, n: int, form: str, rng: np.random.Generator
) -> pd.DataFrame:
    """Per-respondent stated importance around the catalog's aggregate."""
    stated = catalog["stated_importance"].to_numpy(dtype=float)
    p = len(stated)
    if form == "ratings":
        lean = 0.4 * rng.standard_normal((n, 1))  # scale use: some rate all high
        values = np.clip(
            np.rint(stated + lean + 0.8 * rng.standard_normal((n, p))), 1, 5
        )
    elif form == "ranks":
        utility = 1.5 * stated + rng.gumbel(size=(n, p))
        order = np.argsort(-utility, axis=1)
        values = np.empty((n, p))
        np.put_along_axis(values, order, np.arange(1, p + 1, dtype=float), axis=1)
    else:
        utility = 1.5 * stated + 0.7 * rng.standard_normal((n, p))
        values = np.round(utility - utility.mean(axis=1, keepdims=True), 3)
    columns = [f"stated__{f}" for f in catalog["facet"]]
    return pd.DataFrame(values, columns=columns)


def load_sample() -> SyntheticSurvey:
    """The bundled sample: 5,000 respondents x 100 facets, with its truth.

    It is ``make_survey(random_state=2026)`` written to CSV at release time
    and shipped inside the package, so it is the same on every machine.

    Returns
    -------
    SyntheticSurvey
        The survey (``survey.csv``), its facet catalog and its truth.

    Examples
    --------
    >>> sample = load_sample()
    >>> sample.survey.shape
    (5000, 119)
    >>> sample.roles["connection"]
    'connected'
    """
    root = resources.files("emomotiv") / "data" / "sample"
    with (root / "survey.csv").open("rb") as fh:
        survey = pd.read_csv(fh)
    with (root / "facets.csv").open("rb") as fh:
        catalog = pd.read_csv(fh)
    with (root / "truth.csv").open("rb") as fh:
        truth = pd.read_csv(fh, keep_default_na=False).set_index("facet")
    meta = json.loads((root / "meta.json").read_text())
    truth["effect"] = truth["effect"].astype(float)
    return SyntheticSurvey(
        survey, catalog, truth, meta["value_multiplier"], meta["roles"]
    )


def write_sample(directory) -> None:
    """Regenerate the bundled sample files (maintainers only)."""
    from pathlib import Path

    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    s = make_survey(random_state=SAMPLE_SEED)
    s.survey.to_csv(root / "survey.csv", index=False)
    s.catalog.to_csv(root / "facets.csv", index=False)
    s.truth.reset_index().to_csv(root / "truth.csv", index=False)
    meta = {
        "random_state": SAMPLE_SEED,
        "value_multiplier": s.value_multiplier,
        "roles": s.roles,
    }
    (root / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
