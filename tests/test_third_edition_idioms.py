"""The third edition's (tf.keras 2.8+) and Keras 3's spellings, with ``import nnlite as tf``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from packaging.version import Version

import nnlite as keras
import nnlite as tf
from nnlite import _version, plot
from nnlite.tensorflow_only import TENSORFLOW_ONLY, TensorFlowOnlyError

ROOT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------- version
def test_the_books_first_cells_pass():
    assert tf.__version__ >= "2.0"  # second edition
    assert Version(tf.__version__) >= Version("2.8.0")  # third edition
    assert tf.__version__ >= "2.8.0"  # and as a string


def test_version_is_pep440_and_written_once_in_pyproject():
    tomllib = pytest.importorskip("tomllib")  # Python >= 3.11
    written = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert tf.__version__ == written == str(Version(written))  # valid and normalized
    major, minor, release = Version(written).release
    assert (major, minor) == (2, 8)  # the tf.keras API level, then nnlite's own release


@pytest.mark.parametrize("release", [0, 1, 9, 10, 123])
def test_every_release_of_the_scheme_passes_both_checks(release):
    candidate = f"2.8.{release}"
    assert candidate >= "2.0" and candidate >= "2.8.0"
    assert Version(candidate) >= Version("2.8.0")
    assert not "2.16.0" >= "2.8.0"  # why the minor number stays one digit


def test_version_reading_falls_back_to_the_installed_metadata(tmp_path):
    pytest.importorskip("tomllib")  # Python 3.10 reads the installed metadata only
    other = tmp_path / "pyproject.toml"
    other.write_text('[project]\nname = "something-else"\nversion = "9.9"\n')
    assert _version._from_pyproject(other) is None  # never another project's number
    assert _version._from_pyproject(tmp_path / "missing.toml") is None
    other.write_text('[project]\nname = "nnlite"\nversion = "2.8.7"\n')
    assert _version._from_pyproject(other) == "2.8.7"


# ------------------------------------------------------------ to_categorical
def test_to_categorical_one_hot_rows():
    np.testing.assert_array_equal(tf.keras.utils.to_categorical([0, 2, 1]),
                                  [[1, 0, 0], [0, 0, 1], [0, 1, 0]])
    y = tf.keras.utils.to_categorical(np.array([1, 0]), num_classes=4)
    np.testing.assert_array_equal(y, [[0, 1, 0, 0], [1, 0, 0, 0]])
    assert y.dtype == np.float32  # Keras' default dtype


def test_to_categorical_shapes_as_keras():
    to_categorical = keras.utils.to_categorical
    assert to_categorical(np.array([[1], [0], [2]])).shape == (3, 3)  # trailing 1 dropped
    assert to_categorical(np.zeros((2, 3), dtype=int), 2).shape == (2, 3, 2)
    assert to_categorical(np.array([[2]])).shape == (1, 3)
    np.testing.assert_array_equal(to_categorical(3), [0, 0, 0, 1])
    assert to_categorical([1.0, 0.0], dtype="int32").dtype == np.int32


@pytest.mark.parametrize("labels, kwargs, match", [
    ([0, -1], {}, ">= 0"), ([0, 3], {"num_classes": 3}, "num_classes=3"),
    ([0.5], {}, "whole-number"), (["cat"], {}, "integer class indices"),
    ([], {}, "pass num_classes"), ([0], {"num_classes": 0}, "positive int")])
def test_to_categorical_errors(labels, kwargs, match):
    with pytest.raises(ValueError, match=match):
        keras.utils.to_categorical(labels, **kwargs)


# ------------------------------------------------ Input in a Sequential model
def test_input_as_the_first_element_of_sequential():
    model = tf.keras.Sequential([tf.keras.layers.Input(shape=[28, 28]),
                                 tf.keras.layers.Flatten(),
                                 tf.keras.layers.Dense(10, activation="softmax")])
    assert model.input_shape == (None, 28, 28) and model.output_shape == (None, 10)
    assert [type(layer).__name__ for layer in model.layers] == ["Flatten", "Dense"]
    assert model.count_params() == 784 * 10 + 10


def test_model_add_input_then_layers():
    model = keras.Sequential()
    model.add(keras.Input(shape=(4,)))
    model.add(keras.layers.Dense(2))
    assert model.output_shape == (None, 2) and model.count_params() == 10
    with pytest.raises(ValueError, match="first layer"):
        model.add(keras.Input(shape=(2,)))
    hidden = keras.layers.Dense(3)(keras.Input(shape=(4,)))
    with pytest.raises(TypeError, match="keras.Model"):
        keras.Sequential([hidden])


# ----------------------------------------------------- learning_rate in History
def _regression(lr_callbacks=(), learning_rate=0.05):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(32, 3))
    model = keras.Sequential([keras.Input(shape=[3]), keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=learning_rate))
    return model.fit(X, X[:, :1], epochs=2, verbose=0, callbacks=list(lr_callbacks))


def test_history_has_learning_rate_and_lr():
    history = _regression()
    assert history.history["learning_rate"] == history.history["lr"] == \
        [pytest.approx(0.05)] * 2
    schedule = keras.callbacks.LearningRateScheduler(lambda epoch: 0.1 * 0.5 ** epoch)
    halved = _regression([schedule])
    assert halved.history["learning_rate"] == [pytest.approx(0.1), pytest.approx(0.05)]
    assert halved.history["lr"] == halved.history["learning_rate"]


def test_learning_curves_draw_the_learning_rate_once():
    history = {"loss": [1.0, 0.5, 0.2], "lr": [0.1, 0.05, 0.01],
               "learning_rate": [0.1, 0.05, 0.01]}
    fig = plot.learning_curves(history)
    ax, ax2 = fig.axes
    assert [line.get_label() for line in ax.lines] == ["loss"]
    assert len(ax2.lines) == 1
    only_new_name = plot.learning_curves({"loss": [1.0, 0.5], "learning_rate": [0.1, 0.01]})
    assert len(only_new_name.axes) == 2 and len(only_new_name.axes[1].lines) == 1


# ------------------------------------------------------ other Keras 2.x/3 spellings
def test_top_level_spellings():
    assert keras.Sequential is keras.models.Sequential and keras.Model is keras.models.Model
    assert keras.Input is keras.layers.Input
    # keras.utils.set_random_seed: tests/test_model_api.py::test_set_seed_reproduces_weights


def test_leaky_relu_negative_slope():
    assert keras.layers.LeakyReLU(negative_slope=0.2).alpha == 0.2
    assert keras.layers.LeakyReLU().negative_slope == 0.3  # Keras' default
    np.testing.assert_allclose(keras.layers.LeakyReLU(negative_slope=0.2)(np.array([[-5., 3.]])),
                               [[-1.0, 3.0]])
    with pytest.raises(ValueError, match="not both"):
        keras.layers.LeakyReLU(alpha=0.1, negative_slope=0.2)


def test_dense_with_an_activation_function_object():
    layer = keras.layers.Dense(2, activation=keras.activations.relu, kernel_initializer="ones")
    np.testing.assert_array_equal(layer(np.array([[1.0, -3.0]])), [[0.0, 0.0]])
    np.testing.assert_array_equal(layer(np.array([[1.0, 2.0]])), [[3.0, 3.0]])


def test_summary_accepts_expand_nested_and_shows_trainable():
    model = keras.Sequential([keras.Input(shape=[4]), keras.layers.Dense(3, name="frozen"),
                              keras.layers.Dense(1, name="head")])
    model.layers[0].trainable = False
    lines: list[str] = []
    model.summary(print_fn=lines.append, expand_nested=True, show_trainable=True)
    assert lines[2].rstrip().endswith("Trainable") and len(lines[1]) == 65 + 11
    rows = [line.split() for line in lines if line.startswith((" frozen", " head"))]
    assert [(row[0], row[-1]) for row in rows] == [("frozen", "N"), ("head", "Y")]
    plain: list[str] = []
    model.summary(print_fn=plain.append)
    assert "Trainable" not in plain[2] and len(plain[1]) == 65


# ---------------------------------------------------------- TensorFlow itself
@pytest.mark.parametrize("name", sorted(TENSORFLOW_ONLY["tf"]))
def test_tensorflow_names_say_what_to_use(name):
    assert not hasattr(tf, name)
    with pytest.raises(TensorFlowOnlyError, match=f"tf.{name} belongs to TensorFlow itself"):
        getattr(tf, name)


def test_tensorflow_errors_name_the_nnlite_way():
    with pytest.raises(AttributeError, match=r"np\.array"):
        tf.convert_to_tensor([[1.0, 2.0]])
    with pytest.raises(AttributeError, match=r"fit\(X, y, batch_size=32"):
        tf.data.Dataset.from_tensor_slices(np.zeros(3))
    model = tf.keras.Sequential([tf.keras.Input(shape=[2]), tf.keras.layers.Dense(1)])
    assert not hasattr(model, "export")
    with pytest.raises(TensorFlowOnlyError, match=r'model.save\("my_model.keras"\)'):
        model.export("my_model")
    with pytest.raises(TensorFlowOnlyError, match="SavedModel"):
        tf.keras.layers.TFSMLayer("my_model", call_endpoint="serving_default")
    assert hasattr(keras.utils, "check_gradients") and hasattr(keras.models, "load_model")


def test_constant_is_a_numpy_array_with_tensorflows_default_dtypes():
    texts = tf.constant(["The step is 1", "Its square is 1"])  # the book's tf.summary.text cell
    assert isinstance(texts, np.ndarray) and texts.tolist() == ["The step is 1", "Its square is 1"]
    assert tf.constant([[1.0, 2.0]]).dtype == np.float32 and tf.constant(3).dtype == np.int32
    assert tf.constant(np.arange(3.0)).dtype == np.float64  # an array keeps its dtype
    assert tf.constant([1, 2], dtype="float64").dtype == np.float64
    np.testing.assert_array_equal(tf.constant(7.0, shape=[2, 3]), np.full((2, 3), 7.0))
    np.testing.assert_array_equal(tf.constant([1, 2, 3, 4], shape=(2, 2)), [[1, 2], [3, 4]])
    with pytest.raises(ValueError, match="cannot reshape 3 values to shape"):
        tf.constant([1, 2, 3], shape=(2, 2))
    source = np.zeros(2)
    tf.constant(source)[0] = 1.0
    assert source[0] == 0.0  # a copy, like a tensor made from an array
    assert "constant" not in TENSORFLOW_ONLY["tf"]


def test_other_missing_names_stay_plain_attribute_errors():
    with pytest.raises(AttributeError) as info:
        tf.no_such_thing  # noqa: B018
    assert type(info.value) is AttributeError
    with pytest.raises(AttributeError) as info:
        tf.keras.layers.NoSuchLayer  # noqa: B018
    assert type(info.value) is AttributeError
