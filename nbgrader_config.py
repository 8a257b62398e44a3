# nbgrader's configuration for this course: copy it into your nbgrader course folder.
# `nbgrader generate_assignment` then writes the notebooks `nncourse release` writes (answers
# replaced by stubs that keep "Run All" going, solution-only cells left out); see
# nncourse/grading/nbgrader_support.py and "Grading with nbgrader" in the README.
from nncourse.grading.nbgrader_support import configure

configure(get_config())  # noqa: F821 (nbgrader provides get_config)
