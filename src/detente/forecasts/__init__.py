"""Stakeholder forecasts: where does an issue settle, given positions, saliences and clout?

Models (DESIGN §5): the compromise model, the weighted median, Bueno de Mesquita's expected
utility model as reconstructed by Scholz, Calbert & Smith (2011), and KTAB's spatial model of
politics. All share one interface, :class:`~detente.forecasts.base.Forecaster`.
"""
