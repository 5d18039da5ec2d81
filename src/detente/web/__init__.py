"""The analyst's workbench: a local web app over the library and its records (`detente serve`)."""
