"""How fast is the engine? Time per training step against a plain numpy loop and PyTorch.

The task: a 2 → 64 → 32 → 3 network (ReLU, ReLU, softmax with cross-entropy) trained with SGD on
300 spiral points, at full batch and at mini-batch 32. Each contender does the same work per step:
forward, loss value, backward, update, and counts correct predictions.

Then scikit-learn's bundled digits (no download): test accuracy and fit time of nncourse against
scikit-learn's MLPClassifier(hidden_layer_sizes=(64,)).

Times drift between runs on a shared machine, so every figure is a median of repeats taken in the
same run, and the ratios are what to read. Run with `make bench` or `python benchmarks/engine.py`.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from nncourse import data
from nncourse.network import mlp
from nncourse.training import fit

SIZES = [2, 64, 32, 3]
LR = 0.05
EPOCHS = {None: 400, 32: 40}
REPEATS = 21


def spiral_task():
    X, y = data.spirals(100, 3, noise=0.2, seed=0)
    return X, y


def interleaved_step_ms(runs: dict, steps: int) -> dict:
    """Median time per step (ms) of each run, timed in alternation so that load hits all alike,
    and "ratio": the median over rounds of nncourse's time over numpy's in the same round (a pair
    timed back to back shares the machine's state, so their ratio drifts less than either time).

    Each run is warmed up once; then every round times each contender once, in turn.
    """
    for run in runs.values():
        run()
    times = {name: [] for name in runs}
    for _ in range(REPEATS):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            times[name].append((time.perf_counter() - start) / steps * 1e3)
    result = {name: statistics.median(values) for name, values in times.items()}
    result["ratio"] = statistics.median(
        ours / plain for ours, plain in zip(times["nncourse"], times["numpy"]))
    return result


def steps_per_run(n: int, batch_size) -> int:
    epochs = EPOCHS[batch_size]
    return epochs * (1 if batch_size is None else -(-n // batch_size))


# ----------------------------------------------------------------- nncourse
def nncourse_run(X, y, batch_size):
    def run():
        net = mlp(SIZES, hidden="relu", output="softmax", seed=0)
        fit(net, X, y, loss="categorical_crossentropy", optimizer="sgd", lr=LR,
            epochs=EPOCHS[batch_size], batch_size=batch_size, seed=0)
    return run


# ----------------------------------------------------------------- plain numpy
def numpy_run(X, y, batch_size):
    """The same training written out as one plain numpy loop."""
    n = X.shape[0]
    Y = np.eye(3)[y]

    def run():
        net = mlp(SIZES, hidden="relu", output="softmax", seed=0)  # same starting weights
        W1, b1, W2, b2, W3, b3 = [p.copy() for p in net.parameters()]
        rng = np.random.default_rng(0)
        for _ in range(EPOCHS[batch_size]):
            if batch_size is None:
                batches = [slice(None)]
            else:
                order = rng.permutation(n)
                batches = [order[i:i + batch_size] for i in range(0, n, batch_size)]
            loss_sum, correct = 0.0, 0
            for idx in batches:
                Xb, Yb = X[idx], Y[idx]
                m = Xb.shape[0]
                z1 = Xb @ W1 + b1
                a1 = np.maximum(z1, 0)
                z2 = a1 @ W2 + b2
                a2 = np.maximum(z2, 0)
                z3 = a2 @ W3 + b3
                e = np.exp(z3 - z3.max(axis=1, keepdims=True))
                p = e / e.sum(axis=1, keepdims=True)
                loss_sum += -np.sum(Yb * np.log(np.clip(p, 1e-12, 1.0)))
                correct += int(np.sum(p.argmax(axis=1) == Yb.argmax(axis=1)))
                dz3 = (p - Yb) / m
                dW3, db3 = a2.T @ dz3, dz3.sum(axis=0)
                dz2 = (dz3 @ W3.T) * (z2 > 0)
                dW2, db2 = a1.T @ dz2, dz2.sum(axis=0)
                dz1 = (dz2 @ W2.T) * (z1 > 0)
                dW1, db1 = Xb.T @ dz1, dz1.sum(axis=0)
                W1 -= LR * dW1
                b1 -= LR * db1
                W2 -= LR * dW2
                b2 -= LR * db2
                W3 -= LR * dW3
                b3 -= LR * db3
    return run


# ----------------------------------------------------------------- PyTorch
def torch_run(X, y, batch_size, dtype, threads):
    import torch

    def run():
        torch.set_num_threads(threads)
        net = mlp(SIZES, hidden="relu", output="softmax", seed=0)
        model = torch.nn.Sequential(
            torch.nn.Linear(2, 64), torch.nn.ReLU(), torch.nn.Linear(64, 32), torch.nn.ReLU(),
            torch.nn.Linear(32, 3)).to(dtype)
        with torch.no_grad():
            for layer, (W, b) in zip([model[0], model[2], model[4]],
                                     zip(*[iter(net.parameters())] * 2)):
                layer.weight.copy_(torch.tensor(W.T))
                layer.bias.copy_(torch.tensor(b))
        opt = torch.optim.SGD(model.parameters(), lr=LR)
        loss_fn = torch.nn.CrossEntropyLoss()
        Xt, yt = torch.tensor(X, dtype=dtype), torch.tensor(y)
        n = Xt.shape[0]
        gen = torch.Generator().manual_seed(0)
        for _ in range(EPOCHS[batch_size]):
            if batch_size is None:
                batches = [slice(None)]
            else:
                order = torch.randperm(n, generator=gen)
                batches = [order[i:i + batch_size] for i in range(0, n, batch_size)]
            loss_sum, correct = 0.0, 0
            for idx in batches:
                out = model(Xt[idx])
                loss = loss_fn(out, yt[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
                loss_sum += loss.item()
                correct += int((out.argmax(1) == yt[idx]).sum())
    return run


def step_table():
    X, y = spiral_task()
    n = X.shape[0]
    try:
        import torch
        default_threads = torch.get_num_threads()
    except ImportError:
        torch = None
    rows = []
    for batch_size in (None, 32):
        steps = steps_per_run(n, batch_size)
        runs = {"nncourse": nncourse_run(X, y, batch_size), "numpy": numpy_run(X, y, batch_size)}
        if torch is not None:
            runs["torch64_1"] = torch_run(X, y, batch_size, torch.float64, 1)
            runs["torch64_default"] = torch_run(X, y, batch_size, torch.float64, default_threads)
            runs["torch32_default"] = torch_run(X, y, batch_size, torch.float32, default_threads)
        result = interleaved_step_ms(runs, steps)
        result["mode"] = "full batch (300)" if batch_size is None else "mini-batch 32"
        if torch is not None:
            torch.set_num_threads(default_threads)
        rows.append(result)
    return rows, (None if torch is None else default_threads)


def digits_comparison():
    try:
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split
        from sklearn.neural_network import MLPClassifier
    except ImportError:
        return None
    import warnings

    digits = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(
        digits.data, digits.target, test_size=0.25, stratify=digits.target, random_state=0)
    X_train_s, mean, std = data.standardize(X_train)
    X_test_s, _, _ = data.standardize(X_test, mean, std)

    def ours():
        net = mlp([64, 64, 10], hidden="relu", output="softmax", seed=0)
        fit(net, X_train_s, y_train, loss="categorical_crossentropy", optimizer="adam", lr=0.005,
            epochs=30, batch_size=64, seed=0)
        return float(np.mean(net.predict_classes(X_test_s) == y_test))

    def theirs():
        clf = MLPClassifier(hidden_layer_sizes=(64,), random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf.fit(X_train_s, y_train)
        return float(clf.score(X_test_s, y_test))

    results = {}
    for name, run in (("nncourse", ours), ("scikit-learn", theirs)):
        times, acc = [], None
        for _ in range(3):
            start = time.perf_counter()
            acc = run()
            times.append(time.perf_counter() - start)
        results[name] = (acc, statistics.median(times))
    return results


def main():
    rows, threads = step_table()
    print("Time per training step, 2 → 64 → 32 → 3 MLP on 300 spiral points (median ms; SGD;\n"
          "ratio: median of nncourse/numpy over rounds timed back to back)")
    header = f"{'mode':18} {'nncourse':>9} {'numpy':>9} {'ratio':>6}"
    if threads is not None:
        header += (f" {'torch64·1':>10} {f'torch64·{threads}':>10}"
                   f" {'torch32':>9} {'vs best torch64':>16}")
    print(header)
    for r in rows:
        line = (f"{r['mode']:18} {r['nncourse']:9.4f} {r['numpy']:9.4f}"
                f" {r['ratio']:6.2f}")
        if threads is not None:
            best = min(r["torch64_1"], r["torch64_default"])
            line += (f" {r['torch64_1']:10.4f} {r['torch64_default']:10.4f}"
                     f" {r['torch32_default']:9.4f} {r['nncourse'] / best:16.2f}")
        print(line)
    print("targets: nncourse/numpy ≤ 1.15; "
          "nncourse/best torch float64 ≤ 1.0 (full batch), ≤ 0.5 (mini-batch 32)")
    if threads is None:
        print("PyTorch not installed: its columns are left out (pip install '.[compare]').")

    digits = digits_comparison()
    if digits is None:
        print("scikit-learn not installed: digits comparison left out (pip install '.[compare]').")
        return
    print("\nDigits (scikit-learn's bundled copy, 25% stratified test split), median of 3 fits")
    for name, (acc, seconds) in digits.items():
        print(f"{name:14} test accuracy {acc:.4f}   fit time {seconds:.3f} s")
    ratio = digits["nncourse"][1] / digits["scikit-learn"][1]
    print(f"fit-time ratio nncourse/scikit-learn: {ratio:.2f}   "
          "(targets: accuracy ≥ 0.97, ratio ≤ 0.5)")


if __name__ == "__main__":
    main()
