"""Presentation layer: the ``detente`` command. Parses, builds one config, calls one library
function, prints. No model logic here."""
