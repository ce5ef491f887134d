# shellcheck shell=bash
# Sourced, not run, by the scripts of tools/ that run the project's python
# (run_demo.sh, run_tests.sh, analysis_tools/run_*_benchmarks.sh, ...), from
# the repository root:
#
#   . tools/misc/activate_env.sh
#
# sets up the pinned stack with tools/setup_env.sh (idempotent; VENV,
# REQUIREMENTS, TORCH, ... as it takes them) and activates the virtual
# environment VENV (default .venv) in the calling shell, so that `python`,
# `torchrun` and the tools are the environment's. VENV is set afterwards.
bash tools/setup_env.sh
VENV=${VENV:-.venv}
# shellcheck disable=SC1091
. "$VENV/bin/activate"
