#!/usr/bin/env bash
# The test command of the README and of CI: set up the environment, then run
# the default suite (everything not marked slow). Extra arguments go to
# pytest, e.g. `bash tools/run_tests.sh -m slow` for the long tests.
# VENV= and REQUIREMENTS= choose the environment, as for tools/setup_env.sh
# (.ci/run tests MMAction2 1.2.0 that way). Exit code 5 (no tests
# collected, e.g. a selection that matches nothing) fails like any other.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/misc/activate_env.sh  # tests call python, torchrun and the tools

args=("$@")
if [ ${#args[@]} -eq 0 ]; then args=(-m "not slow"); fi
set +e
python -m pytest "${args[@]}"
status=$?
set -e
if [ $status -eq 5 ]; then
    echo "[tests] pytest collected no tests: failing on purpose" >&2
fi
exit $status
