"""Each equation has one home, its class's docstring: ``.equations``, ``summary`` and
the tutorials show that text, no other module copies it, and it is what the code computes."""

import inspect
import math
import re
from pathlib import Path

import numpy as np
import pytest

import nnlite as keras
from nnlite import activations, equations, layers, losses, optimizers
from nnlite.variables import Variable

ROOT = Path(__file__).resolve().parent.parent


def public_classes(module, base):
    return [cls for name, cls in sorted(vars(module).items())
            if isinstance(cls, type) and issubclass(cls, base) and not name.startswith("_")]


LAYERS = public_classes(layers, layers.Layer)
LOSSES = public_classes(losses, losses.Loss)
OPTIMIZERS = public_classes(optimizers, optimizers.Optimizer)
ACTIVATIONS = {name: activations.get(name) for name in (
    "linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "softplus", "softmax",
    "gelu", "swish", "mish")}
BASES = (layers.Layer, losses.Loss)  # their docstrings state no layer's / loss's equations


def own_rendering(cls, name=None):
    """What ``.equations`` must print: the class's *own* docstring, rendered."""
    return equations.render(name or cls.__name__, cls.__dict__["__doc__"])


# ------------------------------------------------------------ printed == held
@pytest.mark.parametrize("cls", [c for c in LAYERS + LOSSES + OPTIMIZERS if c not in BASES],
                         ids=lambda c: c.__name__)
def test_every_class_prints_the_equations_its_own_docstring_holds(cls):
    assert equations.owner_of_equations(cls) is cls
    assert cls.equations == own_rendering(cls)
    assert "$" in cls.equations and cls.equations.startswith(f"**{cls.__name__}** — ")


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_every_activation_prints_its_class_docstring(name):
    act = ACTIVATIONS[name]
    assert act.equations == own_rendering(type(act), name)
    assert act.equations.startswith(f"**{name}** — ")


def test_layer_with_an_activation_appends_phi():
    dense = keras.layers.Dense(3, activation="relu")
    assert dense.equations.splitlines()[0].startswith("**Dense** — ")
    assert dense.equations == (keras.layers.Dense.equations + "\nwith φ = "
                               + activations.relu.equations)


def test_subclasses_inherit_unless_they_have_their_own():
    class MCDropout(keras.layers.Dropout):
        def call(self, inputs):
            return super().call(inputs, training=True)

    class Doubled(keras.layers.Layer):
        r"""Doubles its input.

        Equations
        ---------
        .. math:: a = 2x
        """

    class Plain(keras.layers.Layer):
        """A layer without equations."""

    assert MCDropout.equations == keras.layers.Dropout.equations
    assert MCDropout(0.2).equations == keras.layers.Dropout.equations
    assert Doubled.equations == "**Doubled** — Doubles its input.\n  $a = 2x$"
    assert Plain.equations == "" and equations.equations_for(object) == ""


def test_reader_turns_rest_into_markdown():
    doc = r"""Title line.

    Intro that is not printed.

    Equations
    ---------
    With :math:`x` the input, ``rate`` p and :class:`~nnlite.layers.Dense`:

    .. math::

        a = x, \qquad
        b = y

        c = z

    .. math:: d = 1

    Notes
    -----
    Not printed.
    """
    assert equations.render("T", doc) == (
        "**T** — Title line.\n"
        "With $x$ the input, `rate` p and Dense:\n"
        r"  $a = x, \qquad b = y$" "\n"
        "  $c = z$\n"
        "  $d = 1$")


# ----------------------------------------------------------- one copy only
def _fragments(text):
    """The pieces of every equation, whitespace removed, long enough to be distinctive."""
    out = set()
    for equation in equations.math_blocks(equations.equations_section(text)):
        for piece in re.split(r"\\qquad|\\quad", equation):
            piece = re.sub(r"\s+", "", piece).strip(",")
            if len(piece) >= 24:
                out.add(piece)
    return out


def _homes():
    classes = [c for c in LAYERS + LOSSES + OPTIMIZERS] + [type(a) for a in ACTIVATIONS.values()]
    return {c: _fragments(inspect.cleandoc(c.__dict__["__doc__"])) for c in set(classes)
            if equations.owner_of_equations(c) is c}


def _sources():
    """Every source file of nnlite (kernels included: Python, .pyx and .pxd) and the
    tutorials, whitespace and comment marks removed."""
    files = [p for ext in ("py", "pyx", "pxd") for p in sorted((ROOT / "nnlite").rglob(f"*.{ext}"))]
    files += sorted((ROOT / "tutorials").glob("*.py"))
    return {p: re.sub(r"\s+|#", "", p.read_text(encoding="utf-8")) for p in files}


def test_no_module_holds_a_second_copy_of_an_equation():
    """A piece of an equation may appear only in the files of the classes that state it
    (Nadam restates Adam's moments as part of its own update; a tutorial or a table may not)."""
    sources = _sources()
    homes = _homes()
    assert len(homes) >= 40
    home_file = {cls: Path(inspect.getfile(cls)).resolve() for cls in homes}
    for fragment in set().union(*homes.values()):
        allowed = {home_file[cls] for cls, pieces in homes.items()
                   if any(fragment in piece for piece in pieces)}
        found = {path.resolve() for path, text in sources.items() if fragment in text}
        assert found <= allowed, (fragment, sorted(str(p) for p in found - allowed))


def test_equations_module_holds_no_equation_text():
    source = (ROOT / "nnlite" / "equations.py").read_text(encoding="utf-8")
    for token in (r"\frac", r"\leftarrow", r"\sqrt", r"\odot", r"\oslash"):
        assert token not in source


# ------------------------------------------------------------------ summary
def test_summary_shows_each_docstrings_equations():
    model = keras.Sequential([keras.layers.Dense(4, activation="relu", input_shape=[3]),
                              keras.layers.BatchNormalization(), keras.layers.Dense(2)])
    model.compile(loss="mse", optimizer=keras.optimizers.Nadam())
    lines = []
    model.summary(print_fn=lines.append, show_equations=True)
    text = "\n".join(lines)
    for obj in [*model.layers, model.loss[0], model.optimizer]:
        assert obj.equations in text
    assert keras.optimizers.Nadam.equations in text
    assert r"\mu_B = \frac{1}{m_B}" in text


def test_inspect_shows_the_layers_equations():
    from nnlite.inspect import inspect_batch

    model = keras.Sequential([keras.layers.Dense(2, activation="tanh", input_shape=[3])])
    model.compile(loss="mse", optimizer="sgd")
    trace = inspect_batch(model, np.ones((4, 3), np.float32), np.zeros((4, 2), np.float32))
    assert trace.layers[0].equations == model.layers[0].equations
    assert model.layers[0].equations.splitlines()[1] in trace.layers[0].describe()


# -------------------------------------------- the texts say what the code does
def _step(optimizer, theta, grads):
    var = Variable(np.array(theta, dtype=np.float64), name="theta")
    for g in grads:
        optimizer.apply_gradients([(np.array(g, dtype=np.float64), var)])
    return var.value


def test_nadam_prints_and_computes_keras_momentum_schedule():
    text = keras.optimizers.Nadam.equations
    for term in (r"\mu_t = \beta_1\bigl(1 - \tfrac12\, 0.96^{\,t}\bigr)", r"\Pi_t",
                 r"\frac{\mu_{t+1}\, m}{1 - \Pi_t\,\mu_{t+1}}",
                 r"\frac{(1 - \mu_t)\, g}{1 - \Pi_t}"):
        assert term in text
    assert r"\beta_1^{t+1}" not in text  # the simplified form the code does not compute
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-7
    theta, grads = np.array([1.0, -2.0]), [np.array([0.5, -1.0]), np.array([0.2, 0.3])]
    m = s = np.zeros(2)
    mu, pi = (lambda t: b1 * (1 - 0.5 * 0.96 ** t)), 1.0
    expected = theta.copy()
    for t, g in enumerate(grads, start=1):  # the docstring's four lines, step by step
        pi *= mu(t)
        m, s = b1 * m + (1 - b1) * g, b2 * s + (1 - b2) * g * g
        m_hat = mu(t + 1) * m / (1 - pi * mu(t + 1)) + (1 - mu(t)) * g / (1 - pi)
        s_hat = s / (1 - b2 ** t)
        expected -= lr * m_hat / (np.sqrt(s_hat) + eps)
    got = _step(keras.optimizers.Nadam(learning_rate=lr), theta, grads)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_adamw_decays_first_then_takes_adams_step():
    text = keras.optimizers.AdamW.equations
    assert text.index(r"\theta - \eta\, \lambda\, \theta") < text.index(r"\alpha_t\, m")
    lr, wd, theta, g = 0.1, 0.5, np.array([2.0, -1.0]), np.array([0.3, 0.4])
    decayed = theta - lr * wd * theta
    adam = _step(keras.optimizers.Adam(learning_rate=lr), decayed, [g])
    got = _step(keras.optimizers.AdamW(learning_rate=lr, weight_decay=wd), theta, [g])
    np.testing.assert_allclose(got, adam, rtol=1e-12)
    after = _step(keras.optimizers.Adam(learning_rate=lr), theta, [g])
    assert not np.allclose(got, after - lr * wd * after)  # the reversed order differs


def test_adam_book_form_and_folded_form_agree():
    text = keras.optimizers.Adam.equations
    assert r"\hat m = \frac{m}{1 - \beta_1^{\,t}}" in text  # the book's form
    assert r"\alpha_t = \eta\, \frac{\sqrt{1 - \beta_2^{\,t}}}{1 - \beta_1^{\,t}}" in text
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-3  # a large ε makes its placement visible
    theta, grads = np.array([1.0, 0.5]), [np.array([0.01, -0.02]), np.array([0.03, 0.01])]
    m = s = np.zeros(2)
    book = theta.copy()
    for t, g in enumerate(grads, start=1):
        m, s = b1 * m + (1 - b1) * g, b2 * s + (1 - b2) * g * g
        m_hat, s_hat = m / (1 - b1 ** t), s / (1 - b2 ** t)
        book -= lr * m_hat / (np.sqrt(s_hat) + eps / math.sqrt(1 - b2 ** t))
    got = _step(keras.optimizers.Adam(learning_rate=lr, epsilon=eps), theta, grads)
    np.testing.assert_allclose(got, book, rtol=1e-12)


@pytest.mark.parametrize("cls, default, text", [
    (keras.optimizers.Adagrad, ("initial_accumulator_value", 0.1), "s₀ = 0.1"),
    (keras.optimizers.RMSprop, ("rho", 0.9), "ρ = 0.9"),
    (keras.optimizers.Adam, ("epsilon", 1e-7), "ε = 1e-7"),
    (keras.optimizers.SGD, ("learning_rate", 0.01), "η = 0.01"),
    (keras.layers.BatchNormalization, ("momentum", 0.99), "Keras: 0.99"),
    (keras.layers.BatchNormalization, ("epsilon", 1e-3), "Keras: 1e-3"),
], ids=lambda v: getattr(v, "__name__", None))
def test_stated_defaults_are_the_constructors(cls, default, text):
    name, value = default
    assert inspect.signature(cls).parameters[name].default == value
    assert text in cls.equations


def test_batch_norm_names_batch_size_and_momentum_apart():
    text = keras.layers.BatchNormalization.equations
    assert r"\frac{1}{m_B}" in text and r"\rho\,\hat\mu + (1 - \rho)" in text
    assert r"\frac1m" not in text and r"m\,\hat\mu" not in text


def test_selu_constants_printed_are_the_codes():
    text = activations.selu.equations
    assert f"λ ≈ {activations.SELU_SCALE:.4f}" in text
    assert f"α ≈ {activations.SELU_ALPHA:.4f}" in text


def test_msle_gradient_is_the_printed_one():
    assert r"\max(\hat y_k, \varepsilon)" in keras.losses.MeanSquaredLogarithmicError.equations
    eps = keras.backend.epsilon()
    y, y_hat = np.array([[0.5, 2.0, 1.0]]), np.array([[1.5, 1e-9, 3.0]])
    d = np.log1p(np.maximum(y_hat, eps)) - np.log1p(np.maximum(y, eps))
    printed = 2 / 3 * d / (1 + np.maximum(y_hat, eps)) * (y_hat > eps)
    np.testing.assert_allclose(keras.losses.MeanSquaredLogarithmicError().grad(y, y_hat),
                               printed)


def test_cross_entropy_gradients_are_the_printed_ones():
    y, y_hat = np.array([[0.0, 1.0, 0.0]]), np.array([[0.2, 0.5, 0.1]])  # sums to 0.8
    total = y_hat.sum()
    printed = -y / (y_hat / total * total) + y.sum() / total
    np.testing.assert_allclose(keras.losses.CategoricalCrossentropy().grad(y, y_hat), printed)
    assert r"p \sum_j y_j - y = p - y" in keras.losses.CategoricalCrossentropy.equations
    p = np.array([[0.2, 0.7, 0.1]])
    _, fused = keras.losses.CategoricalCrossentropy().fused_value_and_grad(y, p, 1.0)
    np.testing.assert_allclose(fused, p - y)
