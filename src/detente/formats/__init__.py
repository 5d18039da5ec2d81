"""Readers (and writers) of the file formats the toolkit exchanges with other tools."""
