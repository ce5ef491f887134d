"""The real-data benchmark (``tools/analysis_tools/run_real_benchmarks.sh``):
recipes, config retargeting, run preparation, the data summary and the
results report."""
from .class_distribution import (class_counts, count_pku_files,
                                 distribution_markdown, protocol_summary)
from .prepare import label_subset, prepare_benchmark
from .recipes import (DATASETS, RECIPE_NAMES, RECIPES, ROLES, SMOKE_OPTIONS,
                      recipe_configs, recipe_options)
from .report import build_report, data_summary, write_report
from .results_table import (aggregate, metric_order, protocol_table,
                            report_markdown)
from .retarget import protocol_splits, retarget_config

__all__ = [
    'DATASETS', 'RECIPES', 'RECIPE_NAMES', 'ROLES', 'SMOKE_OPTIONS',
    'aggregate', 'build_report', 'class_counts', 'count_pku_files',
    'data_summary', 'distribution_markdown', 'label_subset', 'metric_order',
    'prepare_benchmark', 'protocol_splits', 'protocol_summary',
    'protocol_table', 'recipe_configs', 'recipe_options', 'report_markdown',
    'retarget_config', 'write_report'
]
