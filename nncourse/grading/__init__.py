"""Exercises, their checks, and the grader.

In a notebook a learner writes a function, then runs its check:

    from nncourse.grading import check, hint, summary
    check("01-weighted_sum")   # prints a verdict: which case failed, expected vs got, a hint
    hint("01-weighted_sum")    # progressive hints, one more per call
    summary("01")              # every exercise of the notebook

An instructor releases the exercise notebooks and grades the submitted ones:

    nncourse release solutions -o exercises
    nncourse grade submissions/ -o grades --jobs 4

Importing this package is quick: it loads numpy and the exercise registry, nothing of Jupyter.

Modules (one idea each)
-----------------------
spec          `Exercise`, `Case`, `GradientCheck`, `HiddenCheck`: the form of an exercise
catalog       where exercises are found: the installed catalogs (`nncourse.exercises`)
compare       expected vs got, with the reason in words (shape, type, NaN, values)
mistakes      the classic mistakes of an exercise, recognised by what they produce, and named
evaluate      run the cases on the learner's code (`collect_outcomes`) and judge them (`judge`)
messages      the text of a verdict
inline        `check`, `hint`, `summary`: what a learner calls
notebook_json read a (possibly damaged) .ipynb as plain JSON
answers       the instructor's notebook (`Assignment`); the learner's answer cells in a submission
release       solutions/ -> exercises/ (`nncourse release`)
own_work      what an answer may not use (`Exercise.may_not_use`), read from its syntax tree
transport     values between grader and child process: no pickle, bounded, checked
child         the fork server, and the child process that runs a learner's answers for one exercise
namespaces    fresh Linux namespaces for each child, inside the sandbox
sandbox       the bubblewrap sandbox holding the fork servers; starts children, reads their reports
hidden        hidden checks kept by the instructor
grader        grades a batch (`nncourse grade`)
reports       results.json (Gradescope), feedback.html, grades.csv, pass_rates.csv, summary.json
commands      the two subcommands' arguments

How to add an exercise
----------------------
1. The specification, in `nncourse/exercises/topicNN_<name>.py` (a new file there is found
   automatically; its name must start with "topic"):

       import numpy as np
       from nncourse.activations import sigmoid
       from nncourse.exercises import register
       from nncourse.grading.spec import Case, Exercise, GradientCheck

       def _random_cases(rng):
           return [Case(f"random z of shape {shape}", (rng.normal(size=shape),))
                   for shape in [(3,), (2, 4), (5, 1)]]

       register(Exercise(
           id="02-sigmoid",                   # "<topic>.<name>", unique
           title="The sigmoid function",
           names=("sigmoid",),                 # what the learner defines
           arg_names=("z",),                   # how inputs are named in messages
           reference=sigmoid,                  # the right answer: normally the engine
           cases=(Case("zero", (0.0,), hint="sigmoid(0) is exactly one half."),
                  Case("the '97% positive' review", (3.5,))),
           random_cases=_random_cases,         # drawn from np.random.default_rng(seed)
           hints=("σ(z) = 1 / (1 + e^(−z)).", "np.exp works element by element on arrays."),
           points=1,
       ))

   Other shapes of exercise:
   - a function returning several values: the reference returns a tuple; the learner's tuple is
     compared item by item ("item 1: expected shape (3,), got shape (1, 3)").
   - a value, not a function: `kind="value"`, `names=("learning_rate",)`, `reference=lambda:
     0.1`, no cases needed. A dict of named numbers works too (compared key by key); this is the
     form for a "find the errors" exercise (`corrected = {"o6": ..., "delta5": ...}`).
     A failing value exercise never shows the expected value (it is the answer): the verdict
     lists the wrong keys or cases, what was given and which way it is off ("too large", "wrong
     sign"), with each case's hint. Give `reveal_expected=True` where showing it is fine.
   - several names, or the learner's function used inside the engine: give
     `call=lambda f, *args: ...` which receives a dict {name: learner's object} and the case's
     arguments, e.g. build a `Dense` layer whose backward is `f["dense_backward"]`, train it a few
     steps, and return the losses; the reference returns the same from the engine alone.
   - a backward function: add `gradient=GradientCheck(scalar=..., gradient=...)`; every case
     then also compares the learner's gradient with central differences, as `nncourse.gradcheck`
     does: the relative error of the whole array, ‖a − n‖ / (‖a‖ + ‖n‖) ≤ tol, or an absolute
     difference ‖a − n‖ ≤ atol (see `spec`).
   - the classic mistakes: `mistakes=(Mistake("the bias forgotten", "what to think instead",
     produce=lambda inputs, weights, bias: ...),)`, where `produce` returns what that mistake
     gives on a case's arguments (for a dict answer, only the keys it changes); a failing case
     whose answer is what a mistake produces names it (see `mistakes`).
   - the engine implements what is asked: name it, `may_not_use=("nncourse.activations",)`,
     and say what the answer may use instead, `allowed="numpy (np.exp) and plain Python"`: an
     answer that imports or calls it fails with that sentence, in the notebook and the grader.
   Tolerances: `rtol`, `atol` per exercise or per case. Inputs must be numbers, numpy arrays,
   or tuples/lists/dicts of them (they travel to the grader's child process without pickle).

2. The notebook cells, in `solutions/NN_<topic>.ipynb` (the notebook's number is the topic):
   - a setup code cell tagged `setup` (cell metadata "tags": ["setup"]) with the imports the
     answers need; the grader runs the setup cells before a learner's answers (numpy is always
     there as `np`). Keep plots and widgets out of setup cells.
   - the answer cell, with the solution between the markers; nbgrader metadata
       {"nbgrader": {"grade": false, "grade_id": "02-sigmoid", "locked": false,
                     "schema_version": 3, "solution": true, "task": false}}
     e.g.
       def sigmoid(z):
           \"\"\"σ(z) = 1 / (1 + e^(−z)), element by element.\"\"\"
           ### BEGIN SOLUTION
           return 1 / (1 + np.exp(-z))
           ### END SOLUTION
     Write the signature and docstring outside the markers: the learner gets them.
   - the check cell right after it, source `check("02-sigmoid")`, metadata
       {"nbgrader": {"grade": true, "grade_id": "02-sigmoid-check", "locked": true,
                     "points": 1, "schema_version": 3, "solution": false, "task": false}}
     (the points must equal the specification's).
   - cells only for the solutions (a worked answer in prose, say): tag `solution-only`.
   - at the end: `summary("02")`.
   Then run `python -m nncourse.notebooks solutions/02_activations.ipynb` (stores the outputs
   that nbval compares) and `nncourse release solutions -o exercises`.

3. Tests: tests/test_grading_notebooks.py picks up every solution notebook by itself: it must
   pass `release.solution_problems`, grade to full marks, and its released exercise notebook must
   run without error and grade to zero.

How the grader keeps grades honest: see `grader` (learner code runs only in child processes;
expected values and comparisons stay in the grader's process) and `sandbox` (limits, isolation).
"""

from nncourse.grading.catalog import all_exercises, exercises_of_topic, get_exercise
from nncourse.grading.inline import check, evaluate, hint, summary
from nncourse.grading.spec import Case, Exercise, GradientCheck, HiddenCheck

__all__ = [
    "check", "hint", "summary", "evaluate",
    "Case", "Exercise", "GradientCheck", "HiddenCheck", "get_exercise",
    "exercises_of_topic", "all_exercises",
]
