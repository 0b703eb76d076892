r"""The forward and backward equations of every layer, activation, loss and optimizer.

``layer.equations`` (and ``optimizer.equations``, ``loss.equations``,
``activation.equations``, or the same on the class: ``keras.layers.Dense.equations``)
returns a short markdown text with LaTeX between ``$…$``: what the object
computes going forward, and the gradient it sends back.  The texts live here,
one entry per class name, so that every file keeps its code short and a
teacher can read all the equations of the library in one place.

>>> import nnlite as keras
>>> print(keras.layers.Dense(3, activation="relu").equations.splitlines()[0])
**Dense** — fully connected layer

Symbols: x input batch (n rows), W kernel, b bias, z pre-activation,
a = φ(z) output, δ = ∂L/∂(output) the gradient arriving from above,
η learning rate, g gradient of the loss with respect to a weight θ.
A class without an entry inherits the text of its nearest base class;
:func:`equations_for` returns ``""`` when nothing is known.
"""

from __future__ import annotations

import inspect
import sys

__all__ = ["Equations", "equations_for", "LAYERS", "ACTIVATIONS", "LOSSES", "OPTIMIZERS"]

LAYERS: dict[str, str] = {
    "Dense": r"""**Dense** — fully connected layer
- forward: $z = xW + b,\qquad a = \varphi(z)$
- backward: $g = \delta \odot \varphi'(z),\quad \frac{\partial L}{\partial W} = x^\top g,\quad
  \frac{\partial L}{\partial b} = \textstyle\sum_{\text{rows}} g,\quad
  \frac{\partial L}{\partial x} = g\,W^\top$""",
    "Activation": r"""**Activation** — φ applied elementwise
- forward: $a = \varphi(x)$
- backward: $\frac{\partial L}{\partial x} = \delta \odot \varphi'(x)$""",
    "Flatten": r"""**Flatten** — reshape each sample to a vector (no weights)
- forward: $a = \mathrm{reshape}(x, (n, -1))$
- backward: $\frac{\partial L}{\partial x} = \mathrm{reshape}(\delta, \mathrm{shape}(x))$""",
    "Reshape": r"""**Reshape** — change the shape of each sample (no weights)
- forward: $a = \mathrm{reshape}(x, (n,) + \text{target\_shape})$
- backward: $\frac{\partial L}{\partial x} = \mathrm{reshape}(\delta, \mathrm{shape}(x))$""",
    "InputLayer": r"""**InputLayer** — the model's entry point
- forward: $a = x$ (nothing is computed; it only fixes the input shape)""",
    "Concatenate": r"""**Concatenate** — join inputs along the last axis (wide & deep)
- forward: $a = [x_1 \,\|\, x_2 \,\|\, \dots]$
- backward: $\frac{\partial L}{\partial x_k} = \delta[\,\dots, \text{columns of } x_k]$
  (the incoming gradient is split back into the pieces)""",
    "BatchNormalization": r"""**BatchNormalization** — batch normalization (배치 정규화)
- forward (training): $\mu_B = \frac1m\sum_i x_i,\ \sigma_B^2 = \frac1m\sum_i (x_i-\mu_B)^2,\
  \hat x_i = \frac{x_i-\mu_B}{\sqrt{\sigma_B^2+\varepsilon}},
  z_i = \gamma \otimes \hat x_i + \beta$
- moving statistics: $\hat\mu \leftarrow m\,\hat\mu + (1-m)\,\mu_B$,
  $\hat\sigma^2 \leftarrow m\,\hat\sigma^2 + (1-m)\,\sigma_B^2$ (m = momentum = 0.99)
- forward (inference):
  $z = \gamma \otimes \frac{x-\hat\mu}{\sqrt{\hat\sigma^2+\varepsilon}} + \beta$
- backward: $\frac{\partial L}{\partial \gamma} = \sum_i \delta_i \hat x_i,\
  \frac{\partial L}{\partial \beta} = \sum_i \delta_i,\
  \frac{\partial L}{\partial x_i} = \frac{\gamma}{m\sqrt{\sigma_B^2+\varepsilon}}
  \big(m\,\delta_i - \sum_j \delta_j - \hat x_i \sum_j \delta_j \hat x_j\big)$""",
    "Dropout": r"""**Dropout** — inverted dropout (드롭아웃), rate p
- forward (training): $r_i \sim \mathrm{Bernoulli}(1-p),\ a = \frac{r \odot x}{1-p}$;
  inference: $a = x$
- backward: $\frac{\partial L}{\partial x} = \frac{r \odot \delta}{1-p}$""",
    "AlphaDropout": r"""**AlphaDropout** — dropout that keeps SELU's mean and variance
- forward (training): $a = A\,(r \odot x + (1-r)\,\alpha') + B$ with
  $\alpha' = -\lambda\alpha \approx -1.7581$, $A = \big((1-p)(1 + p\,\alpha'^2)\big)^{-1/2}$,
  $B = -A\,\alpha' p$; inference: $a = x$
- backward: $\frac{\partial L}{\partial x} = A\, r \odot \delta$""",
    "GaussianNoise": r"""**GaussianNoise** — additive noise while training
- forward (training): $a = x + \sigma z,\ z \sim \mathcal N(0, 1)$; inference: $a = x$
- backward: $\frac{\partial L}{\partial x} = \delta$""",
    "GaussianDropout": r"""**GaussianDropout** — multiplicative Gaussian noise, rate p
- forward (training): $a = x \odot \varepsilon,\
  \varepsilon \sim \mathcal N\big(1, \tfrac{p}{1-p}\big)$; inference: $a = x$
- backward: $\frac{\partial L}{\partial x} = \varepsilon \odot \delta$""",
    "RReLU": r"""**RReLU** — randomized leaky ReLU
- forward (training): $\alpha \sim U(l, u)$ per element, $a = x \text{ if } x>0
  \text{ else } \alpha x$; inference: $\alpha = \frac{l+u}{2}$
- backward: $\frac{\partial L}{\partial x} = \delta \odot
  (1 \text{ if } x>0 \text{ else } \alpha)$""",
    "LeakyReLU": r"""**LeakyReLU** — leaky ReLU (리키 렐루), slope α (Keras default 0.3)
- forward: $a = \max(\alpha x, x)$
- backward: $\frac{\partial L}{\partial x} = \delta \odot
  (1 \text{ if } x>0 \text{ else } \alpha)$""",
    "PReLU": r"""**PReLU** — parametric leaky ReLU, α learned per unit
- forward: $a = x \text{ if } x>0 \text{ else } \alpha \odot x$
- backward: $\frac{\partial L}{\partial \alpha} = \sum_{\text{rows}} \delta \odot \min(x, 0),\
  \frac{\partial L}{\partial x} = \delta \odot
  (1 \text{ if } x>0 \text{ else } \alpha)$""",
    "ELU": r"""**ELU** — exponential linear unit, α = 1
- forward: $a = x \text{ if } x>0 \text{ else } \alpha(e^{x}-1)$
- backward: $\frac{\partial L}{\partial x} = \delta \odot
  (1 \text{ if } x>0 \text{ else } a+\alpha)$""",
    "ReLU": r"""**ReLU** — rectified linear unit
- forward: $a = \max(0, x)$
- backward: $\frac{\partial L}{\partial x} = \delta \odot \mathbb 1[x>0]$""",
    "Softmax": r"""**Softmax**
- forward: $a_k = e^{x_k} / \sum_j e^{x_j}$
- backward: $\frac{\partial L}{\partial x} = a \odot (\delta - \sum_k \delta_k a_k)$""",
    "Normalization": r"""**Normalization** — standardization learned by `adapt` (정규화 층)
- adapt: $\mu = \frac1N\sum_i x_i,\ \sigma^2 = \frac1N\sum_i (x_i-\mu)^2$ per kept index
  (batches merged: $\mu = \mu_A + \Delta\frac{n_B}{n},\
  M_2 = M_{2,A} + M_{2,B} + \Delta^2\frac{n_A n_B}{n}$)
- forward: $y = \frac{x-\mu}{\max(\sqrt{\sigma^2}, \varepsilon)}$
  (`invert=True`: $y = \mu + x\max(\sqrt{\sigma^2}, \varepsilon)$), ε = 1e-7
- backward: $\frac{\partial L}{\partial x} = \frac{\delta}{\max(\sqrt{\sigma^2}, \varepsilon)}$
  (μ, σ² are constants)""",
}

ACTIVATIONS: dict[str, str] = {
    "linear": r"""linear: $\varphi(z) = z,\quad \varphi'(z) = 1$""",
    "sigmoid": r"""sigmoid / logistic (시그모이드): $\sigma(z) = \frac{1}{1+e^{-z}},\quad
\sigma'(z) = \sigma(z)\,(1-\sigma(z)) \le \tfrac14$ — saturates (→ 0 gradient) for large |z|""",
    "tanh": r"""tanh (하이퍼볼릭 탄젠트): $\tanh z,\quad \tanh'(z) = 1 - \tanh^2 z \le 1$
— saturates for large |z|""",
    "relu": r"""ReLU: $\max(0, z),\quad \varphi'(z) = \mathbb 1[z>0]$ — a unit whose z stays
negative gets no gradient (a *dead* ReLU)""",
    "leaky_relu": r"""leaky ReLU: $\max(\alpha z, z),\quad \varphi'(z) = 1 \text{ if } z>0
\text{ else } \alpha$ (α = 0.2 for the string "leaky_relu")""",
    "elu": r"""ELU: $z \text{ if } z>0 \text{ else } \alpha(e^{z}-1),\quad
\varphi'(z) = 1 \text{ if } z>0 \text{ else } \varphi(z) + \alpha$""",
    "selu": r"""SELU: $\lambda\,\mathrm{ELU}_{\alpha}(z)$ with $\lambda \approx 1.0507,
\alpha \approx 1.6733$;
$\varphi'(z) = \lambda \text{ if } z>0 \text{ else } \varphi(z)+\lambda\alpha$
— self-normalizing with lecun_normal init and plain dense layers""",
    "softplus": r"""softplus: $\log(1+e^{z}),\quad \varphi'(z) = \sigma(z)$""",
    "softmax": r"""softmax: $p_k = \frac{e^{z_k}}{\sum_j e^{z_j}},\quad
\frac{\partial p}{\partial z} = \mathrm{diag}(p) - p\,p^\top$""",
    "gelu": r"""GELU (Keras default approximate=False): $z\,\Phi(z) =
\tfrac12 z\,(1 + \mathrm{erf}(z/\sqrt2)),\quad
\varphi'(z) = \Phi(z) + z\,\frac{e^{-z^2/2}}{\sqrt{2\pi}}$ — Φ the standard normal CDF;
φ' is computed from z""",
    "gelu_approximate": r"""GELU, tanh form (approximate=True): $\tfrac12 z\,(1 + u),\
u = \tanh\big(\sqrt{2/\pi}\,(z + 0.044715\,z^3)\big),\quad
\varphi'(z) = \tfrac12(1+u) + \tfrac12 z\,(1-u^2)\sqrt{2/\pi}\,(1 + 3\cdot0.044715\,z^2)$
— φ' is computed from z""",
    "swish": r"""Swish / SiLU: $z\,\sigma(z),\quad
\varphi'(z) = \sigma(z)\,\big(1 + z\,(1-\sigma(z))\big)$ — φ' is computed from z""",
    "mish": r"""Mish: $z\tanh(\mathrm{softplus}(z)),\quad
\varphi'(z) = t + z\,\sigma(z)\,(1-t^2),\ t = \tanh(\mathrm{softplus}(z))$
— φ' is computed from z""",
}

LOSSES: dict[str, str] = {
    "MeanSquaredError": r"""**MeanSquaredError** (평균 제곱 오차)
- value: $\ell = \frac1d\sum_k (\hat y_k - y_k)^2$, averaged over the batch
- gradient: $\frac{\partial \ell}{\partial \hat y} = \frac{2}{d}(\hat y - y)$""",
    "MeanAbsoluteError": r"""**MeanAbsoluteError**
- value: $\ell = \frac1d\sum_k |\hat y_k - y_k|$
- gradient: $\frac{\partial \ell}{\partial \hat y} = \frac1d\,\mathrm{sign}(\hat y - y)$""",
    "MeanAbsolutePercentageError": r"""**MeanAbsolutePercentageError**
- value: $\ell = \frac{100}{d}\sum_k \frac{|y_k-\hat y_k|}{\max(|y_k|, \varepsilon)}$
- gradient: $\frac{\partial \ell}{\partial \hat y} = \frac{100}{d}\,
  \frac{\mathrm{sign}(\hat y - y)}{\max(|y|,\varepsilon)}$""",
    "MeanSquaredLogarithmicError": r"""**MeanSquaredLogarithmicError**
- value: $\ell = \frac1d\sum_k (\log(1+\hat y_k) - \log(1+y_k))^2$
- gradient: $\frac{\partial \ell}{\partial \hat y} = \frac{2}{d}\,
  \frac{\log(1+\hat y) - \log(1+y)}{1+\hat y}$""",
    "Huber": r"""**Huber** (δ = 1), e = ŷ − y
- value: $\ell = \frac1d\sum_k \big(\tfrac12 e_k^2 \text{ if } |e_k|\le\delta
  \text{ else } \delta|e_k| - \tfrac12\delta^2\big)$
- gradient: $\frac{\partial \ell}{\partial \hat y} = \frac1d\,\mathrm{clip}(e, -\delta, \delta)$""",
    "Poisson": r"""**Poisson**
- value: $\ell = \frac1d\sum_k \hat y_k - y_k\log(\hat y_k+\varepsilon)$
- gradient: $\frac{\partial \ell}{\partial \hat y} =
  \frac1d\big(1 - \frac{y}{\hat y+\varepsilon}\big)$""",
    "BinaryCrossentropy": r"""**BinaryCrossentropy** (이진 크로스 엔트로피),
  p = ŷ clipped to [ε, 1−ε]
- value: $\ell = -\frac1d\sum_k y_k\log p_k + (1-y_k)\log(1-p_k)$
- gradient: $\frac{\partial \ell}{\partial p} = \frac1d\,\frac{p-y}{p(1-p)}$; fused with a
  sigmoid output: $\frac{\partial \ell}{\partial z} = \frac1d(p - y)$""",
    "CategoricalCrossentropy": r"""**CategoricalCrossentropy** (크로스 엔트로피), one-hot y
- value: $\ell = -\sum_k y_k \log p_k$
- gradient: $\frac{\partial \ell}{\partial p_k} = -y_k/p_k$; fused with a softmax output:
  $\frac{\partial \ell}{\partial z} = p - y$""",
    "SparseCategoricalCrossentropy": r"""**SparseCategoricalCrossentropy**, integer label y
- value: $\ell = -\log p_y$
- gradient: fused with a softmax output,
  $\frac{\partial \ell}{\partial z_k} = p_k - \mathbb 1[k=y]$""",
}

OPTIMIZERS: dict[str, str] = {
    "SGD": r"""**SGD** — (stochastic) gradient descent (경사 하강법), η = 0.01
- plain: $\theta \leftarrow \theta - \eta\,g$
- momentum β (모멘텀 최적화): $m \leftarrow \beta m - \eta g,\quad \theta \leftarrow \theta + m$
- Nesterov (네스테로프 가속 경사): $m \leftarrow \beta m - \eta g,\quad
  \theta \leftarrow \theta + \beta m - \eta g$""",
    "Adagrad": r"""**Adagrad** (AdaGrad), η = 0.001, s₀ = 0.1
- $s \leftarrow s + g \otimes g,\quad
  \theta \leftarrow \theta - \eta\, g \oslash \sqrt{s + \varepsilon}$""",
    "RMSprop": r"""**RMSprop** (RMSProp), η = 0.001, ρ = 0.9
- $s \leftarrow \rho s + (1-\rho)\, g \otimes g,\quad
  \theta \leftarrow \theta - \eta\, g \oslash \sqrt{s + \varepsilon}$""",
    "Adam": r"""**Adam**, η = 0.001, β₁ = 0.9, β₂ = 0.999, ε = 1e-7
- $m \leftarrow \beta_1 m + (1-\beta_1) g,\quad s \leftarrow \beta_2 s + (1-\beta_2)\, g\otimes g$
- $\hat m = \frac{m}{1-\beta_1^t},\quad \hat s = \frac{s}{1-\beta_2^t},\quad
  \theta \leftarrow \theta - \eta\, \hat m \oslash (\sqrt{\hat s} + \varepsilon)$""",
    "AdamW": r"""**AdamW** — Adam with decoupled weight decay λ
- Adam's step, then $\theta \leftarrow \theta - \eta\lambda\theta$""",
    "Adamax": r"""**Adamax**, η = 0.001
- $m \leftarrow \beta_1 m + (1-\beta_1) g,\quad u \leftarrow \max(\beta_2 u, |g|)$
- $\theta \leftarrow \theta - \frac{\eta}{1-\beta_1^t}\, m \oslash (u + \varepsilon)$""",
    "Nadam": r"""**Nadam** — Adam with Nesterov momentum, η = 0.001
- as Adam, but the step uses $\hat m = \frac{\beta_1 m}{1-\beta_1^{t+1}} +
  \frac{(1-\beta_1) g}{1-\beta_1^{t}}$""",
}

#: looked up in this order for classes that are not activations
_TABLES = (LAYERS, LOSSES, OPTIMIZERS)


def _activation_text(activation) -> str:
    name = getattr(activation, "__name__", "")
    kernel = getattr(activation, "kernel", name)  # gelu's tanh form: "gelu_approximate"
    return (ACTIVATIONS.get(kernel) or ACTIVATIONS.get(name)
            or getattr(activation, "equation", "") or "")


def _class_text(cls: type) -> str:
    for klass in cls.__mro__:
        if klass.__name__ in ("Layer", "Loss", "Optimizer", "object"):
            break
        for table in _TABLES:
            if klass.__name__ in table:
                return table[klass.__name__]
    return _docstring_text(cls)


def _docstring_text(cls: type) -> str:
    """Fallback for an nnlite class without an entry: its module docstring (which
    states the equations, by the project's rule)."""
    module = sys.modules.get(cls.__module__)
    if not cls.__module__.startswith("nnlite.") or module is None or not module.__doc__:
        return ""
    return f"**{cls.__name__}**\n{inspect.cleandoc(module.__doc__)}"


def equations_for(obj) -> str:
    """Markdown/LaTeX equations of a layer, activation, loss or optimizer (or its class).

    A layer with an ``activation`` other than linear gets the activation's
    equations appended, so ``Dense(10, activation="relu").equations`` says
    what φ and φ' are.
    """
    if hasattr(obj, "uses_kernel") and not isinstance(obj, type):  # an activation
        return _activation_text(obj)
    cls = obj if isinstance(obj, type) else type(obj)
    text = _class_text(cls)
    activation = None if isinstance(obj, type) else getattr(obj, "activation", None)
    if text and activation is not None and getattr(activation, "__name__", "") != "linear":
        extra = _activation_text(activation)
        if extra:
            text = f"{text}\n- with φ = {extra}"
    return text


class Equations:
    """Descriptor: ``Class.equations`` and ``instance.equations`` read from this module.

    A subclass may still define ``equations = "..."`` itself; that text wins.
    """

    def __get__(self, obj, owner=None) -> str:
        return equations_for(owner if obj is None else obj)
