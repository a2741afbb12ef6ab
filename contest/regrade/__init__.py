"""Regrading after a complaint: a corrected key carried to the attempts that drew the question."""
