# The course's commands. Everything runs inside a local virtual environment, .venv,
# which the first command creates from nothing.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# Extras installed with the package: `test` always; CI adds `compare` (PyTorch, scikit-learn).
NNCOURSE_EXTRAS ?= test
comma := ,
STAMP := $(VENV)/.installed-$(subst $(comma),-,$(NNCOURSE_EXTRAS))

# Jupyter, IPython and matplotlib keep their own state inside .venv, not in your home folder.
STATE := $(CURDIR)/$(VENV)/state
export JUPYTER_CONFIG_DIR := $(STATE)/jupyter-config
export JUPYTER_RUNTIME_DIR := $(STATE)/jupyter-runtime
export IPYTHONDIR := $(STATE)/ipython
export MPLCONFIGDIR := $(STATE)/matplotlib
export PYDEVD_DISABLE_FILE_VALIDATION := 1

PYTEST_NOTEBOOKS := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
JOBS ?= 2

.PHONY: lab test bench notebooks release site venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[$(NNCOURSE_EXTRAS)]"
	mkdir -p $(STATE)
	touch $@

## make lab: open the course in JupyterLab, on lesson 00 (the printed address opens it too)
lab: $(STAMP)
	$(VENV)/bin/nncourse lab

## make test: the whole suite: engine, grader, browser, and every notebook executed by nbval
# The suite runs in parallel processes; one BLAS thread each keeps small matrix products from
# fighting over the cores.
test: export OPENBLAS_NUM_THREADS := 1
test: export OMP_NUM_THREADS := 1
test: $(STAMP)
	$(PY) -m pytest -n $(JOBS) --dist loadfile $(PYTEST_NOTEBOOKS) tests lessons solutions

## make bench: speed figures of the engine, the widgets, the course and the grader
bench: $(STAMP)
	@for script in benchmarks/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

## make notebooks: re-execute the lessons and solutions in place, storing fresh outputs
notebooks: $(STAMP)
	$(PY) -m nncourse.notebooks lessons/*.ipynb solutions/*.ipynb

## make release: write exercises/ from solutions/
release: $(STAMP)
	$(VENV)/bin/nncourse release solutions -o exercises

## make site: the course as a static site in site/_build/html (stored outputs, no kernel needed)
site: $(STAMP)
	$(PY) site/build.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis site/_build
