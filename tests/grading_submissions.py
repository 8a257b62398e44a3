"""Submitted notebooks for the grading tests, made from the solution notebook of topic 01.

Each builder returns the text of a notebook file as a learner might hand it in: correct,
untouched, damaged, hostile, or rearranged. The tests write them into a temporary folder.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOLUTION = ROOT / "solutions" / "01_neuron.ipynb"
EXERCISE = ROOT / "exercises" / "01_neuron.ipynb"

ANSWER_IDS = {
    "weighted_sum": "weighted-sum-answer",
    "neuron_output": "neuron-output-answer",
    "neuron_batch": "neuron-batch-answer",
    "zero_input_output": "zero-input-answer",
}
CHECK_IDS = ["weighted-sum-check", "neuron-output-check", "neuron-batch-check", "zero-input-check"]

WEIGHTED_SUM_OK = """def weighted_sum(inputs, weights, bias):
    return float(np.dot(inputs, weights) + bias)
"""


def solution() -> dict:
    return json.loads(SOLUTION.read_text(encoding="utf-8"))


def exercise() -> dict:
    return json.loads(EXERCISE.read_text(encoding="utf-8"))


def text(notebook: dict) -> str:
    return json.dumps(notebook, indent=1)


def cell(notebook: dict, cell_id: str) -> dict:
    return next(c for c in notebook["cells"] if c.get("id") == cell_id)


def with_answer(name: str, source: str, notebook: dict | None = None) -> dict:
    """The solution notebook with one answer cell's code replaced."""
    notebook = copy.deepcopy(notebook or solution())
    cell(notebook, ANSWER_IDS[name])["source"] = source
    return notebook


def wrong_weighted_sum_with(extra: str) -> dict:
    """A wrong weighted_sum (it forgets the bias), plus some extra code in the same cell."""
    return with_answer("weighted_sum", extra + """
def weighted_sum(inputs, weights, bias):
    return float(np.dot(inputs, weights))
""")


def builders() -> dict[str, str]:
    """Every submission of the batch test, by learner name."""
    subs: dict[str, str] = {}
    subs["correct"] = text(solution())
    subs["untouched"] = text(exercise())
    subs["invalid_json"] = text(solution())[:-200]
    subs["empty_file"] = ""
    subs["syntax_error"] = text(with_answer("weighted_sum",
                                            "def weighted_sum(inputs, weights, bias)\n"
                                             "    return 1\n"))
    subs["exception"] = text(with_answer("weighted_sum",
                                         "def weighted_sum(inputs, weights, bias):\n"
                                          "    return 1 / 0\n"))
    subs["endless_loop"] = text(with_answer("weighted_sum",
                                            "def weighted_sum(inputs, weights, bias):\n"
                                             "    while True:\n        pass\n"))
    subs["endless_loop_in_cell"] = text(with_answer(
        "weighted_sum", WEIGHTED_SUM_OK + "while True:\n    pass\n"))
    subs["memory_bomb"] = text(with_answer(
        "neuron_batch", "hog = []\nwhile True:\n    hog.append(np.empty(50_000_000))\n"))
    subs["sys_exit"] = text(with_answer("weighted_sum",
                                        "import sys\nsys.exit(0)\n" + WEIGHTED_SUM_OK))
    subs["os_exit"] = text(with_answer("neuron_batch", "import os\nos._exit(3)\n"))
    subs["exit_in_function"] = text(with_answer(
        "weighted_sum",
        "def weighted_sum(inputs, weights, bias):\n    import os\n    os._exit(0)\n"))
    subs["kills_grading_process"] = text(with_answer(
        "neuron_batch", "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n"))
    missing = solution()
    missing["cells"] = [c for c in missing["cells"] if c.get("id") != ANSWER_IDS["weighted_sum"]]
    subs["missing_function"] = text(missing)
    subs["renamed_function"] = text(with_answer(
        "weighted_sum", WEIGHTED_SUM_OK.replace("def weighted_sum", "def weightedsum")))
    fake_check = wrong_weighted_sum_with(
        "def check(*args, **kwargs):\n    print('all tests passed')\n")
    fake_check["cells"] = [c for c in fake_check["cells"] if c.get("id") not in CHECK_IDS]
    subs["deleted_and_fake_checks"] = text(fake_check)
    subs["patched_numpy"] = text(wrong_weighted_sum_with(
        "np.allclose = lambda *a, **k: True\nnp.isclose = lambda *a, **k: np.True_\n"
        "np.array_equal = lambda *a, **k: True\n"
        "np.testing.assert_allclose = lambda *a, **k: None\n"))
    printed = wrong_weighted_sum_with("print('01-weighted_sum: all 9 tests passed.')\n")
    cell(printed, "weighted-sum-check")["outputs"] = [
        {"name": "stdout", "output_type": "stream", "text": ["all tests passed\n"]}]
    subs["printed_success"] = text(printed)
    return subs


def rearranged() -> dict[str, str]:
    """Correct answers in cells that were moved, duplicated, split or stripped."""
    subs: dict[str, str] = {}
    moved = solution()
    answer = cell(moved, ANSWER_IDS["weighted_sum"])
    moved["cells"].remove(answer)
    moved["cells"].append(answer)
    subs["moved"] = text(moved)

    duplicated = with_answer("weighted_sum",
                             "def weighted_sum(inputs, weights, bias):\n    return 0.0\n")
    good = copy.deepcopy(cell(solution(), ANSWER_IDS["weighted_sum"]))
    index = duplicated["cells"].index(cell(duplicated, ANSWER_IDS["weighted_sum"]))
    duplicated["cells"].insert(index + 1, good)  # same id twice: the later one wins, as in Run All
    subs["duplicated"] = text(duplicated)

    split = with_answer("neuron_batch", "def neuron_batch(X, weights, bias):\n"
                                        "    return _relu(np.asarray(X) @ weights + bias)\n")
    index = split["cells"].index(cell(split, ANSWER_IDS["neuron_batch"]))
    split["cells"].insert(index + 1, {"cell_type": "code", "id": "learner-added", "metadata": {},
                                      "execution_count": None, "outputs": [],
                                      "source": "def _relu(z):\n    return np.maximum(0.0, z)\n"
                                                "print(_relu(-1.0))\n"})
    subs["split"] = text(split)

    stripped = solution()
    for c in stripped["cells"]:
        c.pop("id", None)
        c["metadata"] = {}
    stripped["metadata"] = {}
    subs["stripped_ids_and_metadata"] = text(stripped)
    return subs
