"""Reports: computed once (``model.Report``), rendered many ways (json, text, markdown)."""
