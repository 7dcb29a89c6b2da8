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
"""

from __future__ import annotations

import json
from collections.abc import Callable

import numpy as np
from scipy.special import expit

#: Trees deeper than this are left to XGBoost: each is read as a complete
#: binary tree of its depth (2 ** (depth + 1) - 1 nodes, kept for every
#: replicate), which past XGBoost's own default depth of 6 costs more memory
#: than it saves time (at depth 12, 42 MB a replicate of 300 trees, and on
#: 30 facets slower than XGBoost's prediction from depth 8).
MAX_DEPTH = 6

#: The inverse link of each objective a driver or value model is fitted with.
INVERSE_LINKS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "binary:logistic": expit,
    "reg:logistic": expit,
    "reg:squarederror": lambda margin: margin,
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
            self.uses[t, feature[t, split]] = True
        self.depth = depth
        # XGBoost's node ids, for the leaf values of its pred_leaf output
        self._offset = np.arange(len(trees)) * size
        self._leaf_value = threshold.ravel()
        self._heap(left, right, feature, threshold, default_left)
        self.inverse_link = inverse_link

    def _heap(self, left, right, feature, threshold, default_left) -> None:
        """The trees as complete binary trees of ``depth`` levels, flat.

        Node ``h`` has children ``2h + 1`` (left) and ``2h + 2``, so a row
        descends by arithmetic, ``depth`` steps in every tree. A leaf above
        the last level becomes a split every row leaves to the left (feature
        0 below +inf, missing to the left) down to the last level, where its
        value is kept. Nodes are placed from the root down, so a node no
        split reaches (padding, a pruned id) is never placed.
        """
        n_trees = len(left)
        depth = self.depth
        width = 2 ** (depth + 1) - 1
        heap = {
            "feature": np.zeros((n_trees, width), dtype=np.int32),
            "threshold": np.full((n_trees, width), np.inf, dtype=np.float32),
            "default_left": np.ones((n_trees, width), dtype=bool),
            "value": np.zeros((n_trees, width), dtype=np.float32),
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
            tree, node, at = tree[split], node[split], at[split]
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
