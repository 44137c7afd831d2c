"""Helpers shared by the tests: real servers on 127.0.0.1, builders of fixture files, polling."""
