"""nncourse: a small, readable numpy engine for learning how neural networks work.

The pieces, one idea per module:

- `activations`: sigmoid, tanh, ReLU, … each with its derivative
- `losses`: MSE, cross-entropies, hinge, KL divergence, each with its gradient
- `layers`: `Neuron` and `Dense` (forward next to backward)
- `network`: `Sequential`, `mlp`, and the trace of every intermediate value
- `optim`: SGD, momentum, RMSProp, Adam
- `init`: how weights start
- `training`: the loop (`fit`)
- `gradcheck`: numerical gradients to check backprop
- `data`: toy data sets made with numpy
- `examples`: the worked networks of the course
- `value`: a scalar `Value` that records its computational graph, for backprop by hand
- `registry`: names to objects ("relu", "ce", "adam", "he"), with aliases and "did you mean"
- `explain`: a forward and backward pass written out term by term with the real numbers
- `plots`: the course's figures; `widgets`: its interactive apps; `quiz`: self-test questions
- `grading`: exercise checks and the grader (`nncourse release`, `nncourse grade`)
"""

__version__ = "0.1.0"

from nncourse import (  # noqa: E402
    activations, data, examples, gradcheck, init, layers, losses, network, optim, training, value,
)
from nncourse.activations import get_activation  # noqa: E402
from nncourse.errors import CourseError  # noqa: E402
from nncourse.init import get_initializer  # noqa: E402
from nncourse.layers import Dense, Neuron  # noqa: E402
from nncourse.losses import (  # noqa: E402
    BinaryCrossEntropy, CategoricalCrossEntropy, HalfSquaredError, Hinge, KLDivergence,
    MeanSquaredError, get_loss,
)
from nncourse.network import Sequential, mlp  # noqa: E402
from nncourse.optim import SGD, Adam, Momentum, RMSProp, get_optimizer  # noqa: E402
from nncourse.training import History, accuracy, fit  # noqa: E402
from nncourse.value import Value  # noqa: E402

__all__ = [
    "__version__", "CourseError",
    # the engine's modules
    "activations", "data", "examples", "gradcheck", "init", "layers", "losses", "network", "optim",
    "training", "value",
    # building and training a network
    "Dense", "Neuron", "Sequential", "mlp", "fit", "History", "accuracy",
    # losses and optimisers
    "MeanSquaredError", "HalfSquaredError", "BinaryCrossEntropy", "CategoricalCrossEntropy",
    "Hinge", "KLDivergence", "SGD", "Momentum", "RMSProp", "Adam",
    # names to objects, through the one registry of each kind
    "get_activation", "get_loss", "get_optimizer", "get_initializer",
    # backprop by hand
    "Value",
]
