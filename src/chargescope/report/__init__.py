"""Renderers of the analysis report: one module per output, all fed by the same Report."""

from chargescope.report.jsonout import iso, report_dict, write_json

__all__ = ["iso", "report_dict", "write_json"]
