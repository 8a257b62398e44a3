"""Interactive apps for the lessons, each one call in a notebook cell.

- `neuron_explorer`: one neuron with sliders for its inputs, weights and bias
- `activation_explorer`: activation functions and their derivatives at a chosen input
- `loss_explorer`: a prediction against a target, every loss and its gradient
- `descent_explorer`: gradient descent on a loss landscape, step by step
- `training_playground`: train a small network on 2-D data and watch it learn
- `sgd_stepper`: one SGD step on a small network, every number, one click at a time
- `depth_explorer`: activation spread and gradient size through a deep stack of layers

Each returns an app object: the last line of a cell shows it; `app.state` reads its controls and
`app.set_state(...)` sets them; `hide=`/`show=` choose which controls are displayed.
"""

from nncourse.widgets.activation import ActivationExplorer, activation_explorer
from nncourse.widgets.depth import DepthExplorer, depth_explorer
from nncourse.widgets.descent import DescentExplorer, descent_explorer
from nncourse.widgets.loss import BinaryLossExplorer, MulticlassLossExplorer, loss_explorer
from nncourse.widgets.neuron import NeuronExplorer, neuron_explorer
from nncourse.widgets.playground import TrainingPlayground, training_playground
from nncourse.widgets.stepper import SGDStepper, sgd_stepper

__all__ = [
    "neuron_explorer", "activation_explorer", "loss_explorer", "descent_explorer",
    "training_playground", "sgd_stepper", "depth_explorer", "NeuronExplorer",
    "ActivationExplorer", "BinaryLossExplorer", "MulticlassLossExplorer", "DescentExplorer",
    "TrainingPlayground", "SGDStepper", "DepthExplorer",
]
