"""Packaging for usdrl_mm.

torch is a range on purpose: pinning it here would let pip replace a user's
build (CPU or a specific CUDA) with the newest CUDA wheel. Install torch first.

mmcv is left out of ``install_requires`` because ``mmcv-lite`` and full
``mmcv`` install the same ``mmcv`` module; pick one through the extras
(``pip install -e .[lite]`` or ``.[full]``) or install it yourself.

``install_requires`` states what the package itself needs, as ranges, so
that installing it does not downgrade a working environment. The exact
tested stacks, with the pins that only the MMAction2 baselines need
(``numpy<2`` for PoseC3D's ``np.Inf``, ``setuptools<82`` for ``mmaction::``
config bases), are ``requirements/runtime.txt`` (MMAction2 1.1.0) and
``requirements/runtime-mmaction2-1.2.txt`` (MMAction2 1.2.0).
"""
import os
import os.path as osp
import shutil
import sys
from setuptools import find_packages, setup

# What `mim` reads from an installed package (its `.mim` folder): the configs
# (`mim train usdrl_mm CONFIG_NAME` finds a config by file name), the tools
# it runs (`.mim/tools/train.py`, `test.py`) and the model index (`mim
# search`). MMAction2 ships the same three.
MIM_FILES = ('configs', 'tools', 'model-index.yml')


def read_version() -> str:
    namespace: dict = {}
    with open(osp.join('usdrl_mm', 'version.py'), encoding='utf-8') as f:
        exec(f.read(), namespace)
    return namespace['__version__']


def add_mim_extension() -> None:
    """Put :data:`MIM_FILES` under ``usdrl_mm/.mim`` before packaging.

    An editable install (``develop`` / ``editable_wheel``) links them, so
    edits show at once; a wheel or sdist build copies them, so the package
    carries them. Other commands (``egg_info``, ``dist_info``) leave the
    folder as it is.
    """
    if {'develop', 'editable_wheel'} & set(sys.argv):
        mode = 'symlink'
    elif {'bdist_wheel', 'sdist', 'build', 'build_py'} & set(sys.argv):
        mode = 'copy'
    else:
        return
    root = osp.dirname(osp.abspath(__file__))
    mim_dir = osp.join(root, 'usdrl_mm', '.mim')
    os.makedirs(mim_dir, exist_ok=True)
    for name in MIM_FILES:
        source = osp.join(root, name)
        target = osp.join(mim_dir, name)
        if osp.islink(target) or osp.isfile(target):
            os.remove(target)
        elif osp.isdir(target):
            shutil.rmtree(target)
        if mode == 'symlink':
            # relative, so that a moved checkout keeps working
            os.symlink(osp.relpath(source, mim_dir), target)
        elif osp.isdir(source):
            shutil.copytree(
                source,
                target,
                ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))
        else:
            shutil.copyfile(source, target)


def read_readme() -> str:
    with open('README.md', encoding='utf-8') as f:
        return f.read()


add_mim_extension()
setup(
    name='usdrl_mm',
    version=read_version(),
    description=('USDRL dense skeleton representation learning (DSTE, MG-FD) '
                 'as an mmengine / MMAction2 plugin'),
    long_description=read_readme(),
    long_description_content_type='text/markdown',
    packages=find_packages(include=['usdrl_mm', 'usdrl_mm.*']),
    package_data={
        'usdrl_mm': [
            '.mim/model-index.yml', '.mim/configs/**/*.py',
            '.mim/configs/**/*.yml', '.mim/tools/**/*.py', '.mim/tools/**/*.sh'
        ]
    },
    python_requires='>=3.8',
    install_requires=[
        # torch.load is weights-only by default from 2.6 on; the safety of
        # every checkpoint load rests on it (usdrl_mm/_compat.py checks too)
        'torch>=2.6',
        'mmengine>=0.10.7,<0.11',
        'mmaction2>=1.1.0,<1.3',
        # mmaction2 1.2.0 imports it (mmaction/utils/dependency.py) but its
        # wheel does not declare it
        'importlib_metadata',
        'numpy>=1.24',  # 1.x and 2.x; the library avoids removed aliases
        'packaging',  # usdrl_mm/_compat.py compares versions
        'pyyaml',  # usdrl_mm/utils/model_index.py
        'scipy',
        'matplotlib',
    ],
    extras_require={
        # mmaction2 refuses other mmcv versions at import: 1.1.0 accepts
        # mmcv < 2.1, 1.2.0 mmcv < 2.2 (mmcv-lite 2.2.0 is refused by both)
        'lite': ['mmcv-lite>=2.0.1,<2.2'],
        'full': ['mmcv>=2.0.1,<2.2'],
        'tests': ['pytest>=7'],
    },
    license='Apache License 2.0',
    zip_safe=False,
)
