"""Rosenblatt's perceptron as a scikit-learn compatible classifier (the second rung).

The model of Géron, *Hands-On Machine Learning*, chapter 10: a single
threshold logic unit (TLU) per class, trained one sample at a time with
Rosenblatt's learning rule.  The training loop below is written so that it
visits the samples in exactly the order :class:`sklearn.linear_model.Perceptron`
does, which lets you check it against scikit-learn number for number.  The
rule alone, without this machinery, is :mod:`nnlite.perceptron.rule`.
"""

from __future__ import annotations

import numbers
import warnings
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedShuffleSplit
from sklearn.utils import check_random_state, compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from .rule import heaviside
from .shuffle import sklearn_permutation

try:  # scikit-learn >= 1.6
    from sklearn.utils.validation import validate_data
except ImportError:  # pragma: no cover - older scikit-learn

    def validate_data(estimator, *args, **kwargs):  # type: ignore[no-redef]
        return estimator._validate_data(*args, **kwargs)


__all__ = ["Perceptron"]

# Seeds are drawn exactly as scikit-learn draws them (``randint(MAX_INT)``).
MAX_INT = np.iinfo(np.int32).max
_PENALTIES = (None, "l2", "l1", "elasticnet")


class Perceptron(ClassifierMixin, BaseEstimator):
    r"""Rosenblatt's perceptron: linear threshold units trained by mistakes.

    For every class the model keeps a weight vector :math:`\mathbf w` and a
    bias :math:`b` and predicts with the Heaviside step :math:`H` of the net
    input:

    .. math::

        z = \mathbf w^\top \mathbf x + b, \qquad
        \hat y = H(z) = \begin{cases} 1 & z > 0 \\ 0 & z \le 0 \end{cases}

    Training visits the samples one at a time (reshuffled every epoch) and
    applies Rosenblatt's [1]_ perceptron learning rule

    .. math::

        \mathbf w \leftarrow \mathbf w + \eta\,(y - \hat y)\,\mathbf x, \qquad
        b \leftarrow b + \eta\,(y - \hat y)

    with targets ``y ∈ {0, 1}``.  Nothing changes when the prediction is
    right; when it is wrong, ``y − ŷ = ±1`` and the sample is added to (or
    subtracted from) the weights.  The code uses the equivalent form with
    targets ``t = 2y − 1 ∈ {−1, +1}``: *if* ``t · z ≤ 0`` *then*
    ``w ← w + η t x``, ``b ← b + η t``.  This is stochastic gradient descent
    on the perceptron loss ``max(0, −t z)`` (a hinge with threshold 0) with a
    constant learning rate ``η = eta0``, i.e. exactly
    ``sklearn.linear_model.SGDClassifier(loss="perceptron",
    learning_rate="constant")``.

    Read more in Géron, *Hands-On Machine Learning*, ch. 10 ("The
    Perceptron").

    Parameters
    ----------
    penalty : {None, 'l2', 'l1', 'elasticnet'}, default=None
        Regularization term added to the loss. ``None`` is the classic
        perceptron.
    alpha : float, default=0.0001
        Strength of the regularization term (ignored when ``penalty=None``).
    l1_ratio : float, default=0.15
        Elastic-net mixing: ``0`` is pure L2, ``1`` pure L1.  Only used with
        ``penalty='elasticnet'``.
    fit_intercept : bool, default=True
        Whether to learn the bias ``b``; if ``False`` it stays 0.
    max_iter : int, default=1000
        Maximum number of epochs (passes over the training data) in
        :meth:`fit`.  :meth:`partial_fit` always does one epoch.
    tol : float or None, default=1e-3
        Stop when the epoch's mean loss has not improved on the best mean
        loss so far by at least ``tol`` for ``n_iter_no_change`` consecutive
        epochs.  ``None`` disables the criterion (run ``max_iter`` epochs).
    shuffle : bool, default=True
        Whether to reshuffle the training samples before every epoch.
    eta0 : float, default=1.0
        The learning rate ``η``.  Without regularization and starting from
        zero weights, ``η`` only rescales ``w`` and ``b`` (both are sums of
        ``η``-sized steps), so the mistakes made do not depend on it; only
        the ``tol`` stopping test sees its scale.
    random_state : int, RandomState instance or None, default=0
        Seed for the per-epoch shuffling (and the validation split when
        ``early_stopping=True``).  The default ``0`` is scikit-learn's
        ``Perceptron`` default, so ``Perceptron()`` of both libraries learn
        the same weights.
    early_stopping : bool, default=False
        Hold out a stratified ``validation_fraction`` of the training data
        and stop when the validation accuracy has not improved by ``tol``
        for ``n_iter_no_change`` epochs (instead of watching the loss).
    validation_fraction : float, default=0.1
        Fraction of the training data held out when ``early_stopping=True``.
    n_iter_no_change : int, default=5
        Number of epochs without improvement to wait before stopping.
    class_weight : dict, 'balanced' or None, default=None
        Multiplies the update made on samples of each class.  ``'balanced'``
        uses ``n_samples / (n_classes * np.bincount(y))``.
    warm_start : bool, default=False
        Whether :meth:`fit` starts from the previous solution instead of
        zeros.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        The weights ``w``: one row for a binary problem (for the positive
        class ``classes_[1]``), one row per class otherwise (one-vs-all).
    intercept_ : ndarray of shape (1,) or (n_classes,)
        The biases ``b``.
    n_iter_ : int
        Number of epochs actually run (the maximum over the one-vs-all
        problems).
    t_ : float
        ``1 + (total number of samples visited)``, as in scikit-learn.
    n_features_in_ : int
        Number of features seen during :meth:`fit`.

    See Also
    --------
    sklearn.linear_model.Perceptron : The Cython implementation this class
        mirrors.
    sklearn.linear_model.SGDClassifier : ``loss="perceptron"`` gives the same
        model.

    Notes
    -----
    **Perceptron convergence theorem** (Rosenblatt 1962; Novikoff 1962 [2]_).
    Fold the bias into the weights (:math:`\mathbf x \leftarrow (\mathbf x, 1)`,
    :math:`\mathbf w \leftarrow (\mathbf w, b)`) and write the targets as
    :math:`t_i = 2y_i - 1 \in \{-1, +1\}`.  Suppose the training set is
    linearly separable with margin :math:`\gamma > 0` — some unit vector
    :math:`\mathbf u` satisfies :math:`t_i\,\mathbf u^\top \mathbf x_i \ge \gamma`
    for every sample — and every sample has :math:`\|\mathbf x_i\| \le R`.
    Then, whatever the order of the samples and for any :math:`\eta > 0`,
    the rule above started from :math:`\mathbf w_0 = \mathbf 0` makes at most

    .. math::  k \le \left(\frac{R}{\gamma}\right)^2

    mistakes (updates), so it finds a separating hyperplane after a finite
    number of epochs.  Proof sketch: the :math:`k`-th mistake adds
    :math:`\eta t_i \mathbf x_i` with :math:`t_i \mathbf w^\top \mathbf x_i \le 0`, so
    :math:`\mathbf w^\top \mathbf u` grows by at least :math:`\eta\gamma` while
    :math:`\|\mathbf w\|^2` grows by at most :math:`\eta^2 R^2`; after
    :math:`k` mistakes

    .. math::  k\,\eta\gamma \le \mathbf w_k^\top \mathbf u \le \|\mathbf w_k\|
               \le \sqrt{k}\,\eta R \quad\Longrightarrow\quad k \le (R/\gamma)^2 .

    The hyperplane found is *a* separating one, not the maximum-margin one
    of an SVM (on iris setosa-vs-rest, petal length and width, it separates
    the training set perfectly: ``score == 1.0``).

    If the data are **not** linearly separable the theorem says nothing and
    the weights never settle: the classic counter-example is XOR
    (``(0,0)→0, (0,1)→1, (1,0)→1, (1,1)→0``), which no single line can
    separate, so a perceptron can never classify all four points ([3]_; Minsky &
    Papert, 1969).  Stacking perceptrons into a multilayer perceptron solves
    it.  Here training then stops by the ``tol``/``n_iter_no_change``
    criterion or after ``max_iter`` epochs (with a ``ConvergenceWarning``).

    **Multi-class** problems are split into one binary perceptron per class
    (one-vs-all); :meth:`predict` returns the class with the largest
    ``decision_function``.

    **Agreement with scikit-learn.**  Samples are visited in the same order
    as :class:`sklearn.linear_model.Perceptron` (same seeds, same xorshift
    Fisher-Yates shuffle, same stopping rule), a sample on the boundary
    (``z = 0``) counts as a mistake as in scikit-learn, and the update is
    the same floating-point operation.  With ``penalty=None`` or ``'l1'``
    and the same ``random_state`` the fitted ``coef_``, ``intercept_``,
    ``n_iter_`` and ``t_`` therefore agree with scikit-learn's bit for bit
    (checked on iris, binary and 3-class, and on blobs; this includes
    ``partial_fit``, ``sample_weight``, ``class_weight`` and
    ``early_stopping``).  Known differences: scikit-learn accumulates
    ``w · x`` in a C loop while this class uses ``numpy.dot``, which can
    differ in the last bit for many features; with ``penalty='l2'`` or
    ``'elasticnet'`` scikit-learn stores ``w`` as ``wscale * w_data``, so
    the weights agree only to rounding (~1e-15); inputs are always
    converted to float64 (scikit-learn keeps float32); sparse input is not
    supported.  The textbook form ``w ← w + η(y − ŷ)x`` with
    ``ŷ = step(z)`` differs only for a negative sample lying exactly on the
    boundary, which it does not update.

    References
    ----------
    .. [1] F. Rosenblatt, "The perceptron: a probabilistic model for
       information storage and organization in the brain", Psychological
       Review 65(6), 1958.
    .. [2] A. B. J. Novikoff, "On convergence proofs on perceptrons",
       Symposium on the Mathematical Theory of Automata, 1962.
    .. [3] M. Minsky and S. Papert, "Perceptrons", MIT Press, 1969.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from nnlite.perceptron import Perceptron
    >>> iris = load_iris()
    >>> X = iris.data[:, (2, 3)]  # petal length, petal width
    >>> y = (iris.target == 0).astype(int)  # Iris setosa?
    >>> per_clf = Perceptron(random_state=42).fit(X, y)
    >>> per_clf.predict([[2, 0.5], [3, 1]])
    array([1, 0])
    >>> per_clf.score(X, y)
    1.0
    """

    def __init__(
        self,
        *,
        penalty: str | None = None,
        alpha: float = 0.0001,
        l1_ratio: float = 0.15,
        fit_intercept: bool = True,
        max_iter: int = 1000,
        tol: float | None = 1e-3,
        shuffle: bool = True,
        eta0: float = 1.0,
        random_state: int | np.random.RandomState | None = 0,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 5,
        class_weight: dict | str | None = None,
        warm_start: bool = False,
    ) -> None:
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.shuffle = shuffle
        self.eta0 = eta0
        self.random_state = random_state
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.class_weight = class_weight
        self.warm_start = warm_start

    # ------------------------------------------------------------------
    # parameter validation (the one place where parameters are checked)
    # ------------------------------------------------------------------
    def _validate_params(self) -> None:
        """Raise ``ValueError`` naming the first invalid constructor argument."""

        def is_bool(v: Any) -> bool:
            return isinstance(v, (bool, np.bool_))

        def is_int(v: Any) -> bool:
            return isinstance(v, numbers.Integral) and not is_bool(v)

        def is_real(v: Any) -> bool:
            return isinstance(v, numbers.Real) and not is_bool(v) and np.isfinite(v)

        checks = {
            "penalty": (lambda v: v in _PENALTIES, "one of None, 'l2', 'l1', 'elasticnet'"),
            "alpha": (lambda v: is_real(v) and v >= 0, "a float >= 0"),
            "l1_ratio": (lambda v: is_real(v) and 0 <= v <= 1, "a float in [0, 1]"),
            "fit_intercept": (is_bool, "a bool"),
            "max_iter": (lambda v: is_int(v) and v >= 1, "an int >= 1"),
            "tol": (lambda v: v is None or (is_real(v) and v >= 0), "a float >= 0 or None"),
            "shuffle": (is_bool, "a bool"),
            "eta0": (lambda v: is_real(v) and v > 0, "a float > 0"),
            "random_state": (
                lambda v: v is None or is_int(v) or isinstance(v, np.random.RandomState),
                "None, an int or a numpy RandomState",
            ),
            "early_stopping": (is_bool, "a bool"),
            "validation_fraction": (
                lambda v: is_real(v) and 0 < v < 1,
                "a float in the open interval (0, 1)",
            ),
            "n_iter_no_change": (lambda v: is_int(v) and v >= 1, "an int >= 1"),
            "class_weight": (
                lambda v: v is None or v == "balanced" or isinstance(v, dict),
                "None, 'balanced' or a dict {class_label: weight}",
            ),
            "warm_start": (is_bool, "a bool"),
        }
        for name, (is_valid, expected) in checks.items():
            value = getattr(self, name)
            if not is_valid(value):
                raise ValueError(
                    f"The {name!r} parameter of {type(self).__name__} must be "
                    f"{expected}; got {value!r}."
                )

    # ------------------------------------------------------------------
    # fitting
    # ------------------------------------------------------------------
    def fit(self, X: ArrayLike, y: ArrayLike, coef_init: ArrayLike | None = None,
            intercept_init: ArrayLike | None = None,
            sample_weight: ArrayLike | None = None) -> Perceptron:
        """Train the perceptron for up to ``max_iter`` epochs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Class labels.
        coef_init : array-like of shape (n_classes, n_features), default=None
            Initial weights (zeros when ``None``).
        intercept_init : array-like of shape (n_classes,), default=None
            Initial biases (zeros when ``None``).
        sample_weight : array-like of shape (n_samples,), default=None
            Multiplies the update made on each sample.

        Returns
        -------
        self : Perceptron
            The fitted estimator.
        """
        self._validate_params()
        X, y = validate_data(self, X, y, dtype=np.float64, order="C")
        check_classification_targets(y)
        classes = np.unique(y)

        if self.warm_start and hasattr(self, "coef_"):
            coef_init = self.coef_ if coef_init is None else coef_init
            intercept_init = self.intercept_ if intercept_init is None else intercept_init
        self.classes_ = classes
        self._init_weights(X.shape[1], coef_init, intercept_init)
        self.t_ = 1.0

        self._fit_one_vs_all(X, y, sample_weight, max_iter=self.max_iter)

        if self.tol is not None and self.n_iter_ == self.max_iter:
            warnings.warn(
                "Maximum number of iteration reached before convergence. "
                "Consider increasing max_iter to improve the fit.",
                ConvergenceWarning,
                stacklevel=2,
            )
        return self

    def partial_fit(self, X: ArrayLike, y: ArrayLike, classes: ArrayLike | None = None,
                    sample_weight: ArrayLike | None = None) -> Perceptron:
        """Run one epoch of the learning rule on the given samples.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            A batch of training data.
        y : array-like of shape (n_samples,)
            Its class labels.
        classes : array-like of shape (n_classes,), default=None
            All the classes that will ever be seen; required on the first
            call, optional (but must not change) afterwards.
        sample_weight : array-like of shape (n_samples,), default=None
            Multiplies the update made on each sample, as in :meth:`fit`.

        Returns
        -------
        self : Perceptron
            The updated estimator.
        """
        first_call = not hasattr(self, "classes_")
        if first_call:
            self._validate_params()
            if self.early_stopping:
                raise ValueError("early_stopping should be False with partial_fit")
            if self.class_weight == "balanced":
                raise ValueError(
                    "class_weight='balanced' is not supported by partial_fit: "
                    "pass a dict computed with sklearn.utils.compute_class_weight."
                )
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit.")
        X, y = validate_data(self, X, y, dtype=np.float64, order="C", reset=first_call)
        check_classification_targets(y)

        if classes is not None:
            classes = np.unique(classes)
            if not first_call and not np.array_equal(classes, self.classes_):
                raise ValueError(
                    f"`classes={classes!r}` is not the same as on the first call "
                    f"to partial_fit, which was {self.classes_!r}."
                )
        if first_call:
            self.classes_ = classes
            self._init_weights(X.shape[1], None, None)
            self.t_ = 1.0
        unknown = np.setdiff1d(y, self.classes_)
        if unknown.size:
            raise ValueError(f"y contains labels {unknown!r} not in classes {self.classes_!r}.")

        self._fit_one_vs_all(X, y, sample_weight, max_iter=1)
        return self

    def _init_weights(
        self, n_features: int, coef_init: ArrayLike | None, intercept_init: ArrayLike | None
    ) -> None:
        """Set ``coef_`` and ``intercept_`` to zeros or to the given values."""
        n_classes = len(self.classes_)
        if n_classes < 2:
            raise ValueError(
                f"The number of classes has to be greater than one; got {n_classes} class"
            )
        n_rows = 1 if n_classes == 2 else n_classes
        coef = np.zeros((n_rows, n_features))
        intercept = np.zeros(n_rows)
        if coef_init is not None:
            coef_init = np.asarray(coef_init, dtype=np.float64)
            if coef_init.size != coef.size:
                raise ValueError(f"coef_init has shape {coef_init.shape}; expected {coef.shape}.")
            coef[...] = coef_init.reshape(coef.shape)
        if intercept_init is not None:
            intercept_init = np.asarray(intercept_init, dtype=np.float64)
            if intercept_init.size != intercept.size:
                raise ValueError(
                    f"intercept_init has shape {intercept_init.shape}; expected {intercept.shape}."
                )
            intercept[...] = intercept_init.reshape(intercept.shape)
        self.coef_ = coef
        self.intercept_ = intercept

    def _sample_weight(self, sample_weight: ArrayLike | None, n_samples: int) -> np.ndarray:
        if sample_weight is None:
            return np.ones(n_samples)
        sample_weight = np.asarray(sample_weight, dtype=np.float64)
        if sample_weight.shape != (n_samples,):
            raise ValueError(
                f"sample_weight.shape == {sample_weight.shape}, expected ({n_samples},)!"
            )
        if not np.all(np.isfinite(sample_weight)) or np.any(sample_weight < 0):
            raise ValueError("sample_weight must be finite and non-negative.")
        if not self.early_stopping and not np.any(sample_weight > 0):
            # (with early stopping the validation split reports it instead)
            raise ValueError("sample_weight is all zero: nothing to learn from.")
        return sample_weight

    def _validation_mask(self, y: np.ndarray, sample_weight: np.ndarray) -> np.ndarray:
        """Boolean mask of the samples held out for early stopping."""
        mask = np.zeros(len(y), dtype=bool)
        if not self.early_stopping:
            return mask
        splitter = StratifiedShuffleSplit(
            test_size=self.validation_fraction, random_state=self.random_state
        )
        train_idx, val_idx = next(splitter.split(np.zeros((len(y), 1)), y))
        if len(train_idx) == 0 or len(val_idx) == 0:
            raise ValueError(
                f"Splitting {len(y)} samples with validation_fraction="
                f"{self.validation_fraction} leaves an empty set; change "
                "validation_fraction or disable early_stopping."
            )
        if not np.any(sample_weight[val_idx] > 0):
            raise ValueError(
                "The sample weights for the validation set are all zero, "
                "consider using a different random_state."
            )
        mask[val_idx] = True
        return mask

    def _fit_one_vs_all(
        self, X: np.ndarray, y: np.ndarray, sample_weight: ArrayLike | None, max_iter: int
    ) -> None:
        """Train one binary perceptron per class (a single one for 2 classes).

        Random numbers are drawn in scikit-learn's order so both libraries
        shuffle identically.
        """
        n_samples = X.shape[0]
        sample_weight = self._sample_weight(sample_weight, n_samples)
        class_weight = compute_class_weight(self.class_weight, classes=self.classes_, y=y)

        if len(self.classes_) == 2:
            # rows: (positive class, its weight, weight of the rest, seed, mask)
            problems = [(1, class_weight[1], class_weight[0], self.random_state, None)]
        else:
            shared_mask = self._validation_mask(y, sample_weight)
            seeds = check_random_state(self.random_state).randint(MAX_INT, size=len(self.classes_))
            problems = [
                (k, class_weight[k], 1.0, seed, shared_mask) for k, seed in enumerate(seeds)
            ]

        n_iter = 0
        for row, (k, pos_weight, neg_weight, random_state, mask) in enumerate(problems):
            targets = np.where(y == self.classes_[k], 1.0, -1.0)
            rng = check_random_state(random_state)
            rng.randint(1, MAX_INT)  # sklearn seeds its (unused here) dataset object first
            if mask is None:
                mask = self._validation_mask(targets, sample_weight)
            seed = rng.randint(MAX_INT)

            weights = sample_weight * np.where(targets > 0, pos_weight, neg_weight)
            w, b, epochs = self._train_binary(
                X,
                targets,
                weights,
                mask,
                w=self.coef_[row].copy(),
                b=self.intercept_[row],
                seed=seed,
                max_iter=max_iter,
            )
            self.coef_[row] = w
            self.intercept_[row] = b
            n_iter = max(n_iter, epochs)

        self.n_iter_ = n_iter
        self.t_ += n_iter * n_samples

    def _train_binary(
        self,
        X: np.ndarray,
        targets: np.ndarray,
        weights: np.ndarray,
        is_validation: np.ndarray,
        w: np.ndarray,
        b: float,
        seed: int,
        max_iter: int,
    ) -> tuple[np.ndarray, float, int]:
        """Rosenblatt's rule for one unit; ``targets`` are in {-1, +1}.

        Returns the weights, the bias and the number of epochs run.
        """
        eta = self.eta0
        alpha = self.alpha
        l1_ratio = {None: 0.0, "l2": 0.0, "l1": 1.0, "elasticnet": self.l1_ratio}[self.penalty]
        tol = -np.inf if self.tol is None else self.tol
        n_train = int(np.sum(~is_validation))
        X_val, t_val, w_val = X[is_validation], targets[is_validation], weights[is_validation]

        # L1 by "truncated gradient" (Tsuruoka et al. 2009), as in sklearn:
        # u = total L1 shrinkage so far, q = shrinkage actually applied.
        u = 0.0
        q = np.zeros_like(w)

        # The penalty in the monitored loss uses ‖w‖² and ‖w‖₁ cached at the last
        # update or decay (not refreshed by the L1 truncation), as scikit-learn does.
        sq_norm, l1_norm = np.dot(w, w), np.abs(w).sum()

        order = np.arange(len(X))
        permutation = sklearn_permutation(len(X), seed) if self.shuffle else order
        best_loss, best_score, no_improvement = np.inf, -np.inf, 0
        for epoch in range(max_iter):
            order = order[permutation]
            loss_sum = 0.0
            for i in order:
                if is_validation[i]:
                    continue
                x, t = X[i], targets[i]
                z = np.dot(w, x) + b  # net input; prediction is step(z)

                if not self.early_stopping:  # loss that drives the tol stopping rule
                    loss_sum += max(0.0, -t * z)
                    if self.penalty is not None:
                        loss_sum += alpha * ((1 - l1_ratio) * 0.5 * sq_norm + l1_ratio * l1_norm)

                if self.penalty in ("l2", "elasticnet"):  # weight decay
                    decay = max(0.0, 1.0 - (1.0 - l1_ratio) * eta * alpha)
                    w *= decay
                    sq_norm, l1_norm = sq_norm * decay**2, l1_norm * decay

                if t * z <= 0 and weights[i] > 0:  # a mistake: the perceptron learning rule
                    update = eta * t * weights[i]  # = η (y − ŷ), times the sample weight
                    w += update * x
                    if self.fit_intercept:
                        b += update
                    sq_norm, l1_norm = np.dot(w, w), np.abs(w).sum()

                if self.penalty in ("l1", "elasticnet"):
                    u += l1_ratio * eta * alpha
                    w_before = w.copy()
                    w = np.where(
                        w > 0,
                        np.maximum(0.0, w - (u + q)),
                        np.where(w < 0, np.minimum(0.0, w + (u - q)), w),
                    )
                    q += w - w_before

            if not (np.isfinite(b) and np.all(np.isfinite(w))):
                raise ValueError(
                    f"Floating-point under-/overflow occurred at epoch #{epoch + 1}. "
                    "Scaling input data with StandardScaler or MinMaxScaler might help."
                )

            # stopping rule: no improvement by tol for n_iter_no_change epochs
            if self.early_stopping:
                predictions = np.where(X_val @ w + b > 0, 1.0, -1.0)
                score = np.average(predictions == t_val, weights=w_val)
                no_improvement = no_improvement + 1 if score < best_score + tol else 0
                best_score = max(best_score, score)
            else:
                loss = loss_sum / n_train
                no_improvement = no_improvement + 1 if loss > best_loss - tol else 0
                best_loss = min(best_loss, loss)
            if no_improvement >= self.n_iter_no_change:
                break

        return w, float(b), epoch + 1

    # ------------------------------------------------------------------
    # prediction
    # ------------------------------------------------------------------
    def decision_function(self, X: ArrayLike) -> np.ndarray:
        """Net input ``w · x + b`` of every unit.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_classes)
            For a binary problem, positive values mean ``classes_[1]``.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        scores = X @ self.coef_.T + self.intercept_
        return scores.ravel() if scores.shape[1] == 1 else scores

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Class labels of the samples X (n_samples, n_features), shape (n_samples,).

        The Heaviside step of the net input, ``classes_[step(z)]``, for two
        classes; otherwise the class whose unit has the largest net input
        (one-vs-all).
        """
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return self.classes_[heaviside(scores)]
        return self.classes_[np.argmax(scores, axis=1)]
