"""The workflow: the only code that sequences fetch → extract → summarize → review → publish."""
