"""tools/analysis_tools/real_benchmark_report.py: prints the table it wrote,
and an unusable folder is one line naming the tool, with status 1."""
from tools.analysis_tools import real_benchmark_report as tool


def test_a_folder_that_was_not_prepared_is_one_error_line(tmp_path, capsys):
    assert tool.main([str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith('real_benchmark_report: ')
    assert err.count('\n') == 1 and 'Traceback' not in err


def test_the_written_table_is_printed(tmp_path, capsys, monkeypatch):
    written = []

    def fake_write_report(out_dir):
        (tmp_path / 'results.md').write_text('| protocol | top1 |\n')
        written.append(out_dir)

    monkeypatch.setattr(tool, 'write_report', fake_write_report)
    assert tool.main([str(tmp_path)]) == 0
    assert written == [str(tmp_path)]
    assert '| protocol | top1 |' in capsys.readouterr().out
