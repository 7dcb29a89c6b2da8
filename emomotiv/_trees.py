"""The trees of a fitted XGBoost booster, as arrays, for what-if changes.

A scenario changes one or a few columns of the rows it reaches, and only the
trees that split on those columns can give those rows another leaf. A row's
changed margin is then its margin as it is plus, over those trees alone, the
new leaf's value less the old one's: on a 300-tree model a facet is split on
in about one tree in sixteen, so the scenarios of a model cost a fraction of
predicting every changed row through every tree. :class:`Trees` reads a
booster's trees once (its JSON model) into flat arrays for that, each tree
as a complete binary tree of the booster's depth (a shallower leaf passes
every row on to the left), so that a row descends by arithmetic on its
node's place rather than by looking its children up.

The result is XGBoost's own prediction up to the order of a float sum: the
rows descend the same splits (float32 values against float32 thresholds,
missing values to each split's default side). Only plain numeric trees
(``gbtree``, no categorical splits, no dropout weights, one output, at
most :data:`MAX_DEPTH` levels) with an objective whose inverse link is
known are read; :meth:`Trees.from_booster`
returns None for any other booster, and its caller predicts the usual way.

The same arrays explain the trees (:meth:`Trees.contributions`): XGBoost's
exact path-dependent TreeSHAP (``pred_contribs``), about four times faster
on the trees of a driver model. Each leaf adds to a row's expected
prediction given a set of features its value times, for each feature on its
path, whether the row takes that path (the feature in the set) or the share
of the training cover that does (not in the set). The Shapley values of such
a product have a closed form, the one TreeSHAP's recursion computes; they
depend on the row only through the side it takes at each split. A tree of
at most :data:`SHAP_DEPTH` levels has at most 7 splits, so 128 patterns of
sides: its SHAP for each pattern is tabulated once, and each row looks its
pattern up.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from math import factorial

import numpy as np
from scipy.special import expit

#: Trees deeper than this are left to XGBoost: each is read as a complete
#: binary tree of its depth (2 ** (depth + 1) - 1 nodes, kept for every
#: replicate), which past XGBoost's own default depth of 6 costs more memory
#: than it saves time (at depth 12, 42 MB a replicate of 300 trees, and on
#: 30 facets slower than XGBoost's prediction from depth 8).
MAX_DEPTH = 6

#: Trees at most this deep are explained from a table of every pattern of
#: sides a row can take at their splits (2 ** (2 ** depth - 1) patterns: 128
#: at depth 3, 32,768 at depth 4, too many to tabulate for each tree).
SHAP_DEPTH = 3

#: Values a batch of rows explained at once holds (rows x trees x splits):
#: about 2,000 rows of a 300-tree model, 32 MB in float64.
SHAP_CELLS = 4_000_000

#: The inverse link of each objective a driver or value model is fitted with.
INVERSE_LINKS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "binary:logistic": expit,
    "reg:logistic": expit,
    "reg:squarederror": np.positive,  # the identity (a named function: picklable)
    "reg:tweedie": np.exp,
    "reg:gamma": np.exp,
    "count:poisson": np.exp,
}


class Trees:
    """A booster's trees as flat arrays (see the module's docstring).

    Parameters
    ----------
    trees : list of dict
        The ``trees`` of the booster's JSON model.
    n_features : int
        Columns of the data the booster was fitted on.
    inverse_link : callable
        From the margin to the prediction.
    depth : int
        The deepest leaf's depth (:func:`_depth`), at most :data:`MAX_DEPTH`.

    Examples
    --------
    >>> import numpy as np
    >>> import xgboost as xgb
    >>> rng = np.random.default_rng(0)
    >>> X = rng.integers(1, 11, size=(200, 3)).astype(np.float32)
    >>> y = (X[:, 0] + rng.normal(size=200) > 6).astype(int)
    >>> booster = xgb.train({"max_depth": 2}, xgb.DMatrix(X, label=y), 5)
    >>> trees = Trees.from_booster(booster)
    >>> rows = np.arange(5)
    >>> after = X[rows].copy()
    >>> after[:, 0] += 1
    >>> margin = booster.inplace_predict(X[rows], predict_type="margin")
    >>> before = trees.leaves(X)
    >>> changed = margin + trees.change(X, rows, [0], after[:, [0]], before)
    >>> direct = booster.inplace_predict(after, predict_type="margin")
    >>> bool(np.allclose(changed, direct, atol=1e-5))
    True
    """

    def __init__(
        self,
        trees: list[dict],
        n_features: int,
        inverse_link: Callable[[np.ndarray], np.ndarray],
        depth: int,
    ) -> None:
        size = max(len(tree["left_children"]) for tree in trees)
        shape = (len(trees), size)
        left = np.full(shape, -1)
        right = np.full(shape, -1)
        feature = np.zeros(shape, dtype=np.int64)
        threshold = np.zeros(shape, dtype=np.float32)
        default_left = np.zeros(shape, dtype=bool)
        cover = np.zeros(shape)
        self.uses = np.zeros((len(trees), n_features), dtype=bool)
        for t, tree in enumerate(trees):
            n = len(tree["left_children"])
            left[t, :n] = tree["left_children"]
            right[t, :n] = tree["right_children"]
            split = np.flatnonzero(left[t] >= 0)
            feature[t, :n] = tree["split_indices"]
            # a leaf's value is its split condition in XGBoost's JSON model
            threshold[t, :n] = tree["split_conditions"]
            default_left[t, :n] = tree["default_left"]
            cover[t, :n] = tree["sum_hessian"]  # TreeSHAP's cover
            self.uses[t, feature[t, split]] = True
        self.depth = depth
        # XGBoost's node ids, for the leaf values of its pred_leaf output
        self._offset = np.arange(len(trees)) * size
        self._leaf_value = threshold.ravel()
        self._heap(left, right, feature, threshold, default_left, cover)
        self.inverse_link = inverse_link

    def _heap(self, left, right, feature, threshold, default_left, cover) -> None:
        """The trees as complete binary trees of ``depth`` levels, flat.

        Node ``h`` has children ``2h + 1`` (left) and ``2h + 2``, so a row
        descends by arithmetic, ``depth`` steps in every tree. A leaf above
        the last level becomes a split every row leaves to the left (feature
        0 below +inf, missing to the left) down to the last level, where its
        value is kept. Nodes are placed from the root down, so a node no
        split reaches (padding, a pruned id) is never placed. Each placed
        split and leaf keeps its cover; ``split`` marks the true splits.
        """
        n_trees = len(left)
        depth = self.depth
        width = 2 ** (depth + 1) - 1
        heap = {
            "feature": np.zeros((n_trees, width), dtype=np.int32),
            "threshold": np.full((n_trees, width), np.inf, dtype=np.float32),
            "default_left": np.ones((n_trees, width), dtype=bool),
            "value": np.zeros((n_trees, width), dtype=np.float32),
            "cover": np.zeros((n_trees, width)),
            "split": np.zeros((n_trees, width), dtype=bool),
        }
        tree, node = np.arange(n_trees), np.zeros(n_trees, dtype=np.int64)
        at = np.zeros(n_trees, dtype=np.int64)  # each node's place in its heap
        for level in range(depth + 1):
            split = left[tree, node] >= 0
            leaf = ~split
            # a leaf's leftmost descendant on the last level holds its value
            below = 2 ** (depth - level)
            heap["value"][tree[leaf], below * (at[leaf] + 1) - 1] = threshold[
                tree[leaf], node[leaf]
            ]
            heap["cover"][tree, at] = cover[tree, node]
            tree, node, at = tree[split], node[split], at[split]
            heap["split"][tree, at] = True
            heap["feature"][tree, at] = feature[tree, node]
            heap["threshold"][tree, at] = threshold[tree, node]
            heap["default_left"][tree, at] = default_left[tree, node]
            node = np.concatenate([left[tree, node], right[tree, node]])
            tree = np.concatenate([tree, tree])
            at = np.concatenate([2 * at + 1, 2 * at + 2])
        self._width = width
        self._feature = heap["feature"].ravel()
        self._threshold = heap["threshold"].ravel()
        self._default_left = heap["default_left"].ravel()
        self._value = heap["value"].ravel()
        self._cover = heap["cover"]
        self._split = heap["split"]

    @classmethod
    def from_booster(cls, booster) -> Trees | None:
        """The booster's trees, or None where they are not plain numeric trees
        with a known inverse link (the caller then predicts as usual)."""
        learner = json.loads(booster.save_raw("json"))["learner"]
        model = learner["gradient_booster"]
        link = INVERSE_LINKS.get(learner["objective"]["name"])
        if model.get("name") != "gbtree" or link is None:
            return None
        if int(learner["learner_model_param"].get("num_target", "1")) > 1:
            return None
        trees = model["model"]["trees"]
        if not trees or any(any(tree.get("split_type", ())) for tree in trees):
            return None
        if any(w != 1 for w in model["model"].get("weight_drop", ())):
            return None  # dropout (DART) weighs each tree's leaves
        depth = _depth(trees)
        if depth > MAX_DEPTH:
            return None  # a complete tree of each would not fit in memory
        n_features = int(learner["learner_model_param"]["num_feature"])
        return cls(trees, n_features, link, depth)

    def leaves(
        self,
        values: np.ndarray,
        trees: np.ndarray | None = None,
        *,
        rows: np.ndarray | None = None,
        columns=(),
        moved: np.ndarray | None = None,
    ) -> np.ndarray:
        """Leaf value of each row in each tree: (len(trees), len(rows)).

        ``values`` are float32 rows (NaN missing); ``trees`` the positions
        of the trees to read (all of them by default); ``rows`` the rows of
        ``values`` to read (all by default), with their ``columns`` read
        from ``moved`` instead (one column each) where given. Both are read
        as float32, as XGBoost reads them.
        """
        if trees is None:
            trees = np.arange(len(self.uses))
        if rows is None:
            rows = np.arange(len(values))
        n_columns = values.shape[1]
        first = np.repeat(np.asarray(trees) * self._width, len(rows))
        start = np.tile(np.asarray(rows) * n_columns, len(trees))
        flat = np.ascontiguousarray(values, dtype=np.float32).ravel()
        if moved is not None:  # compared as XGBoost compares: in float32
            moved = np.asarray(moved, dtype=np.float32)
        instead = [np.tile(moved[:, c], len(trees)) for c in range(len(columns))]
        node = np.zeros(len(first), dtype=np.int64)  # place in each tree's heap
        for _ in range(self.depth):
            at = first + node
            feature = self._feature[at]
            x = flat[start + feature]
            for column, value in zip(columns, instead, strict=True):
                x = np.where(feature == column, value, x)
            left = np.where(
                np.isnan(x), self._default_left[at], x < self._threshold[at]
            )
            node = 2 * node + 2 - left
        return self._value[first + node].reshape(len(trees), len(rows))

    def values_at(self, leaf_ids: np.ndarray) -> np.ndarray:
        """Leaf values of XGBoost's ``pred_leaf`` output, one column per row.

        ``leaf_ids`` (rows x trees) as ``booster.predict(..., pred_leaf=True)``
        gives them; the result is (trees x rows), as :meth:`leaves`.
        """
        ids = np.asarray(leaf_ids, dtype=np.int64)
        return self._leaf_value[self._offset[None, :] + ids].T

    def change(
        self,
        values: np.ndarray,
        rows: np.ndarray,
        columns,
        moved: np.ndarray,
        before: np.ndarray,
    ) -> np.ndarray:
        """Change in margin of ``rows`` of ``values`` whose ``columns`` move
        to ``moved`` (one column each), in float64.

        ``before`` holds the leaf values of every tree for ``values`` as
        they are (:meth:`leaves` or :meth:`values_at`: trees x rows).
        """
        trees = np.flatnonzero(self.uses[:, list(columns)].any(axis=1))
        if not len(trees):
            return np.zeros(len(rows))
        new = self.leaves(values, trees, rows=rows, columns=columns, moved=moved)
        return (new.astype(float) - before[np.ix_(trees, rows)]).sum(axis=0)

    def contributions(self, values: np.ndarray) -> np.ndarray | None:
        """Each row's SHAP value of each column, as XGBoost's
        ``pred_contribs`` gives them less its bias column: (rows x columns),
        float64. None for trees deeper than :data:`SHAP_DEPTH`.

        ``values`` are rows of the columns the booster was fitted on (float32,
        NaN missing). The values equal XGBoost's up to its float32 sums.

        Examples
        --------
        >>> import numpy as np
        >>> import xgboost as xgb
        >>> rng = np.random.default_rng(0)
        >>> X = rng.integers(1, 11, size=(200, 3)).astype(np.float32)
        >>> X[rng.random(X.shape) < 0.2] = np.nan
        >>> y = (np.nan_to_num(X[:, 0]) + rng.normal(size=200) > 6).astype(int)
        >>> booster = xgb.train({"max_depth": 3}, xgb.DMatrix(X, label=y), 20)
        >>> phi = Trees.from_booster(booster).contributions(X)
        >>> theirs = booster.predict(xgb.DMatrix(X), pred_contribs=True)[:, :-1]
        >>> bool(np.allclose(phi, theirs, atol=1e-5))
        True
        """
        if self.depth > SHAP_DEPTH:
            return None
        n_trees, n_features = self.uses.shape
        if self.depth == 0:  # no tree splits: nothing to share out
            return np.zeros((len(values), n_features))
        n_splits = 2**self.depth - 1
        width = self._width
        # the columns of each tree's splits; a place that is no split reads
        # an extra column of zeros and gives its (zero) part to it
        at = (np.arange(n_trees)[:, None] * width + np.arange(n_splits)).ravel()
        split = self._split[:, :n_splits].ravel()
        column = np.where(split, self._feature[at], n_features)
        threshold = self._threshold[at]
        right_if_missing = ~self._default_left[at]
        powers = (2.0 ** np.arange(n_splits)).astype(np.float32)
        first = (np.arange(n_trees) * 2**n_splits)[None, :]
        # tabulated anew each call (2 MB at 300 trees): the trees are kept
        # with each bootstrap replicate, the table would be kept with them
        table = self._shap_tables().reshape(-1, n_splits)
        values = np.asarray(values, dtype=np.float32)
        out = np.empty((len(values), n_features))
        batch = max(1, SHAP_CELLS // (n_trees * n_splits))
        for start in range(0, len(values), batch):
            rows = values[start : start + batch]
            padded = np.concatenate([rows, np.zeros((len(rows), 1), np.float32)], 1)
            x = padded[:, column]
            # the side each row takes at each split (NaN compares False)
            right = np.where(np.isnan(x), right_if_missing, x >= threshold)
            # each tree's pattern of sides, a bit per split (sums of powers of
            # two below 128: exact in float32 in any order)
            sides = right.reshape(-1, n_splits).astype(np.float32) @ powers
            pattern = sides.astype(np.int64).reshape(len(rows), n_trees) + first
            # each split's part added to its column in a fixed order: a
            # matrix product's sums would change in the last bits with the
            # number of BLAS threads, and a result must not
            cell = np.arange(len(rows))[:, None] * (n_features + 1) + column
            summed = np.bincount(
                cell.ravel(),
                weights=table[pattern].ravel(),
                minlength=len(rows) * (n_features + 1),
            )
            out[start : start + len(rows)] = summed.reshape(len(rows), -1)[
                :, :n_features
            ]
        return out

    def _shap_tables(self) -> np.ndarray:
        """Each tree's SHAP of each of its splits' columns for each pattern of
        sides a row takes at its splits: (trees, 2 ** splits, splits).

        Leaf ``l``'s part of the expected prediction given the features in
        ``S`` is ``v * prod_u (a_u if u in S else c_u)`` over the features
        ``u`` on its path: ``a_u`` 1 when the row takes the path at every
        split on ``u``, ``c_u`` the product of the cover shares of the path's
        children at those splits. The Shapley value of ``i`` is
        ``v * (a_i - c_i) * sum_s w(s, d) e_s``, with ``e_s`` the sum over
        sets of ``s`` of the other features of the product of their ``a``
        and of the rest's ``c`` (the coefficients of ``prod (c_j + a_j z)``)
        and ``w(s, d) = s! (d - s - 1)! / d!`` for ``d`` features on the
        path. A place that is no split (below a shallower leaf, :meth:`_heap`)
        sends every row and all cover left: its factor is 1 on the path to
        the left and 0 elsewhere, and it takes no part.
        """
        depth, width = self.depth, self._width
        n_trees = len(self.uses)
        n_splits, n_leaves = 2**depth - 1, 2**depth
        node, side = _leaf_paths(depth)  # (leaves, depth) each
        child = 2 * node + 1 + side
        feature = self._feature.reshape(n_trees, width)
        split = self._split[:, node]  # (trees, leaves, depth)
        value = self._value.reshape(n_trees, width)[:, n_splits:].astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.nan_to_num(self._cover[:, child] / self._cover[:, node])
        share = np.where(split, share, 1.0 - side)
        # a feature met twice on a path is one player: its first place holds it
        path = np.where(split, feature[:, node], -1 - np.arange(depth))
        first = np.broadcast_to(np.arange(depth), path.shape).copy()
        for k in range(depth):
            for j in range(k):
                again = (path[..., k] == path[..., j]) & (first[..., k] == k)
                first[..., k] = np.where(again, j, first[..., k])
        player = first == np.arange(depth)  # (trees, leaves, depth)
        # per leaf, the 2 ** depth patterns of sides along its own path
        takes = (np.arange(n_leaves)[:, None] >> np.arange(depth)) & 1
        a = np.ones((n_trees, n_leaves, n_leaves, depth))
        c = np.ones((n_trees, n_leaves, depth))
        for j in range(depth):
            for k in range(j + 1):
                mine = first[..., j] == k
                a[..., k] *= np.where(mine[:, :, None], takes[None, None, :, j], 1.0)
                c[..., k] *= np.where(mine, share[..., j], 1.0)
        a = np.where(player[:, :, None, :], a, 0.0)
        others = np.broadcast_to(np.where(player, c, 1.0)[:, :, None, :], a.shape)
        weight = _shapley_weights(depth)[player.sum(-1)][:, :, None, :]
        phi = np.zeros_like(a)
        for i in range(depth):
            coefficients = np.zeros_like(a)
            coefficients[..., 0] = 1.0
            for j in range(depth):
                if j != i:  # times (c_j + a_j z)
                    grown = coefficients * others[..., j : j + 1]
                    grown[..., 1:] += coefficients[..., :-1] * a[..., j : j + 1]
                    coefficients = grown
            summed = (coefficients * weight).sum(-1)
            gain = value[:, :, None] * (a[..., i] - c[:, :, None, i]) * summed
            phi[..., i] = np.where(player[:, :, None, i], gain, 0.0)
        # each tree-wide pattern of sides, as each leaf's pattern on its path
        sides = (np.arange(2**n_splits)[:, None] >> np.arange(n_splits)) & 1
        local = ((sides[:, node] == side) << np.arange(depth)).sum(-1)
        parts = phi[:, np.arange(n_leaves)[None, :], local]  # (trees, patterns, ...)
        table = np.zeros((n_trees, 2**n_splits, n_splits))
        for leaf in range(n_leaves):  # in a fixed order (see contributions)
            for k in range(depth):
                table[:, :, node[leaf, k]] += parts[:, :, leaf, k]
        return table


def shap_values(booster, values: np.ndarray) -> np.ndarray:
    """TreeSHAP of ``values`` (rows x columns, float64, without the bias
    column): :func:`explain` with the booster's trees read here."""
    return explain(booster, Trees.from_booster(booster), values)


def explain(booster, trees: Trees | None, values: np.ndarray) -> np.ndarray:
    """TreeSHAP of ``values`` (rows x columns, float64, without the bias
    column) from the booster's ``trees`` as :meth:`Trees.from_booster` read
    them (:meth:`Trees.contributions`) where they are shallow enough, else
    (or where they could not be read: None) XGBoost's own ``pred_contribs``
    (on the booster's threads)."""
    phi = None if trees is None else trees.contributions(values)
    if phi is None:
        import xgboost as xgb

        matrix = xgb.DMatrix(values, missing=np.nan, nthread=1)
        phi = booster.predict(matrix, pred_contribs=True)[:, :-1].astype(float)
    return phi


def _leaf_paths(depth: int) -> tuple[np.ndarray, np.ndarray]:
    """The splits (heap places) on the path to each leaf of a complete tree
    of ``depth`` levels, root first, and the side taken at each (1 right).

    Examples
    --------
    >>> node, side = _leaf_paths(2)
    >>> node.tolist(), side.tolist()
    ([[0, 1], [0, 1], [0, 2], [0, 2]], [[0, 0], [0, 1], [1, 0], [1, 1]])
    """
    leaves = np.arange(2**depth)[:, None]
    side = (leaves >> np.arange(depth - 1, -1, -1)) & 1
    node = np.zeros_like(side)
    for k in range(1, depth):
        node[:, k] = 2 * node[:, k - 1] + 1 + side[:, k - 1]
    return node, side


def _shapley_weights(depth: int) -> np.ndarray:
    """``w[d, s] = s! (d - s - 1)! / d!``: the Shapley weight of a set of
    ``s`` others among ``d`` players (0 where ``s >= d``)."""
    weight = np.zeros((depth + 1, depth))
    for d in range(1, depth + 1):
        for s in range(d):
            weight[d, s] = factorial(s) * factorial(d - s - 1) / factorial(d)
    return weight


def _depth(trees: list[dict]) -> int:
    """The deepest node's depth, from each node's parent.

    XGBoost may reuse a pruned node's id for a later one, so a child need not
    come after its parent: depths are relaxed until they hold.
    """
    size = max(len(tree["parents"]) for tree in trees)
    parent = np.tile(np.arange(size), (len(trees), 1))  # the root, and padding
    for t, tree in enumerate(trees):
        parent[t, 1 : len(tree["parents"])] = tree["parents"][1:]
    own = parent == np.arange(parent.shape[1])
    depth = np.zeros(parent.shape, dtype=int)
    for _ in range(parent.shape[1]):
        deeper = np.where(own, 0, np.take_along_axis(depth, parent, axis=1) + 1)
        if np.array_equal(deeper, depth):
            break
        depth = deeper
    return int(depth.max())
