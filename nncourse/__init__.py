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
- `explain`: a forward and backward pass written out term by term with the real numbers
- `plots`: the course's figures; `widgets`: its interactive apps; `quiz`: self-test questions
- `grading`: exercise checks and the grader (`nncourse release`, `nncourse grade`)
"""

__version__ = "0.1.0"

from nncourse.errors import CourseError  # noqa: E402
from nncourse.layers import Dense, Neuron  # noqa: E402
from nncourse.network import Sequential, mlp  # noqa: E402
from nncourse.training import History, fit  # noqa: E402

__all__ = ["CourseError", "Dense", "Neuron", "Sequential", "mlp", "fit", "History", "__version__"]
