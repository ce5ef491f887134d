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
import os.path as osp
from setuptools import find_packages, setup


def read_version() -> str:
    namespace: dict = {}
    with open(osp.join('usdrl_mm', 'version.py'), encoding='utf-8') as f:
        exec(f.read(), namespace)
    return namespace['__version__']


def read_readme() -> str:
    with open('README.md', encoding='utf-8') as f:
        return f.read()


setup(
    name='usdrl_mm',
    version=read_version(),
    description=('USDRL dense skeleton representation learning (DSTE, MG-FD) '
                 'as an mmengine / MMAction2 plugin'),
    long_description=read_readme(),
    long_description_content_type='text/markdown',
    packages=find_packages(include=['usdrl_mm', 'usdrl_mm.*']),
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
