#!/usr/bin/env bash
# Create (or reuse) a virtual environment with the pinned stack and install
# usdrl_mm into it (editable by default). Idempotent.
#
#   VENV=.venv        where the environment lives
#   REQUIREMENTS=requirements/runtime.txt   the OpenMMLab stack to install:
#                     runtime.txt (MMAction2 1.1.0) or
#                     runtime-mmaction2-1.2.txt (MMAction2 1.2.0)
#   PYTHON=python3    interpreter that creates it (3.8+; tested with 3.11)
#   TORCH=torch==2.13.0   the torch requirement; on a GPU machine pick the
#                         build you need (its index URL via PIP_INDEX_URL)
#   INSTALL=editable  editable: `pip install -e .`; wheel: build a wheel
#                     (configs, tools and the model index in usdrl_mm/.mim,
#                     as `mim` reads them) and install it, with openmim
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}
TORCH=${TORCH:-torch==2.13.0}
REQUIREMENTS=${REQUIREMENTS:-requirements/runtime.txt}
INSTALL=${INSTALL:-editable}

if [ ! -x "$VENV/bin/python" ]; then
    echo "[setup] creating $VENV"
    "$PYTHON" -m venv "$VENV"
fi
PIP="$VENV/bin/python -m pip"

# torch first: mmaction2 only asks for torch>=1.3, which would otherwise
# pull the newest (CUDA) build
echo "[setup] installing $TORCH"
$PIP install -q "setuptools<82" wheel "$TORCH"
echo "[setup] installing $REQUIREMENTS, test and optional requirements"
$PIP install -q -r "$REQUIREMENTS" -r requirements/tests.txt \
    -r requirements/optional.txt
case $INSTALL in
editable) $PIP install -q --no-deps --no-build-isolation -e . ;;
wheel)
    # a stale build/ would put deleted files into the wheel
    rm -rf build "$VENV/wheel"
    $PIP wheel -q --no-deps --no-build-isolation -w "$VENV/wheel" .
    $PIP install -q --no-deps --force-reinstall "$VENV"/wheel/usdrl_mm-*.whl
    # openmim's own dependencies pin old setuptools / numpy through
    # opendatalab (used only by `mim download --dataset`); install what the
    # train, test and search commands import instead
    $PIP install -q --no-deps openmim==0.3.9
    $PIP install -q -r requirements/mim.txt
    ;;
*)
    echo "[setup] INSTALL=$INSTALL: use editable or wheel" >&2
    exit 2
    ;;
esac
"$VENV/bin/python" -c "import torch, mmengine, mmaction, mmcv, usdrl_mm; \
print('[setup] torch', torch.__version__, '| mmengine', mmengine.__version__, \
'| mmaction2', mmaction.__version__, '| mmcv', mmcv.__version__, \
'| usdrl_mm', usdrl_mm.__version__)" 2>&1 | grep '^\[setup\]'
