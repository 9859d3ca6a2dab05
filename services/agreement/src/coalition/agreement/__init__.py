"""Agreement: formalising partnerships."""
