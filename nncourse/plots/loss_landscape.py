"""The loss as a landscape over two parameters, and the path an optimiser takes across it.

Training changes many weights at once, but we can only look at two at a time. We pick two
directions in parameter space, d₁ and d₂, and evaluate the loss on a grid of points

    θ(α, β) = θ₀ + α·d₁ + β·d₂

around the current weights θ₀. Choosing d₁ and d₂ as "one weight only" gives the loss as a function
of two chosen weights (the others held fixed); choosing random directions gives a picture of the
whole landscape (`random_directions`).

Every grid point is a different network, and all of them are evaluated at once: the weight arrays
get an extra leading axis of length G (the number of grid points), and the forward pass runs on
stacks of matrices, (G, n, inputs) @ (G, inputs, neurons), with the engine's own activations. A
201 × 201 grid of a small network takes milliseconds, not the seconds of a Python loop over 40 401
networks. Large grids are cut into chunks so that memory stays small.

A plain function of two parameters (a quadratic bowl, or the loss of a one-neuron regression as a
function of w and b) can be drawn the same way; `descent_path` runs an optimiser of
`nncourse.optim` on it and records where it goes, stopping cleanly when it diverges.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from nncourse.activations import log_softmax
from nncourse.errors import CourseError
from nncourse.losses import (
    EPS, BinaryCrossEntropy, CategoricalCrossEntropy, HalfSquaredError, Hinge, MeanSquaredError,
    get_loss,
)
from nncourse.network import Sequential
from nncourse.optim import get_optimizer
from nncourse.plots.numbers import format_number
from nncourse.plots.style import (
    SEQUENTIAL_CMAP, figure_and_axes, series_style, styled,
)

# Largest number of floats a chunk of batched weights or activations may hold (about 64 MB).
CHUNK_FLOATS = 8_000_000


# ---------------------------------------------------------------- functions of two parameters

@dataclass
class TwoParameterFunction:
    """A loss L(p₁, p₂) with its gradient, both working on whole arrays of points at once.

    value(p1, p2) -> array of losses;  gradient(p1, p2) -> (∂L/∂p₁, ∂L/∂p₂).
    """

    value: object
    gradient: object
    names: tuple = ("p₁", "p₂")
    name: str = "loss"
    minimum: tuple | None = None

    def __call__(self, p1, p2):
        return self.value(p1, p2)


def quadratic_bowl(a: float = 1.0, b: float = 1.0, center=(0.0, 0.0)) -> TwoParameterFunction:
    """L = ½·(a·(p₁ − c₁)² + b·(p₂ − c₂)²); ∇L = (a·(p₁ − c₁), b·(p₂ − c₂)).

    Gradient descent with learning rate η converges when η < 2 / max(a, b) and diverges above it;
    a ≠ b makes an elongated valley where a too-large step zig-zags.
    """
    a, b = float(a), float(b)
    c1, c2 = (float(c) for c in center)

    def value(p1, p2):
        return 0.5 * (a * (np.asarray(p1) - c1) ** 2 + b * (np.asarray(p2) - c2) ** 2)

    def gradient(p1, p2):
        return a * (np.asarray(p1) - c1), b * (np.asarray(p2) - c2)

    return TwoParameterFunction(value, gradient, ("p₁", "p₂"),
                                f"quadratic bowl ½({format_number(a)}·p₁² + "
                                f"{format_number(b)}·p₂²)",
                                (c1, c2))


def neuron_regression_loss(x, y) -> TwoParameterFunction:
    """The mean squared error of one linear neuron ŷ = w·x + b on data (x, y), as a function of
    (w, b).

    L(w, b) = mean((w·x + b − y)²)
            = w²·mean(x²) + 2·w·b·mean(x) + b² − 2·w·mean(x·y) − 2·b·mean(y) + mean(y²)
    ∂L/∂w = 2·mean((w·x + b − y)·x),   ∂L/∂b = 2·mean(w·x + b − y).

    The expanded form needs only six averages, so any grid of (w, b) is evaluated in one go.
    """
    x = np.asarray(x, dtype=float).reshape(-1)
    y = np.asarray(y, dtype=float).reshape(-1)
    if x.shape != y.shape or x.size == 0:
        raise CourseError("x and y must be two equally long lists of numbers; "
                          f"got {x.size} and {y.size}.")
    mx, my, mxx, mxy, myy = x.mean(), y.mean(), (x * x).mean(), (x * y).mean(), (y * y).mean()

    def value(w, b):
        w, b = np.asarray(w, dtype=float), np.asarray(b, dtype=float)
        return w * w * mxx + 2 * w * b * mx + b * b - 2 * w * mxy - 2 * b * my + myy

    def gradient(w, b):
        w, b = np.asarray(w, dtype=float), np.asarray(b, dtype=float)
        return 2 * (w * mxx + b * mx - mxy), 2 * (w * mx + b - my)

    A = np.array([[mxx, mx], [mx, 1.0]])
    best = tuple(np.linalg.solve(A, [mxy, my])) if abs(np.linalg.det(A)) > 1e-12 else None
    return TwoParameterFunction(value, gradient, ("weight w", "bias b"),
                                "mean squared error of ŷ = w·x + b", best)


# ---------------------------------------------------------------- grids

@dataclass
class LossSurface:
    """A loss evaluated on a grid: `p1`, `p2`, `loss` are arrays of one shape (rows follow p2).

    `evaluate(p1, p2)` gives the loss at any other points (e.g. along a path); `center` is where
    the network's weights are (None for a plain function). Unpacks as `p1, p2, loss = surface`.
    """

    p1: np.ndarray
    p2: np.ndarray
    loss: np.ndarray
    p1_label: str
    p2_label: str
    title: str
    evaluate: object = field(repr=False)
    center: tuple | None = None

    def __iter__(self):
        return iter((self.p1, self.p2, self.loss))

    @property
    def p1_range(self):
        return float(self.p1[0, 0]), float(self.p1[0, -1])

    @property
    def p2_range(self):
        return float(self.p2[0, 0]), float(self.p2[-1, 0])


def function_surface(function, p1_range=(-2.0, 2.0), p2_range=(-2.0, 2.0),
                     resolution: int = 201) -> LossSurface:
    """A plain function of two parameters evaluated on a resolution × resolution grid, at once."""
    if not isinstance(function, TwoParameterFunction):
        function = TwoParameterFunction(function, None)
    P1, P2 = np.meshgrid(np.linspace(*map(float, p1_range), int(resolution)),
                         np.linspace(*map(float, p2_range), int(resolution)))
    L = np.asarray(function(P1, P2), dtype=float)
    if L.shape != P1.shape:
        raise CourseError("The loss function must accept arrays of p₁ and p₂ and return an array "
                          f"of the same shape; it returned shape {L.shape} "
                          f"for a grid of shape {P1.shape}.")
    return LossSurface(P1, P2, L, function.names[0], function.names[1],
                       f"Loss landscape: {function.name}",
                       lambda a, b: np.asarray(function(a, b), dtype=float), None)


_PARAM_SPEC = re.compile(r"^\s*([\w-]+)\.(W|b)\s*\[([\d\s,]+)\]\s*$")


def parameter_direction(net: Sequential, spec):
    """A direction that moves one weight only, from "dense1.W[0, 1]" or ("dense1.W", (0, 1)).

    Returns (direction as a list of arrays like net.parameters(), label, current value).
    """
    if isinstance(spec, str):
        match = _PARAM_SPEC.match(spec)
        if not match:
            raise CourseError("Name a weight like 'dense1.W[0, 1]' or 'dense1.b[0]'; "
                              f"got {spec!r}.")
        name = f"{match.group(1)}.{match.group(2)}"
        index = tuple(int(i) for i in match.group(3).split(",") if i.strip())
    else:
        name, index = spec
        index = tuple(np.atleast_1d(index).astype(int))
    names = [n for n, _ in net.named_parameters()]
    if name not in names:
        raise CourseError(f"No parameter named {name!r}; the parameters are {names}.")
    k = names.index(name)
    array = net.parameters()[k]
    if len(index) != array.ndim or any(not 0 <= i < s for i, s in zip(index, array.shape)):
        raise CourseError(f"{name} has shape {array.shape}; the index {list(index)} is outside it.")
    direction = [np.zeros_like(p) for p in net.parameters()]
    direction[k][index] = 1.0
    label = f"{name}[{', '.join(map(str, index))}]"
    return direction, label, float(array[index])


def random_directions(net: Sequential, seed=0):
    """Two random directions, each array scaled to the norm of the weights it moves.

    Scaling per array ("filter normalisation") makes a step of 1 along a direction change every
    layer by about as much as its weights are large, so landscapes of different networks compare.
    """
    rng = np.random.default_rng(seed)
    pair = []
    for _ in range(2):
        direction = []
        for p in net.parameters():
            d = rng.standard_normal(p.shape)
            scale = np.linalg.norm(p)
            direction.append(d * (scale / np.linalg.norm(d)) if scale > 0 else d * 0.0)
        pair.append(direction)
    return tuple(pair)


def as_direction(net, direction):
    """A direction as a list of arrays shaped like net.parameters() (a flat vector is split)."""
    shapes = [p.shape for p in net.parameters()]
    if isinstance(direction, np.ndarray) and direction.ndim == 1:
        if direction.size != net.n_params:
            raise CourseError(f"A flat direction needs {net.n_params} numbers (one per parameter); "
                              f"got {direction.size}.")
        sizes = np.cumsum([int(np.prod(s)) for s in shapes])[:-1]
        return [part.reshape(s)
                for part, s in zip(np.split(direction.astype(float), sizes), shapes)]
    direction = [np.asarray(d, dtype=float) for d in direction]
    if [d.shape for d in direction] != shapes:
        raise CourseError(f"A direction needs one array per parameter with shapes {shapes}; "
                          f"got {[d.shape for d in direction]}.")
    return direction


def matmul_rows(A, W):
    """A @ W for A of shape (n, in) or (G, n, in): every row times W, in one einsum.

    (einsum rather than the BLAS product: for these tall, thin matrices it is as fast and does not
    depend on how many threads the BLAS library starts.)
    """
    return np.einsum("...i,io->...o", A, W)


def batched_forward(net: Sequential, X, theta0, d1, d2, alpha, beta):
    """The network's outputs at θ₀ + α·d₁ + β·d₂ for G pairs (α, β) at once: shape (G, n, outputs).

    A layer's weighted sum is linear in its weights, so with
    W = W₀ + α·U + β·V and b = b₀ + α·u + β·v

        Z = A @ W + b = (A @ W₀ + b₀) + α·(A @ U + u) + β·(A @ V + v),

    three ordinary matrix products shared by all grid points instead of G small ones. From the
    first layer that moves on, A carries the grid axis: (G, n, inputs). Each layer's own activation
    is applied to the stack.
    """
    a = alpha.reshape(-1, 1, 1)
    b = beta.reshape(-1, 1, 1)
    A = X
    for k, layer in enumerate(net.layers):
        W0, b0 = theta0[2 * k], theta0[2 * k + 1]
        U, u, V, v = d1[2 * k], d1[2 * k + 1], d2[2 * k], d2[2 * k + 1]
        Z = matmul_rows(A, W0) + b0
        for step, (M, m) in ((a, (U, u)), (b, (V, v))):
            if np.any(M):
                Z = Z + step * (matmul_rows(A, M) + m)
            elif np.any(m):
                Z = Z + step * m
        A = layer.activation.forward(Z)
    if A.ndim == 2:
        A = np.broadcast_to(A, (alpha.size,) + A.shape)
    return A


def batched_loss(loss, outputs, targets):
    """The loss of each of G output stacks (G, n, k) against one target matrix (n, k): shape (G,).

    The same formulas as `nncourse.losses`, averaged per grid point instead of over everything.
    Any other loss is evaluated one grid point at a time with its own `value`.
    """
    n = targets.shape[0]
    if isinstance(loss, MeanSquaredError):
        return np.mean((outputs - targets) ** 2, axis=(1, 2))
    if isinstance(loss, HalfSquaredError):
        return 0.5 * np.sum((targets - outputs) ** 2, axis=(1, 2)) / n
    if isinstance(loss, BinaryCrossEntropy):
        if loss.from_logits:
            s = outputs
            return np.mean(np.maximum(s, 0) - s * targets + np.log1p(np.exp(-np.abs(s))),
                           axis=(1, 2))
        p = np.clip(outputs, EPS, 1 - EPS)
        return -np.mean(targets * np.log(p) + (1 - targets) * np.log(1 - p), axis=(1, 2))
    if isinstance(loss, CategoricalCrossEntropy):
        log_p = log_softmax(outputs) if loss.from_logits else np.log(np.clip(outputs, EPS, 1.0))
        return -np.sum(targets * log_p, axis=(1, 2)) / n
    if isinstance(loss, Hinge):
        return np.mean(np.maximum(0.0, 1.0 - targets * outputs), axis=(1, 2))
    return np.array([loss.value(out, targets) for out in outputs])


def network_losses(net, X, targets, loss, theta0, d1, d2, alpha, beta):
    """The loss at θ₀ + α·d₁ + β·d₂ for flat arrays α, β, evaluated in chunks of grid points."""
    widest = max([X.shape[1]] + [layer.n_neurons for layer in net.layers])
    chunk = max(1, CHUNK_FLOATS // (4 * X.shape[0] * widest))
    result = np.empty(alpha.size)
    for start in range(0, alpha.size, chunk):
        part = slice(start, start + chunk)
        outputs = batched_forward(net, X, theta0, d1, d2, alpha[part], beta[part])
        result[part] = batched_loss(loss, outputs, targets)
    return result


def network_surface(net: Sequential, X, y, loss, *, params=None, directions=None, p1_range=None,
                    p2_range=None, resolution: int = 101, seed=0) -> LossSurface:
    """The loss of `net` on (X, y) over two parameters or two directions, all grid points at once.

    params: two weights, e.g. ("dense1.W[0, 0]", "dense2.b[0]"); the axes show their values.
    directions: two directions (lists of arrays like net.parameters(), or flat vectors); the axes
        show the steps α, β along them. Neither given: two random directions
        (`random_directions`).
    The network's own weights are not changed.
    """
    loss = get_loss(loss)
    X = net.layers[0].check_input(X)
    X = X[None, :] if X.ndim == 1 else X
    targets = net.targets_for(y, np.empty((X.shape[0], net.n_outputs)))
    theta0 = [p.copy() for p in net.parameters()]
    if params is not None and directions is not None:
        raise CourseError("Give either two params or two directions, not both.")
    if params is not None:
        if len(params) != 2:
            raise CourseError(f"Give exactly two parameters to vary; got {len(params)}.")
        (d1, label1, v1), (d2, label2, v2) = (parameter_direction(net, s) for s in params)
        if label1 == label2:
            raise CourseError(f"The two parameters must differ; both are {label1}.")
        center = (v1, v2)
        p1_range = p1_range or (v1 - 2.0, v1 + 2.0)
        p2_range = p2_range or (v2 - 2.0, v2 + 2.0)
        offsets = center
        title = f"Loss of {net.name} over {label1} and {label2}\n(all other weights fixed)"
    else:
        if directions is None:
            directions = random_directions(net, seed)
        if len(directions) != 2:
            raise CourseError(f"Give exactly two directions; got {len(directions)}.")
        d1, d2 = (as_direction(net, d) for d in directions)
        label1, label2 = "step α along direction d₁", "step β along direction d₂"
        center, offsets = (0.0, 0.0), (0.0, 0.0)
        p1_range, p2_range = p1_range or (-1.0, 1.0), p2_range or (-1.0, 1.0)
        title = f"Loss of {net.name} around its weights\nθ₀ + α·d₁ + β·d₂"

    def evaluate(q1, q2):
        q1, q2 = np.broadcast_arrays(np.asarray(q1, dtype=float), np.asarray(q2, dtype=float))
        values = network_losses(net, X, targets, loss, theta0, d1, d2,
                                q1.ravel() - offsets[0], q2.ravel() - offsets[1])
        return values.reshape(q1.shape)

    P1, P2 = np.meshgrid(np.linspace(*map(float, p1_range), int(resolution)),
                         np.linspace(*map(float, p2_range), int(resolution)))
    return LossSurface(P1, P2, evaluate(P1, P2), label1, label2, title, evaluate, center)


def loss_surface(target, X=None, y=None, loss=None, *, params=None, directions=None, p1_range=None,
                 p2_range=None, resolution: int | None = None, seed=0) -> LossSurface:
    """A LossSurface of a network (give X, y, loss and params or directions) or of a function of two
    parameters (a TwoParameterFunction or any f(p1, p2) that works on arrays).

    resolution: grid points per side; by default 201 for a function and 101 for a network (whose
    cost grows with the number of samples: 101² networks × n samples are evaluated).
    """
    if isinstance(target, Sequential):
        if X is None or y is None or loss is None:
            raise CourseError("The loss landscape of a network needs its data X, "
                              "targets y and a loss.")
        return network_surface(target, X, y, loss, params=params, directions=directions,
                               p1_range=p1_range, p2_range=p2_range, resolution=resolution or 101,
                               seed=seed)
    if not callable(target):
        raise CourseError("loss_surface needs a network or a function of two parameters.")
    if X is not None or y is not None or loss is not None:
        raise CourseError("A function of two parameters takes no data: give its window as "
                          "p1_range=(low, high), p2_range=(low, high).")
    return function_surface(target, p1_range or (-2.0, 2.0), p2_range or (-2.0, 2.0),
                            resolution or 201)


# ---------------------------------------------------------------- paths

@dataclass
class DescentPath:
    """Where an optimiser went: `points` (k, 2), `losses` (k,), and why it stopped.

    status: "finished" (all steps done), "left the box" (diverging: the last point is outside the
    bounds) or "not finite" (the numbers overflowed; those points are left out).
    """

    points: np.ndarray
    losses: np.ndarray
    status: str
    label: str

    @property
    def diverged(self) -> bool:
        return self.status != "finished"

    def __len__(self):
        return len(self.points)


def descent_path(function: TwoParameterFunction, start, *, optimizer="sgd", lr: float = 0.1,
                 steps: int = 50, bounds=None) -> DescentPath:
    """Run an optimiser of nncourse.optim on a function of two parameters; returns its DescentPath.

    Each step: g = ∇L(p); optimizer.step([p], [g]) (for SGD: p ← p − η·g).
    bounds: ((p1_min, p1_max), (p2_min, p2_max)); the path stops at the first point outside them
    (default: 10⁶ around the start). A path whose numbers overflow stops before the first
    non-finite point, without a numpy warning.
    """
    if function.gradient is None:
        raise CourseError("descent_path needs the function's gradient (a TwoParameterFunction).")
    opt = get_optimizer(optimizer, lr)
    p = np.array(start, dtype=float).reshape(2)
    if bounds is None:
        bounds = ((p[0] - 1e6, p[0] + 1e6), (p[1] - 1e6, p[1] + 1e6))
    low = np.array([bounds[0][0], bounds[1][0]], dtype=float)
    high = np.array([bounds[0][1], bounds[1][1]], dtype=float)
    label = f"{opt.name} η = {format_number(opt.lr, 4)}"
    points, losses = [p.copy()], [float(function(p[0], p[1]))]
    status = "finished"
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for _ in range(int(steps)):
            grad = np.array(function.gradient(p[0], p[1]), dtype=float)
            if not np.all(np.isfinite(grad)):
                status = "not finite"
                break
            opt.step([p], [grad])
            value = float(function(p[0], p[1]))
            if not (np.all(np.isfinite(p)) and np.isfinite(value)):
                status = "not finite"
                break
            points.append(p.copy())
            losses.append(value)
            if np.any(p < low) or np.any(p > high):
                status = "left the box"
                break
    if status != "finished":
        label += " (diverges)"
    return DescentPath(np.array(points), np.array(losses), status, label)


def learning_rate_paths(function: TwoParameterFunction, start, learning_rates=(0.02, 0.15, 0.21), *,
                        optimizer="sgd", steps: int = 50, bounds=None) -> list:
    """One DescentPath per learning rate from the same start: too small, good and too large side by
    side (the defaults suit `quadratic_bowl(1, 10)`, which diverges for η > 0.2)."""
    return [descent_path(function, start, optimizer=optimizer, lr=lr, steps=steps, bounds=bounds)
            for lr in learning_rates]


class ParameterRecorder:
    """A training callback that records the two landscape coordinates after every epoch.

    Give the same `params` (two weight names) or `directions` as the surface. For directions, the
    coordinates are the least-squares (α, β) with θ − θ₀ ≈ α·d₁ + β·d₂ (the path projected onto the
    landscape's plane). `recorder.path()` returns a (k, 2) array, starting at the weights before
    training. Use: fit(net, X, y, ..., callbacks=[recorder]).
    """

    def __init__(self, net: Sequential, *, params=None, directions=None):
        self.net = net
        self.theta0 = [p.copy() for p in net.parameters()]
        if params is not None:
            self.picks = [parameter_direction(net, s) for s in params]
            self.basis = None
        else:
            if directions is None:
                raise CourseError("ParameterRecorder needs the params "
                                  "or the directions of the landscape.")
            d1, d2 = (as_direction(net, d) for d in directions)
            self.basis = np.column_stack([np.concatenate([a.ravel() for a in d]) for d in (d1, d2)])
        self.points = [self.coordinates()]

    def coordinates(self):
        if self.basis is None:
            return [float(sum(np.sum(d * p) for d, p in zip(direction, self.net.parameters())))
                    for direction, _, _ in self.picks]
        moved = np.concatenate([(p - p0).ravel()
                                for p, p0 in zip(self.net.parameters(), self.theta0)])
        return list(np.linalg.lstsq(self.basis, moved, rcond=None)[0])

    def __call__(self, epoch, history, network):
        self.points.append(self.coordinates())

    def path(self) -> np.ndarray:
        return np.array(self.points, dtype=float)


# ---------------------------------------------------------------- drawing

def contour_levels(loss, levels):
    """Contour levels: an int gives that many levels spread by quantiles of the loss (so that both
    the flat bottom and the steep walls get lines); an array is used as is."""
    if np.ndim(levels) > 0:
        return np.asarray(levels, dtype=float)
    finite = loss[np.isfinite(loss)]
    q = np.unique(np.quantile(finite, np.linspace(0.0, 1.0, int(levels))))
    return q if q.size >= 2 else np.array([finite.min(), finite.min() + 1.0])


def as_paths(path):
    """A list of (points, losses or None, label) from one path or several."""
    if path is None:
        return []
    if isinstance(path, DescentPath):
        return [(path.points, path.losses, path.label)]
    if isinstance(path, np.ndarray) and path.ndim == 2:
        return [(path, None, "path")]
    if isinstance(path, (list, tuple)) and path and not np.isscalar(path[0]) and (
            isinstance(path[0], DescentPath) or np.ndim(path[0]) == 2):
        result = []
        for k, p in enumerate(path):
            result += [(pts, losses, label if isinstance(p, DescentPath) else f"path {k + 1}")
                       for pts, losses, label
                       in as_paths(p if isinstance(p, DescentPath) else np.asarray(p))]
        return result
    points = np.asarray(path, dtype=float)
    if points.ndim != 2 or points.shape[1] != 2:
        raise CourseError("A path is an array of (p₁, p₂) points, shape (k, 2); "
                          f"got shape {points.shape}.")
    return [(points, None, "path")]


def inside_prefix(points, surface):
    """The points of a path up to (and including) the first one that leaves the surface's window."""
    (x0, x1), (y0, y1) = surface.p1_range, surface.p2_range
    inside = ((points[:, 0] >= x0) & (points[:, 0] <= x1)
              & (points[:, 1] >= y0) & (points[:, 1] <= y1))
    outside = np.flatnonzero(~inside)
    return points if outside.size == 0 else points[:max(outside[0], 1)]


class LossLandscape:
    """The artists of a loss landscape and of the optimiser path(s) drawn on it.

    Attributes: `figure`, `ax`, `kind`, `surface`, `filled` (contourf or 3-D surface), `lines`
    (contour lines), `path_lines` (one Line2D per path), `start_markers`, `end_markers`.
    """

    def __init__(self, surface: LossSurface, ax, kind="contour", levels=25, path=None):
        if kind not in ("contour", "surface"):
            raise CourseError(f'kind must be "contour" or "surface"; got {kind!r}.')
        self.surface, self.ax, self.figure, self.kind = surface, ax, ax.figure, kind
        self.path_lines, self.start_markers, self.end_markers = [], [], []
        P1, P2, L = surface
        if kind == "contour":
            lv = contour_levels(L, levels)
            self.filled = ax.contourf(P1, P2, L, levels=lv, cmap=SEQUENTIAL_CMAP, extend="max")
            self.lines = ax.contour(P1, P2, L, levels=lv, colors="white", linewidths=0.6, alpha=0.6)
            self.colorbar = self.figure.colorbar(self.filled, ax=ax, shrink=0.85, label="loss L")
            ax.set_xlim(*surface.p1_range)
            ax.set_ylim(*surface.p2_range)
            ax.grid(False)
        else:
            step = max(1, P1.shape[0] // 60)
            ax.computed_zorder = False  # draw paths over the surface, not hidden behind it
            self.filled = ax.plot_surface(P1, P2, L, cmap=SEQUENTIAL_CMAP, rstride=step,
                                          cstride=step, linewidth=0, antialiased=True, alpha=0.8,
                                          zorder=1)
            self.lines = None
            self.colorbar = self.figure.colorbar(self.filled, ax=ax, shrink=0.6, pad=0.1,
                                                 label="loss L")
            ax.set_zlabel("loss L")
        if surface.center is not None:
            c = surface.center
            if kind == "contour":
                ax.plot([c[0]], [c[1]], marker="*", markersize=16, color="white",
                        markeredgecolor="black", linestyle="none", label="current weights",
                        zorder=5)
            else:
                ax.plot([c[0]], [c[1]], [float(surface.evaluate(c[0], c[1]))], marker="*",
                        markersize=14, color="white", markeredgecolor="black", linestyle="none",
                        label="current weights", zorder=11)
        ax.set_xlabel(surface.p1_label)
        ax.set_ylabel(surface.p2_label)
        ax.set_title(surface.title)
        self._draw_paths(path)

    def _draw_paths(self, path):
        """The path(s): a DescentPath, a (k, 2) array, or a list of them (None: no path)."""
        for k, (points, _losses, label) in enumerate(as_paths(path)):
            style = series_style(k)
            colour = ["white", "#E69F00", "#CC79A7", "#56B4E9", "#F0E442"][k % 5]
            if self.kind == "contour":
                (line,) = self.ax.plot(points[:, 0], points[:, 1], color=colour,
                                       linestyle=style["linestyle"], marker=style["marker"],
                                       markersize=4, linewidth=2.0, label=label,
                                       markeredgecolor="black", markeredgewidth=0.5, zorder=4)
                (start,) = self.ax.plot(points[:1, 0], points[:1, 1], marker="o", markersize=10,
                                        color=colour, markeredgecolor="black", linestyle="none",
                                        zorder=5)
                (end,) = self.ax.plot(points[-1:, 0], points[-1:, 1], marker="X", markersize=11,
                                      color=colour, markeredgecolor="black", linestyle="none",
                                      zorder=5)
            else:
                shown = inside_prefix(points, self.surface)
                heights = self.surface.evaluate(shown[:, 0], shown[:, 1])
                (line,) = self.ax.plot(shown[:, 0], shown[:, 1], heights, color=colour,
                                       linestyle=style["linestyle"], marker=style["marker"],
                                       markersize=4, linewidth=2.0, label=label,
                                       markeredgecolor="black", zorder=10)
                (start,) = self.ax.plot(shown[:1, 0], shown[:1, 1], heights[:1], marker="o",
                                        markersize=9, color=colour, markeredgecolor="black",
                                        linestyle="none", zorder=11)
                (end,) = self.ax.plot(shown[-1:, 0], shown[-1:, 1], heights[-1:], marker="X",
                                      markersize=10, color=colour, markeredgecolor="black",
                                      linestyle="none", zorder=11)
            self.path_lines.append(line)
            self.start_markers.append(start)
            self.end_markers.append(end)
        handles = self.ax.get_legend_handles_labels()[0]
        if handles:
            title = "○ start  ✕ end" if self.path_lines else None
            if self.kind == "contour":  # below the map: a legend never hides where a path ends
                self.ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), framealpha=0.9,
                               ncols=min(len(handles), 2), title=title, fontsize=10)
            else:
                self.ax.legend(loc="upper right", framealpha=0.9, title=title)


@styled
def draw_loss_landscape(surface: LossSurface, path=None, *, kind: str = "contour", ax=None,
                        levels=25) -> LossLandscape:
    """Draw a LossSurface as filled contours (kind="contour") or a 3-D surface (kind="surface"),
    with optional optimiser path(s) on it; returns the LossLandscape artists."""
    fig, ax = figure_and_axes(ax, (7.5, 6.0) if kind == "contour" else (8.0, 6.5),
                              projection="3d" if kind == "surface" else None)
    return LossLandscape(surface, ax, kind, levels, path)


def plot_loss_landscape(surface: LossSurface, path=None, *, kind: str = "contour", ax=None,
                        levels=25):
    """The loss landscape as a Figure; see `draw_loss_landscape`."""
    return draw_loss_landscape(surface, path, kind=kind, ax=ax, levels=levels).figure
