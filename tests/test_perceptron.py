"""Tests for nnlite.perceptron.Perceptron (Rosenblatt's rule, checked against scikit-learn)."""

import doctest
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import linear_model
from sklearn.base import clone
from sklearn.datasets import load_iris, make_blobs
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import nnlite.perceptron.estimator
import nnlite.perceptron.rule
from nnlite.perceptron import Perceptron, heaviside, perceptron_update, train_perceptron

IRIS = load_iris()
X_PETALS = IRIS.data[:, (2, 3)]  # petal length, petal width (Géron, ch. 10)
Y_SETOSA = (IRIS.target == 0).astype(int)

GATES_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
GATES = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "XOR": [0, 1, 1, 0]}


def _fit_both(X, y, **params):
    """Fit nnlite's and scikit-learn's Perceptron with the same parameters."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = Perceptron(**params).fit(X, y)
        theirs = linear_model.Perceptron(**params).fit(X, y)
    return ours, theirs


# --- agreement with scikit-learn ---------------------------------------------


@pytest.mark.parametrize("random_state", [0, 42, 123])
def test_setosa_vs_rest_matches_sklearn_exactly(random_state):
    ours, theirs = _fit_both(X_PETALS, Y_SETOSA, random_state=random_state)
    assert_array_equal(ours.predict(X_PETALS), theirs.predict(X_PETALS))
    # Same visiting order and same float operations: the weights are bit-identical.
    assert_array_equal(ours.coef_, theirs.coef_)
    assert_array_equal(ours.intercept_, theirs.intercept_)
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.t_ == theirs.t_
    assert ours.score(X_PETALS, Y_SETOSA) == 1.0  # linearly separable: no mistakes left
    assert ours.coef_.shape == theirs.coef_.shape == (1, 2)
    assert ours.intercept_.shape == theirs.intercept_.shape == (1,)


def test_multiclass_iris_shapes_accuracy_and_agreement():
    model = make_pipeline(StandardScaler(), Perceptron())
    reference = make_pipeline(StandardScaler(), linear_model.Perceptron())
    model.fit(IRIS.data, IRIS.target)
    reference.fit(IRIS.data, IRIS.target)
    ours, theirs = model[-1], reference[-1]
    assert ours.coef_.shape == theirs.coef_.shape == (3, 4)
    assert ours.intercept_.shape == theirs.intercept_.shape == (3,)
    assert_array_equal(ours.classes_, [0, 1, 2])
    assert ours.decision_function(IRIS.data[:5]).shape == (5, 3)
    assert model.score(IRIS.data, IRIS.target) > 0.85
    assert_array_equal(model.predict(IRIS.data), reference.predict(IRIS.data))
    assert_array_equal(ours.coef_, theirs.coef_)


@pytest.mark.parametrize(
    "params",
    [
        {"shuffle": False},
        {"tol": None, "max_iter": 30},
        {"fit_intercept": False, "eta0": 0.1},
        {"early_stopping": True},
        {"class_weight": "balanced", "random_state": 3},
        {"class_weight": {0: 2.0, 1: 0.5, 2: 1.0}},
        {"penalty": "l1", "alpha": 0.01},
        {"penalty": "l2", "alpha": 0.01},
        {"penalty": "elasticnet", "alpha": 0.01, "l1_ratio": 0.5},
    ],
    ids=lambda p: ",".join(f"{k}={v}" for k, v in p.items()),
)
def test_options_match_sklearn(params):
    ours, theirs = _fit_both(IRIS.data, IRIS.target, **params)
    assert_array_equal(ours.predict(IRIS.data), theirs.predict(IRIS.data))
    assert ours.n_iter_ == theirs.n_iter_
    # Exact except for L2 decay, where sklearn keeps w as `wscale * w_data` (rounding only).
    assert_allclose(ours.coef_, theirs.coef_, rtol=1e-12, atol=1e-12)
    assert_allclose(ours.intercept_, theirs.intercept_, rtol=1e-12, atol=1e-12)


def test_sample_weight_and_partial_fit_match_sklearn():
    sample_weight = np.random.RandomState(0).uniform(0, 2, size=len(IRIS.target))
    ours = Perceptron(random_state=7).fit(IRIS.data, IRIS.target, sample_weight=sample_weight)
    theirs = linear_model.Perceptron(random_state=7).fit(
        IRIS.data, IRIS.target, sample_weight=sample_weight
    )
    assert_array_equal(ours.coef_, theirs.coef_)

    ours, theirs = Perceptron(random_state=1), linear_model.Perceptron(random_state=1)
    for batch in np.array_split(np.random.RandomState(0).permutation(150), 3):
        for model in (ours, theirs):
            model.partial_fit(IRIS.data[batch], IRIS.target[batch], classes=[0, 1, 2])
    assert_array_equal(ours.coef_, theirs.coef_)
    assert ours.t_ == theirs.t_ == 151
    assert ours.n_iter_ == 1


# --- the learning rule --------------------------------------------------------


@pytest.mark.parametrize("gate", ["AND", "OR"])
def test_linearly_separable_gates_are_learned(gate):
    model = Perceptron().fit(GATES_X, GATES[gate])
    assert_array_equal(model.predict(GATES_X), GATES[gate])
    assert model.n_iter_ < model.max_iter


def test_xor_is_not_learned():
    for random_state in range(5):
        model = Perceptron(random_state=random_state, tol=None, max_iter=200).fit(
            GATES_X, GATES["XOR"]
        )
        # No line separates XOR: at best 3 of the 4 points are right.
        assert model.score(GATES_X, GATES["XOR"]) <= 0.75


def test_first_update_and_rule_by_hand():
    # One epoch on two points in the given order (shuffle=False), eta0=0.5.
    # z = 0 for the first sample counts as a mistake: w = 0.5 * (-1) * x1, b = -0.5.
    # Second sample: z = -0.5*(1*2 + 0*1) - 0.5 = -1.5, t = +1 -> w += 0.5 * x2, b += 0.5.
    X = np.array([[1.0, 0.0], [2.0, 1.0]])
    model = Perceptron(shuffle=False, eta0=0.5, max_iter=1, tol=None).fit(X, [0, 1])
    assert_array_equal(model.coef_, [[-0.5 + 1.0, 0.0 + 0.5]])
    assert_array_equal(model.intercept_, [0.0])


def test_predict_is_heaviside_of_decision_function():
    model = Perceptron().fit(X_PETALS, Y_SETOSA)
    z = model.decision_function(X_PETALS)
    assert z.shape == (len(X_PETALS),)
    assert_array_equal(model.predict(X_PETALS), heaviside(z))
    assert_array_equal(heaviside([-1.0, 0.0, 2.0]), [0, 0, 1])


def test_n_iter_and_early_convergence():
    n_samples = len(Y_SETOSA)
    model = Perceptron(max_iter=1000).fit(X_PETALS, Y_SETOSA)
    # Converges (then n_iter_no_change epochs without improvement) long before max_iter.
    assert model.n_iter_ <= model.n_iter_no_change + 10 < model.max_iter
    assert model.t_ == 1 + model.n_iter_ * n_samples

    no_tol = Perceptron(tol=None, max_iter=25).fit(X_PETALS, Y_SETOSA)
    assert no_tol.n_iter_ == 25  # tol=None: always run max_iter epochs

    with pytest.warns(ConvergenceWarning):
        short = Perceptron(max_iter=2).fit(IRIS.data, IRIS.target)
    assert short.n_iter_ == 2


def test_warm_start_continues_training():
    X, y = make_blobs(n_samples=60, centers=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        cold = Perceptron(max_iter=1).fit(X, y)
        warm = Perceptron(max_iter=1, warm_start=True).fit(X, y)
        warm.fit(X, y)
        cold.fit(X, y)
        fresh = Perceptron(max_iter=1).fit(X, y)
    assert_array_equal(cold.coef_, fresh.coef_)  # without warm_start, fit starts over
    assert not np.array_equal(warm.coef_, cold.coef_)


def test_string_labels_and_classes():
    labels = np.array(["setosa", "versicolor", "virginica"])[IRIS.target]
    model = Perceptron().fit(IRIS.data, labels)
    assert_array_equal(model.classes_, ["setosa", "versicolor", "virginica"])
    assert set(model.predict(IRIS.data)) <= set(labels)


# --- scikit-learn API ---------------------------------------------------------


def test_clone_get_params_set_params():
    model = Perceptron(alpha=0.01, penalty="l2", random_state=3).fit(X_PETALS, Y_SETOSA)
    copy = clone(model)
    assert copy.get_params() == model.get_params()
    assert not hasattr(copy, "coef_")

    params = Perceptron().get_params()
    assert params["penalty"] is None and params["eta0"] == 1.0 and params["random_state"] == 0
    assert copy.set_params(eta0=0.5, max_iter=10) is copy
    assert copy.get_params()["eta0"] == 0.5 and copy.max_iter == 10
    with pytest.raises(ValueError, match="Invalid parameter"):
        copy.set_params(learning_rate="optimal")


@pytest.mark.parametrize(
    "params, match",
    [
        ({"penalty": "l3"}, "'penalty' parameter of Perceptron must be one of"),
        ({"alpha": -1.0}, "'alpha' parameter .* float >= 0; got -1.0"),
        ({"l1_ratio": 1.5}, "'l1_ratio' parameter"),
        ({"max_iter": 0}, "'max_iter' parameter .* int >= 1; got 0"),
        ({"max_iter": 2.5}, "'max_iter' parameter"),
        ({"tol": -1e-3}, "'tol' parameter"),
        ({"eta0": 0.0}, "'eta0' parameter .* float > 0"),
        ({"shuffle": "yes"}, "'shuffle' parameter .* a bool"),
        ({"random_state": "seed"}, "'random_state' parameter"),
        ({"validation_fraction": 1.0}, "'validation_fraction' parameter"),
        ({"n_iter_no_change": 0}, "'n_iter_no_change' parameter"),
        ({"class_weight": "auto"}, "'class_weight' parameter"),
    ],
)
def test_bad_params_raise_value_error(params, match):
    model = Perceptron(**params)  # __init__ does not validate (sklearn convention)
    with pytest.raises(ValueError, match=match):
        model.fit(X_PETALS, Y_SETOSA)
    with pytest.raises(ValueError, match=match):
        clone(model).partial_fit(X_PETALS, Y_SETOSA, classes=[0, 1])


def test_bad_inputs_raise_value_error():
    with pytest.raises(ValueError, match="greater than one; got 1 class"):
        Perceptron().fit(X_PETALS, np.ones(len(X_PETALS)))
    with pytest.raises(ValueError, match="classes must be passed"):
        Perceptron().partial_fit(X_PETALS, Y_SETOSA)
    with pytest.raises(ValueError, match="early_stopping should be False"):
        Perceptron(early_stopping=True).partial_fit(X_PETALS, Y_SETOSA, classes=[0, 1])
    with pytest.raises(ValueError, match="not in classes"):
        Perceptron().partial_fit(X_PETALS, Y_SETOSA + 1, classes=[0, 1])
    with pytest.raises(ValueError, match="Floating-point"), np.errstate(all="ignore"):
        Perceptron(eta0=1e10).fit(GATES_X * 1e300, GATES["XOR"])  # w overflows to inf


@pytest.mark.parametrize("module", [nnlite.perceptron.estimator, nnlite.perceptron.rule])
def test_docstring_example_runs(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_the_rule_by_hand():
    # z = 0·x + 0 = 0 → ŷ = 0; y = 1 so w += 0.5·(1 − 0)·x and b += 0.5
    w, b = perceptron_update(np.zeros(2), 0.0, np.array([2.0, -1.0]), 1, eta=0.5)
    np.testing.assert_array_equal(w, [1.0, -0.5])
    assert b == 0.5
    # now z = 1·2 + (−0.5)·(−1) + 0.5 = 3 > 0 → ŷ = 1 = y: nothing changes
    w2, b2 = perceptron_update(w, b, np.array([2.0, -1.0]), 1, eta=0.5)
    np.testing.assert_array_equal(w2, w)
    assert b2 == b
    # a negative sample predicted positive is subtracted
    w3, b3 = perceptron_update(w, b, np.array([1.0, 0.0]), 0, eta=0.5)
    np.testing.assert_array_equal(w3, [0.5, -0.5])
    assert b3 == 0.0


def test_the_rule_separates_setosa_and_fails_on_xor():
    w, b = train_perceptron(X_PETALS, Y_SETOSA, epochs=20)
    assert np.array_equal(heaviside(X_PETALS @ w + b), Y_SETOSA)
    w, b = train_perceptron(GATES_X, GATES["XOR"], epochs=50)
    assert not np.array_equal(heaviside(GATES_X @ w + b), GATES["XOR"])


def test_the_rule_matches_the_estimator_without_boundary_cases():
    # Starting from w = 0 the first sample sits on the boundary (z = 0); the
    # estimator counts it as a mistake (scikit-learn), the textbook rule only
    # for a positive sample.  With a positive sample first the two agree.
    w, b = train_perceptron(X_PETALS[Y_SETOSA.argsort()[::-1]], np.sort(Y_SETOSA)[::-1],
                            epochs=3)
    clf = Perceptron(shuffle=False, tol=None, max_iter=3).fit(
        X_PETALS[Y_SETOSA.argsort()[::-1]], np.sort(Y_SETOSA)[::-1])
    np.testing.assert_allclose(clf.coef_[0], w)
    assert clf.intercept_[0] == pytest.approx(b)


def test_the_rule_names_bad_targets():
    with pytest.raises(ValueError, match="targets must be 0 or 1"):
        train_perceptron(GATES_X, np.array([0, 1, 2, 1]))
    with pytest.raises(ValueError, match="expected X of shape"):
        train_perceptron(GATES_X[0], GATES["XOR"])


# `check_sample_weight_equivalence_on_dense_data`: a weight of 2 is not the same as
# repeating the sample, because the shuffled visiting order changes; scikit-learn marks
# this check as an expected failure for its own Perceptron and SGDClassifier too.
EXPECTED_FAILED_CHECKS = {
    "check_sample_weight_equivalence_on_dense_data": (
        "sample_weight is not equivalent to removing/repeating samples (stochastic order)."
    ),
}


@parametrize_with_checks([Perceptron()], expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
