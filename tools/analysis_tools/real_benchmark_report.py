"""Write the results table of a finished real-data benchmark.

    python tools/analysis_tools/real_benchmark_report.py work_dirs/real/pku1

Reads the folder that ``prepare_real_benchmarks.py`` prepared and
``run_real_benchmarks.sh`` ran, and writes ``results.json`` and
``results.md`` there: every protocol for both encoders (per seed and the
mean), the class distribution of the data found and the pictures (see
``usdrl_mm/benchmarks/report.py``).
"""
import argparse
import os.path as osp
import sys
from typing import List, Optional

from usdrl_mm.apis.cli import report_errors
from usdrl_mm.benchmarks import write_report


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('out_dir', help='the benchmark folder')
    return report_errors(
        report,
        parser.parse_args(argv).out_dir,
        errors=(OSError, ValueError, KeyError),
        prog='real_benchmark_report')


def report(out_dir: str) -> None:
    """Write the report of ``out_dir`` and print its table."""
    write_report(out_dir)
    with open(osp.join(out_dir, 'results.md'), encoding='utf-8') as f:
        print(f.read())


if __name__ == '__main__':
    sys.exit(main())
