import re

import emomotiv as em


def test_report_is_self_contained_with_sections(small_result):
    html = em.Report(small_result).html()
    for section in ("summary", "drivers", "model-fit", "data", "method"):
        assert f'id="{section}"' in html
    assert "<svg" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "not causation" in html


def test_user_labels_are_escaped(small):
    catalog = small.catalog.copy()
    catalog.loc[0, "label"] = "<script>alert(1)</script>"
    result = em.analyze(small.survey, catalog, connection="connected")
    html = em.Report(result).html()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
