"""Figures of the course, drawn with matplotlib alone.

Every `plot_…` function returns a Figure and accepts an Axes (`ax=`) to draw into. A `draw_…`
function returns the figure's artists, drawn from the model as it is: after more training, draw
again. Only the live training curves move in place during `fit` (`TrainingCurves.update`). The
widgets draw their own pictures on a kept background (`nncourse.widgets.base`), with this
package's style and number formatter.

- `activation_curves`: activations and their derivatives side by side
- `network_diagram`: neurons and weighted connections, with z and a of a forward pass
- `decision_boundary`: what a model predicts over the plane (output or one hidden neuron)
- `loss_landscape`: the loss over two parameters, contour or 3-D, with an optimiser's path
- `training_curves`: loss and accuracy per epoch, also live during `fit`
- `histograms`: activations and gradients per layer (saturation, dead ReLUs)
- `style`: palettes, line styles and font sizes shared by all figures
- `numbers`: how a number is written in a figure or a readout
- `describe`: a text alternative for every figure, generated from what it plots (a notebook stores
  it as the figure's plain-text form once `nncourse.plots` is imported)
"""

from nncourse.plots.activation_curves import (
    ActivationCurves, draw_activation_curves, plot_activation, plot_activation_curves,
)
from nncourse.plots.decision_boundary import (
    DecisionBoundary, draw_decision_boundary, plot_decision_boundary,
)
from nncourse.plots.loss_landscape import (
    DescentPath, LossLandscape, LossSurface, ParameterRecorder, TwoParameterFunction, descent_path,
    draw_loss_landscape, learning_rate_paths, loss_surface, neuron_regression_loss,
    plot_loss_landscape, quadratic_bowl, random_directions,
)
from nncourse.plots.describe import describe_figure, register_text_alternative
from nncourse.plots.histograms import plot_layer_histograms
from nncourse.plots.network_diagram import NetworkDiagram, draw_network, plot_network
from nncourse.plots.training_curves import (
    LiveTrainingCurves, TrainingCurves, draw_training_curves, plot_training_curves,
)

__all__ = [
    "ActivationCurves", "draw_activation_curves", "plot_activation", "plot_activation_curves",
    "DecisionBoundary", "draw_decision_boundary", "plot_decision_boundary",
    "DescentPath", "LossLandscape", "LossSurface", "ParameterRecorder",
    "TwoParameterFunction", "descent_path", "draw_loss_landscape", "loss_surface",
    "neuron_regression_loss", "plot_loss_landscape", "quadratic_bowl", "random_directions",
    "learning_rate_paths", "NetworkDiagram", "draw_network", "plot_network",
    "LiveTrainingCurves", "TrainingCurves", "draw_training_curves", "plot_training_curves",
    "plot_layer_histograms", "describe_figure",
]

register_text_alternative()
