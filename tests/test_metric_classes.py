"""Keras metric classes: numbers on tiny inputs by hand (and against scikit-learn),
weighted and batched updates, reset, configs, resolution by every spelling, and
the names and values ``fit`` / ``evaluate`` log.

The small examples with their results are those of the Keras documentation;
the comments recompute them by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics import precision_score, recall_score, roc_auc_score

import nnlite as keras
from nnlite import metrics
from nnlite.metrics import confusion


@pytest.fixture(autouse=True)
def fresh_session():
    keras.backend.clear_session()  # automatic names (auc, auc_1 ...) start over
    yield


def result_of(metric, y_true, y_pred, sample_weight=None):
    metric.reset_state()
    metric.update_state(y_true, y_pred, sample_weight=sample_weight)
    return metric.result()


# ----------------------------------------------------------- running means
def test_mean_is_weighted_over_all_values():
    m = metrics.Mean()
    assert m.name == "mean" and m.result() == 0.0          # divide_no_nan
    m.update_state([1, 3, 5, 7])
    assert m.result() == 4.0
    m.reset_state()
    m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    assert m.result() == 2.0                                 # (1 + 3) / 2
    m.update_state(8.0, sample_weight=2)                     # fit's loss: value × batch size
    assert m.result() == pytest.approx((1 + 3 + 16) / 4)


@pytest.mark.parametrize("cls, weighted, expected", [
    # y = [[0, 1], [0, 0]], ŷ = [[1, 1], [0, 0]]: sample errors (1 + 0)/2 and 0
    (metrics.MeanSquaredError, None, 0.25),
    (metrics.MeanSquaredError, [1, 0], 0.5),
    (metrics.RootMeanSquaredError, None, 0.5),               # √0.25
    (metrics.RootMeanSquaredError, [1, 0], math.sqrt(0.5)),
    (metrics.MeanAbsoluteError, None, 0.25),
    (metrics.MeanAbsoluteError, [1, 0], 0.5),
    # |0 − 1| / max(|0|, ε) · 100 = 1e9: sample 0 averages (1e9 + 0)/2
    (metrics.MeanAbsolutePercentageError, None, 2.5e8),
    (metrics.MeanAbsolutePercentageError, [1, 0], 5e8),
])
def test_regression_metrics_by_hand(cls, weighted, expected):
    value = result_of(cls(), [[0, 1], [0, 0]], [[1, 1], [0, 0]], weighted)
    assert value == pytest.approx(expected, rel=1e-9)


def test_rmse_is_the_root_of_the_mean_over_all_samples_not_of_batch_rmses():
    y = np.array([[0.0], [0.0], [0.0], [0.0], [0.0]])
    pred = np.array([[1.0], [1.0], [1.0], [1.0], [6.0]])
    rmse = metrics.RootMeanSquaredError()
    rmse.update_state(y[:4], pred[:4])                       # batch RMSE 1
    rmse.update_state(y[4:], pred[4:])                       # batch RMSE 6
    assert rmse.result() == pytest.approx(math.sqrt((4 * 1 + 36) / 5))   # √8, not 3.5
    rmse.update_state(y[:1], pred[:1], sample_weight=[3.0])  # weight 3: three more samples
    assert rmse.result() == pytest.approx(math.sqrt((4 + 36 + 3) / 8))


@pytest.mark.parametrize("metric, y_true, y_pred, weights, plain, weighted", [
    (metrics.Accuracy(), [[1], [2], [3], [4]], [[0], [2], [3], [4]], [1, 1, 0, 0], 0.75, 0.5),
    (metrics.BinaryAccuracy(), [[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]], [1, 0, 0, 1],
     0.75, 0.5),                                             # 0.6 > 0.5 is a wrong 1
    (metrics.CategoricalAccuracy(), [[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]],
     [0.7, 0.3], 0.5, 0.3),
    (metrics.SparseCategoricalAccuracy(), [[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]],
     [0.7, 0.3], 0.5, 0.3),
    (metrics.TopKCategoricalAccuracy(k=1), [[0, 0, 1], [0, 1, 0]],
     [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], [0.7, 0.3], 0.5, 0.3),
    (metrics.SparseTopKCategoricalAccuracy(k=1), [2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]],
     [0.7, 0.3], 0.5, 0.3),
])
def test_accuracy_metrics_by_hand(metric, y_true, y_pred, weights, plain, weighted):
    assert result_of(metric, y_true, y_pred) == pytest.approx(plain)
    assert result_of(metric, y_true, y_pred, weights) == pytest.approx(weighted)


def test_binary_accuracy_threshold_and_top_k_ties():
    acc = metrics.BinaryAccuracy(threshold=0.7)
    assert result_of(acc, [[1], [1], [0]], [[0.98], [0.6], [0.2]]) == pytest.approx(2 / 3)
    # tf.math.in_top_k: a class tied with the k-th highest score is in the top k
    scores = [[0.5, 0.5, 0.1], [0.2, 0.3, 0.5]]
    np.testing.assert_array_equal(metrics.sparse_top_k_categorical_accuracy([1, 0], scores, k=1),
                                  [1, 0])
    np.testing.assert_array_equal(metrics.sparse_top_k_categorical_accuracy([1, 0], scores, k=3),
                                  [1, 1])                    # k ≥ classes: always a hit
    assert metrics.TopKCategoricalAccuracy().k == 5          # Keras default


# ------------------------------------------------------- precision, recall
def test_precision_and_recall_by_hand():
    y, pred = [0, 1, 1, 1], [1, 0, 1, 1]                     # TP = 2, FP = 1, FN = 1
    assert result_of(metrics.Precision(), y, pred) == pytest.approx(2 / 3)
    assert result_of(metrics.Recall(), y, pred) == pytest.approx(2 / 3)
    assert result_of(metrics.Precision(), y, pred, [0, 0, 1, 0]) == 1.0
    assert result_of(metrics.Recall(), y, pred, [0, 0, 1, 0]) == 1.0
    # top_k over the last axis: ties keep the lower index, so top 2 are labels 0, 0
    assert result_of(metrics.Precision(top_k=2), [0, 0, 1, 1], [1, 1, 1, 1]) == 0.0
    assert result_of(metrics.Precision(top_k=4), [0, 0, 1, 1], [1, 1, 1, 1]) == 0.5
    # the threshold is strict: ŷ = 0.5 is a negative prediction
    assert result_of(metrics.Recall(), [1, 1], [0.5, 0.51]) == 0.5
    many = metrics.Precision(thresholds=[0.0, 0.5, 0.95])
    np.testing.assert_allclose(result_of(many, [0, 1, 1], [0.3, 0.6, 0.97]), [2 / 3, 1.0, 1.0])


def test_precision_class_id_and_top_k_on_class_probabilities():
    labels = np.eye(3)[[0, 1, 2, 2]]
    probs = np.array([[0.6, 0.3, 0.1], [0.7, 0.2, 0.1], [0.1, 0.2, 0.7], [0.3, 0.6, 0.1]])
    # class 0: predicted (> 0.5) in rows 0, 1; right in row 0
    assert result_of(metrics.Precision(class_id=0), labels, probs) == 0.5
    assert result_of(metrics.Recall(class_id=2), labels, probs) == 0.5
    # top_k=1 marks each row's argmax positive: precision = recall = accuracy = 2/4
    accuracy = np.mean(probs.argmax(1) == labels.argmax(1))
    assert result_of(metrics.Precision(top_k=1), labels, probs) == pytest.approx(accuracy)
    assert result_of(metrics.Recall(top_k=1), labels, probs) == pytest.approx(accuracy)
    with pytest.raises(ValueError, match="must match"):
        metrics.Precision().update_state([0, 1, 2, 2], probs)  # integer labels, 3 columns


def test_precision_recall_agree_with_scikit_learn():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, size=200)
    p = rng.uniform(size=200)
    w = rng.uniform(0.1, 3.0, size=200)
    for t in (0.3, 0.5, 0.8):
        assert result_of(metrics.Precision(thresholds=t), y, p, w) == pytest.approx(
            precision_score(y, p > t, sample_weight=w), rel=1e-12)
        assert result_of(metrics.Recall(thresholds=t), y, p, w) == pytest.approx(
            recall_score(y, p > t, sample_weight=w), rel=1e-12)


def test_evenly_spaced_thresholds_count_like_the_comparison():
    """Keras' bucket-and-cumsum path gives the counts of the definition ŷ > t."""
    rng = np.random.default_rng(1)
    y, p, w = rng.integers(0, 2, 500), rng.uniform(size=500), rng.uniform(size=500)
    thresholds = np.linspace(0.0, 1.0, 11)
    assert confusion.evenly_spaced(thresholds) and not confusion.evenly_spaced([0.2, 0.5, 0.9])
    pos_w, neg_w = np.where(y == 1, w, 0.0), np.where(y == 1, 0.0, w)
    fast = confusion._bucket_counts(p, pos_w, neg_w, thresholds)
    slow = confusion._compare_counts(p, pos_w, neg_w, thresholds)
    np.testing.assert_allclose(fast, slow, rtol=1e-12)
    above = p[None] > thresholds[:, None]
    np.testing.assert_allclose(fast[0], (above * pos_w).sum(axis=1), rtol=1e-12)


@pytest.mark.parametrize("cls, expected, weighted", [
    (metrics.TruePositives, 2.0, 1.0),     # y = [0, 1, 1, 1], ŷ = [1, 0, 1, 1]
    (metrics.FalsePositives, 1.0, 0.0),
    (metrics.TrueNegatives, 0.0, 0.0),
    (metrics.FalseNegatives, 1.0, 0.0),
])
def test_confusion_counts_by_hand(cls, expected, weighted):
    assert result_of(cls(), [0, 1, 1, 1], [1, 0, 1, 1]) == expected
    assert result_of(cls(), [0, 1, 1, 1], [1, 0, 1, 1], [0, 0, 1, 0]) == weighted


# ------------------------------------------------------------------- AUC
def test_auc_roc_by_hand():
    # thresholds [−ε, 0.5, 1 + ε]: TP = [2, 1, 0], FP = [2, 0, 0], FN = [0, 1, 2], TN = [0, 2, 2]
    # TPR = [1, ½, 0], FPR = [1, 0, 0]: (1 − 0)·(1 + ½)/2 + (0 − 0)·(½ + 0)/2 = 0.75
    y, pred = [0, 0, 1, 1], [0, 0.5, 0.3, 0.9]
    auc = metrics.AUC(num_thresholds=3)
    assert auc.thresholds == pytest.approx([-1e-7, 0.5, 1 + 1e-7])
    assert result_of(auc, y, pred) == pytest.approx(0.75)
    assert result_of(auc, y, pred, [1, 0, 0, 1]) == pytest.approx(1.0)
    np.testing.assert_allclose(auc.true_positives, [1, 1, 0])
    # minoring: min heights (½, 0) → 1·½; majoring: (1, ½) → 1·1
    assert result_of(metrics.AUC(3, summation_method="minoring"), y, pred) == 0.5
    assert result_of(metrics.AUC(3, summation_method="majoring"), y, pred) == 1.0


def test_auc_pr_by_hand():
    y, pred = [0, 0, 1, 1], [0, 0.5, 0.3, 0.9]
    # P = TP + FP = [4, 1, 0]; interval 0: slope ΔTP/ΔP = 1/3, intercept 1 − ⅓·1 = ⅔,
    # area ⅓·(1 + ⅔·ln(4/1)) / (TP + FN = 2); interval 1: slope 1, P₂ = 0 → 1·1/2
    expected = (1 / 3) * (1 + (2 / 3) * math.log(4)) / 2 + 0.5
    assert result_of(metrics.AUC(3, curve="PR"), y, pred) == pytest.approx(expected, rel=1e-12)
    # recall x = [1, ½, 0], precision y = [½, 1, 0]
    assert result_of(metrics.AUC(3, curve="PR", summation_method="minoring"), y, pred) == 0.25
    assert result_of(metrics.AUC(3, curve="pr", summation_method="majoring"), y, pred) == 1.0


def test_auc_equals_scikit_learn_when_no_bucket_holds_two_predictions():
    rng = np.random.default_rng(2)
    n = 60
    p = (rng.permutation(n) + 0.5) / n              # bucket ceil(p·60) − 1 = one per value
    p[:4] = p[4:8]                                   # and some tied predictions (½ each)
    y = rng.integers(0, 2, size=n)
    w = rng.uniform(0.5, 2.0, size=n)
    auc = metrics.AUC(num_thresholds=n + 1)
    assert result_of(auc, y, p) == pytest.approx(roc_auc_score(y, p), abs=1e-12)
    assert result_of(auc, y, p, w) == pytest.approx(roc_auc_score(y, p, sample_weight=w),
                                                    abs=1e-12)


def test_default_auc_is_within_its_interpolation_error_of_scikit_learn():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, size=400)
    p = np.clip(rng.normal(0.35 + 0.3 * y, 0.2), 0, 1)
    value = result_of(metrics.AUC(), y, p)
    # a positive and a negative in one bucket count ½ instead of 0 or 1
    bucket = np.maximum(np.ceil(p * 199) - 1, 0).astype(int)
    pos, neg = np.bincount(bucket[y == 1], minlength=200), np.bincount(bucket[y == 0],
                                                                       minlength=200)
    bound = 0.5 * np.sum(pos * neg) / (pos.sum() * neg.sum())
    assert 0 < abs(value - roc_auc_score(y, p)) <= bound + 1e-12


def test_auc_from_logits_multi_label_and_custom_thresholds():
    y = np.array([[0, 1], [0, 0], [1, 1], [1, 0]])
    probs = np.array([[0.1, 0.6], [0.5, 0.4], [0.3, 0.8], [0.9, 0.2]])
    logits = np.log(probs / (1 - probs))
    plain = result_of(metrics.AUC(num_thresholds=3), y, probs)
    assert result_of(metrics.AUC(num_thresholds=3, from_logits=True), y, logits) == \
        pytest.approx(plain)
    # multi_label: one AUC per column, averaged (then weighted by label_weights)
    by_label = [result_of(metrics.AUC(num_thresholds=3), y[:, k], probs[:, k]) for k in (0, 1)]
    multi = metrics.AUC(num_thresholds=3, multi_label=True)
    assert result_of(multi, y, probs) == pytest.approx(np.mean(by_label))
    assert multi.true_positives.shape == (3, 2)
    weighted = metrics.AUC(num_thresholds=3, multi_label=True, label_weights=[3, 1])
    assert result_of(weighted, y, probs) == pytest.approx((3 * by_label[0] + by_label[1]) / 4)
    custom = metrics.AUC(thresholds=[0.5])                   # the same thresholds as T = 3
    assert custom.num_thresholds == 3 and result_of(custom, y, probs) == pytest.approx(plain)
    with pytest.raises(ValueError, match="curve"):
        metrics.AUC(curve="ROCK")
    with pytest.raises(ValueError, match="num_thresholds"):
        metrics.AUC(num_thresholds=1)


# ------------------------------------------- state: batches, reset, __call__
def _every_metric():
    return [metrics.MeanSquaredError(), metrics.RootMeanSquaredError(),
            metrics.MeanAbsoluteError(), metrics.MeanAbsolutePercentageError(),
            metrics.Accuracy(), metrics.BinaryAccuracy(), metrics.Precision(),
            metrics.Recall(), metrics.AUC(), metrics.AUC(curve="PR"),
            metrics.Precision(thresholds=[0.2, 0.5, 0.7]), metrics.TruePositives(),
            metrics.FalseNegatives()]


@pytest.mark.parametrize("metric", _every_metric(), ids=lambda m: type(m).__name__)
def test_uneven_weighted_batches_give_the_result_of_one_update(metric):
    rng = np.random.default_rng(4)
    y = rng.integers(0, 2, size=(23, 1)).astype(float)
    p = np.round(rng.uniform(size=(23, 1)), 2)  # some ties with y for Accuracy
    p[:5] = y[:5]
    w = rng.uniform(0.2, 2.0, size=23)
    whole = result_of(metric, y, p, w)
    metric.reset_state()
    for start, stop in ((0, 7), (7, 14), (14, 21), (21, 23)):
        metric.update_state(y[start:stop], p[start:stop], sample_weight=w[start:stop])
    np.testing.assert_allclose(metric.result(), whole, rtol=1e-12)
    metric.reset_states()                                    # tf.keras 2 spelling
    fresh = type(metric).from_config(metric.get_config())
    np.testing.assert_allclose(result_of(metric, y[:9], p[:9]), result_of(fresh, y[:9], p[:9]))


def test_calling_a_metric_updates_it_and_returns_the_running_result():
    acc = metrics.SparseCategoricalAccuracy()
    assert acc([1], [[0.2, 0.8]]) == 1.0
    assert acc([0], [[0.2, 0.8]]) == 0.5                     # both batches so far
    assert acc.dtype == "float32"


def test_weights_that_do_not_fit_are_refused():
    with pytest.raises(ValueError, match="sample_weight of shape"):
        metrics.RootMeanSquaredError().update_state([[1.0], [2.0]], [[1.0], [2.0]],
                                                   sample_weight=[1, 2, 3])
    with pytest.raises(ValueError, match="1-D y_true/y_pred are one sample"):
        metrics.BinaryAccuracy().update_state([1, 0], [0.9, 0.1], sample_weight=[1, 2])


# ------------------------------------------------------ configs and names
@pytest.mark.parametrize("metric", [
    metrics.BinaryAccuracy(name="bin", threshold=0.3),
    metrics.SparseTopKCategoricalAccuracy(k=3),
    metrics.RootMeanSquaredError(name="rmse_metric"),
    metrics.Precision(thresholds=[0.2, 0.7], class_id=1, name="p1"),
    metrics.Recall(top_k=2),
    metrics.AUC(num_thresholds=50, curve="PR", summation_method="majoring", name="pr"),
    metrics.AUC(thresholds=[0.1, 0.4], multi_label=True, num_labels=2, label_weights=[1, 2],
                from_logits=True),
    metrics.MeanMetricWrapper(metrics.mean_absolute_error, name="mae_wrapped"),
], ids=lambda m: m.name)
def test_config_round_trip(metric):
    config = metrics.serialize(metric)
    again = metrics.deserialize(config)
    assert type(again) is type(metric) and again.get_config() == metric.get_config()
    assert metrics.get(config).get_config() == metric.get_config()


def test_automatic_names_are_unique_like_keras():
    assert metrics.AUC().name == "auc" and metrics.AUC().name == "auc_1"
    assert metrics.Precision().name == "precision" and metrics.Recall().name == "recall"
    assert metrics.RootMeanSquaredError().name == "root_mean_squared_error"  # fixed default
    assert metrics.AUC(name="roc").name == "roc"
    keras.backend.clear_session()
    assert metrics.AUC().name == "auc"


@pytest.mark.parametrize("spec, cls, name", [
    ("RootMeanSquaredError", metrics.RootMeanSquaredError, "root_mean_squared_error"),
    ("root_mean_squared_error", metrics.RootMeanSquaredError, "root_mean_squared_error"),
    ("rmse", metrics.RootMeanSquaredError, "rmse"),
    (metrics.RootMeanSquaredError, metrics.RootMeanSquaredError, "root_mean_squared_error"),
    ("AUC", metrics.AUC, "auc"),
    ("auc", metrics.AUC, "auc"),
    (metrics.AUC, metrics.AUC, "auc"),
    ("Precision", metrics.Precision, "precision"),
    ("recall", metrics.Recall, "recall"),
    ("MeanAbsoluteError", metrics.MeanAbsoluteError, "mean_absolute_error"),
    ("SparseCategoricalAccuracy", metrics.SparseCategoricalAccuracy,
     "sparse_categorical_accuracy"),
    ("Accuracy", metrics.Accuracy, "accuracy"),              # CamelCase: exact equality
    ("top_k_categorical_accuracy", metrics.MeanMetricWrapper, "top_k_categorical_accuracy"),
    ("mse", metrics.MeanMetricWrapper, "mse"),               # tf.keras 2: the name given
    ("MAE", metrics.MeanMetricWrapper, "MAE"),
    (metrics.mean_squared_error, metrics.MeanMetricWrapper, "mean_squared_error"),
    (keras.losses.mean_squared_error, metrics.MeanMetricWrapper, "mean_squared_error"),
    ("binary_crossentropy", metrics.MeanMetricWrapper, "binary_crossentropy"),
    (keras.losses.Huber(), metrics.MeanMetricWrapper, "huber_loss"),
])
def test_resolution_by_every_spelling(spec, cls, name):
    metric = metrics.get(spec)
    assert type(metric) is cls and metric.name == name
    value = result_of(metric, [[0.0], [1.0]], [[0.0], [0.5]])
    assert np.isfinite(value)


def test_resolution_is_free_of_side_effects_and_keeps_instances():
    metrics.get("AUC"), metrics.get(metrics.AUC), metrics.get("precision")
    assert metrics.AUC().name == "auc"                       # no counter was used
    auc = metrics.AUC(name="mine")
    assert metrics.get(auc) is auc
    loss = keras.losses.SparseCategoricalCrossentropy()
    assert metrics.get("accuracy", loss=loss).fn is metrics.sparse_categorical_accuracy
    with pytest.raises(ValueError, match="Unknown metric 'RootMeanSquareError'"):
        metrics.get("RootMeanSquareError")
    with pytest.raises(TypeError, match="Could not interpret metric"):
        metrics.get(3)


def test_losses_and_metrics_agree_on_the_same_equation():
    y, p = np.array([[1.0, 2.0], [3.0, 5.0]]), np.array([[1.5, 2.0], [2.0, 5.0]])
    assert result_of(metrics.MeanSquaredError(), y, p) == pytest.approx(
        keras.losses.MeanSquaredError()(y, p))
    np.testing.assert_allclose(metrics.mae(y, p), [0.25, 0.5])


# ---------------------------------------------------------- in fit/evaluate
def _regression_data(n=20):
    rng = np.random.default_rng(5)
    x = rng.normal(size=(n, 4))
    return x, x @ np.array([1.0, -2.0, 0.5, 3.0]) + rng.normal(size=n)


def test_fit_logs_root_mean_squared_error_over_all_samples():
    x, y = _regression_data()
    model = keras.Sequential([keras.layers.Dense(1, input_shape=[4])])
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.0),
                  metrics=["RootMeanSquaredError"])     # lr 0: every batch sees the same model
    history = model.fit(x, y, batch_size=7, epochs=2, verbose=0, validation_data=(x, y))
    assert [k for k in history.history if "root" in k] == ["root_mean_squared_error",
                                                          "val_root_mean_squared_error"]
    error = model.predict(x, verbose=0)[:, 0] - y
    rmse = math.sqrt(np.mean(error ** 2))                    # batches of 7, 7, 6
    assert history.history["root_mean_squared_error"] == pytest.approx([rmse] * 2, rel=1e-5)
    assert history.history["val_root_mean_squared_error"][-1] == pytest.approx(rmse, rel=1e-5)
    mse_test, rmse_test = model.evaluate(x, y, batch_size=7, verbose=0)   # the book's line
    assert rmse_test == pytest.approx(rmse, rel=1e-5) and mse_test == pytest.approx(rmse ** 2,
                                                                                    rel=1e-5)
    assert model.metrics_names == ["loss", "root_mean_squared_error"]


def test_fit_with_auc_and_named_metric_objects():
    rng = np.random.default_rng(6)
    x = rng.normal(size=(40, 4))
    y = (x[:, 0] + 0.5 * rng.normal(size=40) > 0).astype(float)
    model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid", input_shape=[4])])
    model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=0.0),
                  metrics=[keras.metrics.AUC(), keras.metrics.Precision(name="prec")])
    history = model.fit(x, y, batch_size=16, epochs=1, verbose=0, validation_split=0.25)
    assert set(history.history) >= {"auc", "val_auc", "prec", "val_prec"}
    p = model.predict(x[:30], verbose=0)[:, 0]
    expected = result_of(keras.metrics.AUC(), y[:30], p)
    assert history.history["auc"][0] == pytest.approx(expected, rel=1e-6)
    assert history.history["prec"][0] == pytest.approx(
        precision_score(y[:30], p > 0.5, zero_division=0), rel=1e-6)
    results = model.evaluate(x, y, batch_size=9, verbose=0, return_dict=True)
    p_all = model.predict(x, verbose=0)[:, 0]
    assert results["auc"] == pytest.approx(result_of(keras.metrics.AUC(), y, p_all), rel=1e-6)
    assert abs(results["auc"] - roc_auc_score(y, p_all)) < 0.02


def test_each_output_gets_its_own_metric_from_a_name():
    inputs = keras.layers.Input(shape=[4])
    hidden = keras.layers.Dense(3, name="hidden")(inputs)
    model = keras.Model(inputs=[inputs], outputs=[keras.layers.Dense(1, name="main")(hidden),
                                                  keras.layers.Dense(1, name="aux")(hidden)])
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.0),
                  metrics=["RootMeanSquaredError"])
    x, y = _regression_data()
    logs = model.evaluate(x, [y, 2 * y], batch_size=8, verbose=0, return_dict=True)
    main, aux = model.predict(x, verbose=0)
    assert logs["main_root_mean_squared_error"] == pytest.approx(
        math.sqrt(np.mean((main[:, 0] - y) ** 2)), rel=1e-5)
    assert logs["aux_root_mean_squared_error"] == pytest.approx(
        math.sqrt(np.mean((aux[:, 0] - 2 * y) ** 2)), rel=1e-5)


def test_metric_objects_are_saved_with_the_compile_config(tmp_path):
    x, y = _regression_data()
    y = (y > 0).astype(float)
    model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid", input_shape=[4])])
    model.compile(loss="binary_crossentropy", optimizer="sgd",
                  metrics=[keras.metrics.AUC(num_thresholds=50, name="roc"),
                           keras.metrics.Precision(thresholds=0.3), keras.metrics.BinaryAccuracy,
                           "RootMeanSquaredError"])
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert loaded.metrics_names == model.metrics_names == [
        "loss", "roc", "precision", "binary_accuracy", "root_mean_squared_error"]
    auc = next(m for _, m, name in loaded._metrics if name == "roc")
    assert auc.num_thresholds == 50
    np.testing.assert_allclose(loaded.evaluate(x, y, verbose=0), model.evaluate(x, y, verbose=0),
                               rtol=1e-6)
